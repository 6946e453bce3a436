"""Admin views of certificates (mounted by ``wagtail_hooks``): a template's PDF preview
per language, and bulk issue with a progress bar. Administrators only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import BulkIssueForm
from .models import BulkIssue, CertificateTemplate
from .preview import template_preview_pdf
from .services.bulk_issuing import bulk_issue_start
from .services.errors import CertificateError


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
