"""Admin views for moving courses: download an archive, upload one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.core.models import User

from .archive import (
    ON_EXISTING_NEW_SLUG,
    ON_EXISTING_REFUSE,
    ArchiveError,
    course_export,
    course_import,
)
from .models import CoursePage, ProgrammeAreaPage
from .selectors import programme_areas_editable_by

MAX_UPLOAD = 500 * 1024 * 1024


def areas_for(user: User) -> list[ProgrammeAreaPage]:
    return [
        area
        for area in ProgrammeAreaPage.objects.all().order_by("path")
        if area.permissions_for_user(user).can_add_subpage()
    ]


class ImportForm(forms.Form):
    archive = forms.FileField(label=gettext_lazy("Course archive (.zip)"))
    area = forms.ModelChoiceField(
        queryset=ProgrammeAreaPage.objects.none(), label=gettext_lazy("Programme area")
    )
    on_existing = forms.ChoiceField(
        label=gettext_lazy("If the area already has a course at the same address"),
        choices=[
            (ON_EXISTING_REFUSE, gettext_lazy("Do not import")),
            (ON_EXISTING_NEW_SLUG, gettext_lazy("Import it as a new course with a new address")),
        ],
        initial=ON_EXISTING_REFUSE,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ProgrammeAreaPage.objects.filter(
            pk__in=[area.pk for area in areas_for(user)]
        ).select_related("locale")
        # Each language has its own tree of areas: say which one each area is in.
        self.fields["area"].label_from_instance = _area_label

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The archive is too large."))
        return upload


def _area_label(area: ProgrammeAreaPage) -> str:
    return _("%(area)s (%(language)s)") % {
        "area": area.title,
        "language": area.locale.get_display_name(),
    }


def export(request: HttpRequest, page_id: int) -> HttpResponse:
    course = get_object_or_404(CoursePage, pk=page_id)
    if not course.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    response = HttpResponse(
        course_export(actor=request.user, course=course), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.qadam.zip"'
    return response


def import_view(request: HttpRequest) -> HttpResponse:
    if not areas_for(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = course_import(
                actor=request.user,
                # The upload as Django stored it (a temporary file past 2.5 MB): read
                # from there, never copied into memory.
                archive=form.cleaned_data["archive"],
                area=form.cleaned_data["area"],
                on_existing=form.cleaned_data["on_existing"] or ON_EXISTING_REFUSE,
            )
        except ArchiveError as error:
            for reason in error.reasons:
                form.add_error("archive", reason)
        else:
            messages.success(
                request,
                _("Imported “%(title)s” as a draft. Review it and publish.")
                % {"title": course.title},
            )
            return redirect(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    return TemplateResponse(
        request,
        "courses/admin/import_course.html",
        {"form": form, "page_title": _("Import a course")},
    )


def may_see_translation_report(user: User) -> bool:
    """Authors: whoever may edit the pages of at least one programme area
    (``programme_areas_editable_by``), and superusers. Asked by the admin menu on every
    admin page: at most two queries, whatever the number of areas, and none again in the
    same request."""
    return user.is_authenticated and (user.is_superuser or bool(programme_areas_editable_by(user)))


def translations_report(request: HttpRequest) -> HttpResponse:
    """Lesson translations lacking media or activities of their source, in the areas the
    user may edit (``courses.translation_gaps``), with links to edit each."""
    from .translation_gaps import translations_out_of_step

    if not may_see_translation_report(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "courses/admin/translations_report.html",
        {
            "gaps": translations_out_of_step(user=request.user),
            "page_title": _("Translations out of step"),
        },
    )


urlpatterns = [
    path("translations/", translations_report, name="translations"),
    path("<int:page_id>/export/", export, name="export"),
    path("import/", import_view, name="import"),
]
