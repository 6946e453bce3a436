"""H5P in the Wagtail admin: upload packages, list and rename them, see results.

Uploading goes through ``h5p_content_import`` (all the package checks; library code only
with ``h5p.install_library``); deleting through ``h5p_content_delete`` (refused while a
lesson uses the content).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, SnippetViewSet

from .forms import H5PUploadForm
from .importer import h5p_content_import
from .models import H5PContent
from .selectors import content_report
from .services import H5PError, h5p_content_delete
from .validation import PackageRefused


class H5PUploadView(CreateView):
    def get_panel(self) -> ObjectList:
        return ObjectList(
            [FieldPanel("package"), FieldPanel("title"), FieldPanel("internet_override")],
            base_form_class=H5PUploadForm,
        ).bind_to_model(H5PContent)

    def get_form_class(self) -> type:
        return self.panel.get_form_class()

    def save_instance(self) -> H5PContent:
        data = self.form.cleaned_data
        return h5p_content_import(
            actor=self.request.user,
            upload=data["package"],
            title=data.get("title") or "",
            internet_reason=data.get("internet_override") or "",
        )

    def form_valid(self, form: H5PUploadForm) -> Any:
        try:
            return super().form_valid(form)
        except PackageRefused as refused:
            for reason in refused.reasons:
                form.add_error("package", reason)
            self.produced_error_message = _("The package was not imported.")
            return self.form_invalid(form)


class H5PDeleteView(DeleteView):
    def form_valid(self, form: Any) -> HttpResponseRedirect:
        success_url = self.get_success_url()
        try:
            h5p_content_delete(actor=self.request.user, content=self.object)
        except H5PError as error:
            messages.error(self.request, str(error))
            return HttpResponseRedirect(success_url)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(success_url)


class H5PReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Attempts and scores per activity (each lesson block that uses the content)."""

    template_name = "h5p/admin/report.html"
    permission_required = "view"
    page_title = _("Results")
    header_icon = "list-ul"

    def get_page_subtitle(self) -> str:
        return self.content.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(h5p_viewset.get_url_name("list")), "label": _("H5P activities")},
            {"url": "", "label": _("Results"), "sublabel": self.content.title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.content = content = get_object_or_404(H5PContent, pk=self.kwargs["pk"])
        context = super().get_context_data(**kwargs)
        context["content"] = content
        context["activities"] = content_report(viewer=self.request.user, content=content)
        return context


class H5PContentViewSet(SnippetViewSet):
    model = H5PContent
    icon = "media"
    menu_label = _("H5P activities")
    menu_name = "h5p"
    add_to_admin_menu = True
    menu_order = 250
    add_view_class = H5PUploadView
    delete_view_class = H5PDeleteView
    list_display = [
        "title",
        Column("main_library", label=_("Content type")),
        Column("created_at", label=_("Uploaded")),
    ]
    search_fields = ["title"]
    panels = [FieldPanel("title")]

    @property
    def report_view(self) -> Any:
        return self.construct_view(H5PReportView)

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("report/<int:pk>/", self.report_view, name="report"),
        ]


h5p_viewset = H5PContentViewSet()
register_snippet(h5p_viewset)


def report_url(content: H5PContent) -> str:
    return reverse(h5p_viewset.get_url_name("report"), args=[content.pk])


@hooks.register("register_snippet_listing_buttons")
def h5p_results_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, H5PContent) and user.has_perm("h5p.view_h5pcontent"):
        yield ListingButton(_("Results"), report_url(snippet), icon_name="list-ul", priority=15)
