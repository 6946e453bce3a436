"""The catalogue of positions, staff records, requirements and pauses in the Django admin
(administrators only, as all of ``/django-admin/``). Cycles and requests are read-only
here: the engine writes cycles, and requests are decided on the officers' pages, where
the decision is audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lms.core.models import User

from .models import Assignment, Pause, Position, Requirement, StaffRecord, TrainingRequest


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(StaffRecord)
class StaffRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "staff_number", "position", "started_on"]
    list_filter = ["position"]
    search_fields = ["staff_number", "person__username", "person__last_name"]
    autocomplete_fields = ["person"]


class RequirementForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role.value, role.label) for role in User.LEARNER_ROLES],
    )

    class Meta:
        model = Requirement
        fields = [
            "name",
            "is_active",
            "kind",
            "course",
            "refresher_course",
            "guideline",
            "all_staff",
            "positions",
            "roles",
            "facilities",
            "units",
            "exceptions",
            "due_anchor",
            "due_days",
            "due_date",
            "valid_months",
            "window_days",
            "grace_days",
        ]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    form = RequirementForm
    list_display = ["name", "kind", "due_anchor", "due_days", "valid_months", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["positions", "facilities", "units"]
    autocomplete_fields = ["exceptions"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (_("What"), {"fields": ["kind", "course", "refresher_course", "guideline"]}),
        (
            _("Who"),
            {"fields": ["all_staff", "positions", "roles", "facilities", "units", "exceptions"]},
        ),
        (_("By when"), {"fields": ["due_anchor", "due_days", "due_date"]}),
        (_("Renewal"), {"fields": ["valid_months", "window_days", "grace_days"]}),
    ]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.changed_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Pause)
class PauseAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "facility", "unit", "starts_on", "ends_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["person"]
    exclude = ["recorded_by", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = obj.recorded_by or request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "requirement", "cycle", "state", "effective_due_on", "ended_on"]
    list_filter = ["state", "requirement"]
    search_fields = ["person__username", "person__last_name"]


@admin.register(TrainingRequest)
class TrainingRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "status", "requested_at", "decided_by"]
    list_filter = ["kind", "status"]
