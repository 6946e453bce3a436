"""Registers the admin side of certificates: templates (a snippet, with a PDF preview per
language) and bulk issue with a progress bar (views in ``admin_views``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "layout", "issuing_provider", "is_default"]


register_snippet(CertificateTemplateViewSet)


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "certificates/templates/<int:pk>/preview/<str:language>/",
            admin_views.template_preview,
            name="certificates_template_preview",
        ),
        path("certificates/bulk-issue/", admin_views.bulk_issue, name="certificates_bulk_issue"),
        path(
            "certificates/bulk-issue/<uuid:public_id>/",
            admin_views.bulk_issue_status,
            name="certificates_bulk_issue_status",
        ),
        path(
            "certificates/bulk-issue/<uuid:public_id>/progress/",
            admin_views.bulk_issue_progress,
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
