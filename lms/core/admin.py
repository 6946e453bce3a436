from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Facility, Transfer, Unit, User


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "is_active"]
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
    add_fieldsets = [
        (None, {"fields": ["username", "role", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["managed_facilities"]


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
