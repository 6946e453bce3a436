"""Who manages kiosks: administrators everywhere, education officers for the facilities
they manage. Officers open the Wagtail admin only for this (no page permissions)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lms.core.models import Facility, User


def kiosk_facilities_for(user: User) -> QuerySet[Facility]:
    """The facilities whose kiosks ``user`` may register, rename, move and revoke."""
    if not user.is_authenticated or not user.is_active:
        return Facility.objects.none()
    if user.is_administrator:
        return Facility.objects.all()
    if user.is_education_officer:
        return user.managed_facilities.all()
    return Facility.objects.none()


def may_manage_kiosks(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.can_manage_learners())


def officers_may_open_admin(**kwargs: Any) -> None:
    """Education officers manage kiosks in the Wagtail admin, so their role group holds
    ``wagtailadmin.access_admin`` (and nothing else from Wagtail). Runs after every
    migrate, after ``lms.core`` has created the role groups. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    from lms.core.roles import EDUCATION_OFFICERS, role_groups_ensure

    role_groups_ensure()
    permission = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    group = Group.objects.filter(name=EDUCATION_OFFICERS).first()
    if permission is not None and group is not None:
        group.permissions.add(permission)
