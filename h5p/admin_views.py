"""H5P in the Wagtail admin: upload packages, list and rename them, see results, and
(administrators) install or upgrade library code.

Uploading goes through ``h5p_content_import`` (all the package checks; library code only
with ``h5p.install_library``); deleting through ``h5p_content_delete`` (refused while a
lesson uses the content); installing libraries through ``h5p_libraries_install``.
``h5p.wagtail_hooks`` only registers these.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import CreateView, DeleteView, SnippetViewSet

from lms.core.policy import people_read

from .forms import H5PUploadForm
from .importer import h5p_content_import
from .libraries import h5p_libraries_install
from .models import H5PContent, H5PLibrary
from .permissions import may_install_libraries
from .selectors import content_report
from .services import H5PError, h5p_content_delete
from .validation import PackageRefused


def _refused_summary(reasons: list[str]) -> str:
    """The field's error; the reasons themselves are listed above the form, one a line."""
    return ngettext(
        "The package was refused for the reason listed above.",
        "The package was refused for the %(count)s reasons listed above.",
        len(reasons),
    ) % {"count": len(reasons)}


class H5PUploadView(CreateView):
    refusal_reasons: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "refusal_reasons": self.refusal_reasons}

    def get_panel(self) -> ObjectList:
        return ObjectList(
            [FieldPanel("package"), FieldPanel("title"), FieldPanel("internet_override")],
            base_form_class=H5PUploadForm,
        ).bind_to_model(H5PContent)

    def get_form_class(self) -> type:
        return self.panel.get_form_class()

    def save_instance(self) -> H5PContent:
        data = self.form.cleaned_data
        content = h5p_content_import(
            actor=self.request.user,
            upload=data["package"],
            title=data.get("title") or "",
            internet_reason=data.get("internet_override") or "",
        )
        for note in getattr(content, "import_notes", []):
            messages.info(self.request, note)
        return content

    def form_valid(self, form: H5PUploadForm) -> Any:
        try:
            return super().form_valid(form)
        except PackageRefused as refused:
            self.refusal_reasons = refused.reasons
            form.add_error("package", _refused_summary(refused.reasons))
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
    page_title = gettext_lazy("Results")
    header_icon = "list-ul"
    list_url_name = ""

    def get_page_subtitle(self) -> str:
        return self.content.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.list_url_name), "label": _("H5P activities")},
            {"url": "", "label": _("Results"), "sublabel": self.content.title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.content = content = get_object_or_404(H5PContent, pk=self.kwargs["pk"])
        context = super().get_context_data(**kwargs)
        context["content"] = content
        context["activities"] = activities = content_report(
            viewer=self.request.user, content=content
        )
        # Named results are a read of each learner shown: one audit row per person.
        people_read(
            self.request,
            people=[row.learner for activity in activities for row in activity.rows],
            page="h5p_results",
        )
        return context


class H5PContentViewSet(SnippetViewSet):
    model = H5PContent
    icon = "media"
    menu_label = gettext_lazy("H5P activities")
    menu_name = "h5p"
    add_to_admin_menu = True
    menu_order = 250
    add_view_class = H5PUploadView
    create_template_name = "h5p/admin/upload.html"
    delete_view_class = H5PDeleteView
    list_display = [
        "title",
        Column("main_library", label=gettext_lazy("Content type")),
        Column("created_at", label=gettext_lazy("Uploaded")),
    ]
    search_fields = ["title"]
    panels = [FieldPanel("title")]

    @property
    def report_view(self) -> Any:
        return self.construct_view(H5PReportView, list_url_name=self.get_url_name("list"))

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("report/<int:pk>/", self.report_view, name="report"),
        ]


class LibraryUploadForm(forms.Form):
    package = forms.FileField(
        label=gettext_lazy("H5P file"),
        help_text=gettext_lazy(
            "A .h5p file (with or without content): its libraries are installed, or "
            "upgraded where the file brings a newer patch. No activity is created."
        ),
        validators=[FileExtensionValidator(["h5p"])],
    )

    def clean_package(self):
        package = self.cleaned_data["package"]
        if package.size > settings.H5P_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.H5P_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return package


def libraries_view(request: HttpRequest) -> HttpResponse:
    """Installed libraries and their versions; upload a package to install or upgrade
    its libraries (administrators only: ``h5p.install_library``)."""
    if not may_install_libraries(request.user):
        raise PermissionDenied
    form = LibraryUploadForm(request.POST or None, request.FILES or None)
    reasons: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = h5p_libraries_install(actor=request.user, upload=form.cleaned_data["package"])
        except PackageRefused as refused:
            reasons = refused.reasons
            form.add_error("package", _refused_summary(reasons))
        else:
            if result.written:
                messages.success(
                    request,
                    _("Installed or upgraded: %(names)s.")
                    % {"names": ", ".join(map(str, result.written))},
                )
            if result.unchanged:
                messages.info(
                    request,
                    _("Already installed at the same or a newer version: %(names)s.")
                    % {"names": ", ".join(map(str, result.unchanged))},
                )
            for note in result.notes:
                messages.info(request, note)
            return redirect("h5p_admin:libraries")
    libraries = H5PLibrary.objects.annotate(used_by=Count("contents")).select_related(
        "installed_by"
    )
    return TemplateResponse(
        request,
        "h5p/admin/libraries.html",
        {
            "form": form,
            "libraries": libraries,
            "refusal_reasons": reasons,
            "page_title": _("H5P libraries"),
        },
    )


urlpatterns = [path("libraries/", libraries_view, name="libraries")]
