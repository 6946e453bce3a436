from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin  # noqa: F401 - registers it
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin  # noqa: F401 - registers it
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa
from .audit import audit_record, person_audit_history
from .models import AuditEvent, Facility, StaffSession, Transfer, Unit, User
from .services import person_deactivate
from .staff_sessions import staff_session_end

# django-otp's own admin pages show every person's TOTP secret (and its QR code), let an
# administrator add a device with a key they chose for someone else, and delete devices
# with no audit row. Second factors are managed in one audited place instead: a person
# on their sessions page (passkeys), an administrator by "Reset second factor".
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class PersonCreationForm(AdminUserCreationForm):
    """Adding a person: prisoners get no password at all (they sign in on kiosks with a
    PIN), so for them the password fields are ignored and the account has none."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "role", "prisoner_number", "facility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].required = False
        self.fields["username"].help_text = _("Prisoners: their prisoner number is used.")

    def _post_clean(self):
        if self.data.get("role") == User.Role.PRISONER_LEARNER:
            number = (self.data.get("prisoner_number") or "").strip().upper()
            self.cleaned_data["username"] = number
            self.instance.username = number
        super()._post_clean()

    def clean(self):
        if self.data.get("role") == User.Role.PRISONER_LEARNER:
            self.cleaned_data["usable_password"] = "false"  # noqa: S105 - "disabled"
        elif not self.cleaned_data.get("username"):
            self.add_error("username", _("Staff need a username."))
        return super().clean()


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "language", "is_active"]
    search_fields = ["name", "code"]
    inlines = [UnitInline]


@admin.register(User)
class QadamUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "facility", "is_active"]
    list_filter = ["role", "facility", "is_active"]
    search_fields = ["username", "first_name", "last_name", "prisoner_number"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "position"]}),
        (
            _("Role and place"),
            {"fields": ["role", "prisoner_number", "facility", "unit", "managed_facilities"]},
        ),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_form = PersonCreationForm
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "role",
                    "prisoner_number",
                    "facility",
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                ],
                "description": _("Prisoners have no password: they sign in on kiosks."),
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["managed_facilities"]
    actions = ["sign_in_unlock", "second_factor_reset", "deactivate"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_prisoner:
            # No password to set or show: a prisoner's PIN is set on the staff web.
            fieldsets = [(None, {"fields": ["username"]}), *fieldsets[1:]]
        return fieldsets

    def get_deleted_objects(self, objs, request):
        """Deleting people (one, or the bulk action): anyone with audit history, as actor
        or as the object of rows, is listed as protected, so the admin refuses with its
        own page ("deactivate them instead") rather than failing at the database."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [
            _("%(person)s has audit history: deactivate them instead (Status).")
            % {"person": person}
            for person in objs
            if person_audit_history(person=person).exists()
        ]
        if refused:
            # The refusal, not "you may not delete audit events", is what the page says.
            return deleted, model_count, set(), [*refused, *protected]
        return deleted, model_count, perms_needed, protected

    @admin.action(description=_("Deactivate (kept with their records and audit trail)"))
    def deactivate(self, request, queryset):
        for person in queryset:
            person_deactivate(actor=request.user, person=person, reason="admin action")
        self.message_user(
            request,
            ngettext("%(n)d person deactivated.", "%(n)d people deactivated.", len(queryset))
            % {"n": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in (after too many wrong passwords)"))
    def sign_in_unlock(self, request, queryset):
        with transaction.atomic():
            for person in queryset:
                axes_reset(username=person.username)
                audit_record(
                    actor=request.user,
                    action="sign_in.unlock",
                    obj=person,
                    facility=person.facility,
                )
        self.message_user(
            request,
            ngettext("%(n)d person unlocked.", "%(n)d people unlocked.", len(queryset))
            % {"n": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset second factor (they set it up again)"))
    def second_factor_reset(self, request, queryset):
        for person in queryset:
            mfa.mfa_reset(actor=request.user, person=person)
        self.message_user(
            request,
            ngettext(
                "Second factor reset for %(n)d person.",
                "Second factor reset for %(n)d people.",
                len(queryset),
            )
            % {"n": len(queryset)},
            messages.SUCCESS,
        )


@admin.register(StaffSession)
class StaffSessionAdmin(admin.ModelAdmin):
    """Open staff sessions. Deleting one here ends it (``staff_session_end``: the session
    leaves the session store and an audit row is written), as on the person's sessions
    page; a record deleted on its own would leave the session signed in."""

    list_display = ["user", "ip_address", "user_agent", "started_at", "last_seen_at"]
    list_filter = ["user__role"]
    search_fields = ["user__username", "ip_address"]
    readonly_fields = ["user", "ip_address", "user_agent", "started_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_administrator and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        staff_session_end(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for record in queryset.select_related("user__facility"):
                staff_session_end(actor=request.user, record=record)


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["person", "from_facility", "to_facility", "moved_at", "recorded_by"]
    readonly_fields = [f.name for f in Transfer._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
