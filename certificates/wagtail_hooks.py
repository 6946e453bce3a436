"""The admin side of certificates: templates (a snippet, with a PDF preview per
language) and bulk issue with a progress bar. Administrators only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import BulkIssueForm
from .models import BulkIssue, CertificateTemplate
from .preview import template_preview_pdf


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "layout", "issuing_provider", "is_default"]


register_snippet(CertificateTemplateViewSet)


def _require_administrator(request: HttpRequest) -> None:
    if not request.user.is_administrator:
        raise PermissionDenied


@require_GET
def template_preview(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The saved template rendered with sample data, as a PDF shown in the browser."""
    _require_administrator(request)
    template = get_object_or_404(CertificateTemplate, pk=pk)
    if language not in ("kk", "ru", "en"):
        raise PermissionDenied
    response = HttpResponse(template_preview_pdf(template, language), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{pk}-{language}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def bulk_issue(request: HttpRequest) -> HttpResponse:
    from .services.bulk_issuing import bulk_issue_start
    from .services.errors import CertificateError

    _require_administrator(request)
    form = BulkIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bulk = bulk_issue_start(
                actor=request.user,
                course=form.cleaned_data["course"],
                facility=form.cleaned_data["facility"],
            )
        except CertificateError as error:
            form.add_error(None, str(error))
        else:
            return redirect("certificates_bulk_issue_status", public_id=bulk.public_id)
    return render(
        request,
        "certificates/admin/bulk_issue.html",
        {"form": form, "recent": BulkIssue.objects.select_related("facility")[:10]},
    )


@require_GET
def bulk_issue_status(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_administrator(request)
    bulk = get_object_or_404(BulkIssue, public_id=public_id)
    return render(request, "certificates/admin/bulk_issue_status.html", {"bulk": bulk})


@require_GET
def bulk_issue_progress(request: HttpRequest, public_id: str) -> JsonResponse:
    """Polled by the status page (themes/static/js/bulk-progress.js)."""
    _require_administrator(request)
    bulk = get_object_or_404(BulkIssue, public_id=public_id)
    return JsonResponse(
        {
            "status": bulk.status,
            "status_label": str(bulk.get_status_display()),
            "total": bulk.total,
            "done": bulk.done,
            "failed": bulk.failed,
            "percent": bulk.percent,
        }
    )


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "certificates/templates/<int:pk>/preview/<str:language>/",
            template_preview,
            name="certificates_template_preview",
        ),
        path("certificates/bulk-issue/", bulk_issue, name="certificates_bulk_issue"),
        path(
            "certificates/bulk-issue/<uuid:public_id>/",
            bulk_issue_status,
            name="certificates_bulk_issue_status",
        ),
        path(
            "certificates/bulk-issue/<uuid:public_id>/progress/",
            bulk_issue_progress,
            name="certificates_bulk_issue_progress",
        ),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.is_administrator


@hooks.register("register_admin_menu_item")
def bulk_issue_menu_item():
    return AdministratorMenuItem(
        _("Bulk issue certificates"),
        reverse("certificates_bulk_issue"),
        icon_name="list-ul",
        order=311,
    )


@hooks.register("insert_global_admin_js")
def bulk_progress_js() -> str:
    return format_html('<script src="{}" defer></script>', static("js/bulk-progress.js"))


@hooks.register("register_snippet_listing_buttons")
def template_preview_buttons(snippet, user, next_url=None):
    from wagtail.admin.widgets import ListingButton

    if not isinstance(snippet, CertificateTemplate):
        return []
    return [
        ListingButton(
            _("Preview PDF (%(language)s)") % {"language": language},
            reverse("certificates_template_preview", args=[snippet.pk, language]),
            priority=100 + index,
        )
        for index, language in enumerate(("kk", "ru", "en"))
    ]
