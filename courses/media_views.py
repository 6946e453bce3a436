"""Serving documents, images and raw media files behind the audience check
(``media_access``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils._os import safe_join
from django.views.decorators.cache import cache_control
from wagtail.documents.views.serve import serve as wagtail_document_serve
from wagtail.images import get_image_model
from wagtail.images.views.serve import ServeView

from lms.core.byte_ranges import answer_range
from lms.core.file_responses import harden_file_response

from .media_access import is_author, user_may_receive


def document_serve(
    request: HttpRequest, document_id: str, document_filename: str
) -> HttpResponseBase:
    """Wagtail's document view (its ``before_serve_document`` hooks, so our audience
    check, and its ETag), with the type, disposition and CSP of
    ``lms.core.file_responses`` (nothing served runs in a browser, whatever its name),
    answering Range requests on the file it serves, so that lesson video and audio seek
    without fetching from the start. Wagtail has checked that ``document_filename`` is
    the document's own file name before it answers with the file."""
    response = wagtail_document_serve(request, document_id, document_filename)
    return answer_range(request, harden_file_response(response, filename=document_filename))


class AudienceImageServeView(ServeView):
    """Wagtail's signed image view, plus: only to people who may see a page using the
    image. Lesson templates link images through this view (``{% image_url %}``)."""

    action = "serve"

    def get(self, request, signature, image_id, filter_spec, filename=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None or not user_may_receive(request.user, image):
            raise Http404
        response = super().get(request, signature, image_id, filter_spec, filename)
        response["Cache-Control"] = "private, max-age=3600"
        return response


@cache_control(private=True, max_age=3600)
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """Raw files under MEDIA_ROOT (originals, renditions for the admin) are for authors
    only; learners get images through ``AudienceImageServeView`` and documents through
    Wagtail's document view, both checked."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_author(request.user):
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as error:  # SuspiciousFileOperation: a path outside MEDIA_ROOT
        raise Http404 from error
    if not full_path.is_file():
        raise Http404
    return harden_file_response(FileResponse(full_path.open("rb")), filename=full_path.name)
