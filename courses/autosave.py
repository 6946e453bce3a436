"""Autosave on the Wagtail create view never leaves a stray page behind.

Wagtail 8 autosaves a new page by posting the create view with deferred validation, which
creates the page as a draft; the editor's script then switches to the edit view. Two ways
that went wrong (issue 15): a publish failed validation, autosave then saved the same
invalid content as a draft page, and the next publish, still posted to the create view,
found the page's address (slug) taken. So:

- autosave creates no page from content that would not pass full validation (the editor
  shows Wagtail's "There are validation errors" on its autosave indicator instead);
- a page that autosave did create is remembered in the session, and a later submit of the
  same new page (same parent, type and slug) to the create view edits that page.

Nothing here is written to the database: the hooks only decide which Wagtail view handles
the request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

SESSION_KEY = "courses_autosaved_pages"
REMEMBERED = 20


def is_autosave(request: HttpRequest) -> bool:
    """An autosave: a POST that asks for JSON and neither publishes nor submits."""
    return (
        request.method == "POST"
        and not request.accepts("text/html")
        and not request.POST.get("action-publish")
        and not request.POST.get("action-submit")
    )


def _invalid_new_page(request: HttpRequest, parent_page: Page, page_class: type[Page]) -> bool:
    page = page_class(owner=request.user)
    page.locale = parent_page.locale
    form_class = page_class.get_edit_handler().get_form_class()
    form = form_class(
        request.POST, request.FILES, instance=page, parent_page=parent_page, for_user=request.user
    )
    return not form.is_valid()


def _autosaved_page(request: HttpRequest, parent_page: Page, page_class: type[Page]) -> Page | None:
    """The draft that autosave made in this session for the page being submitted."""
    remembered = request.session.get(SESSION_KEY, [])
    slug = request.POST.get("slug")
    if not remembered or not slug:
        return None
    return (
        page_class.objects.child_of(parent_page)
        .filter(pk__in=remembered, slug=slug, owner=request.user, first_published_at=None)
        .first()
    )


def before_create(
    request: HttpRequest, parent_page: Page, page_class: type[Page]
) -> HttpResponse | None:
    if request.method != "POST":
        return None
    if is_autosave(request):
        if _invalid_new_page(request, parent_page, page_class):
            return JsonResponse(
                {
                    "success": False,
                    "error_code": "validation_error",
                    "error_message": _(
                        "There are validation errors, click save to highlight them."
                    ),
                },
                status=400,
            )
        return None
    page = _autosaved_page(request, parent_page, page_class)
    if page is None:
        return None
    from wagtail.admin.views.pages.edit import EditView

    request.session[SESSION_KEY] = [
        pk for pk in request.session.get(SESSION_KEY, []) if pk != page.pk
    ]
    return EditView.as_view()(request, page.pk)


def after_create(request: HttpRequest, page: Page) -> Any:
    if is_autosave(request):
        remembered = [*request.session.get(SESSION_KEY, []), page.pk][-REMEMBERED:]
        request.session[SESSION_KEY] = remembered
    return None
