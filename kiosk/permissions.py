"""Who manages kiosks: administrators everywhere, education officers for the facilities
they manage. Officers open the Wagtail admin only for this (no page permissions)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lms.core.models import Facility, User
from lms.core.policy import managed_facilities, may_manage_learners


def kiosk_facilities_for(user: User) -> QuerySet[Facility]:
    """The facilities whose kiosks ``user`` may register, rename, move and revoke."""
    return managed_facilities(user)


def may_manage_kiosks(user: User) -> bool:
    return may_manage_learners(user)


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
