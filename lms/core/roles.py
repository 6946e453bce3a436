"""Roles, and the Wagtail/Django groups that give each role its admin rights.

A person's ``role`` is the single source of truth; group membership follows it (see
``role_groups_sync``), so nobody is given admin rights by hand-editing groups.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from .models import User

TRAINERS = "Trainers"
EDUCATION_OFFICERS = "Education officers"
MONITORS = "Monitors"

ROLE_GROUPS: dict[str, list[str]] = {
    User.Role.TRAINER: [TRAINERS],
    User.Role.EDUCATION_OFFICER: [EDUCATION_OFFICERS],
    User.Role.MONITOR: [MONITORS],
}

# Page permissions trainers hold on the whole page tree. Publishing is granted per
# programme area by ``courses.review``: areas under review (faith-based, staff) publish
# only through their workflows.
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page"]
TRAINER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def role_groups_ensure() -> None:
    """Create the role groups and their permissions. Idempotent."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    # Wagtail declares this permission on its ``Admin`` model; after a test-database flush
    # our handler may run before Django recreates it, so make sure it exists.
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    trainers.permissions.add(access_admin)
    Group.objects.get_or_create(name=EDUCATION_OFFICERS)
    Group.objects.get_or_create(name=MONITORS)

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if permission is not None:
                GroupPagePermission.objects.get_or_create(
                    group=trainers, page=root_page, permission=permission
                )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=trainers, collection=root_collection, permission=permission
                )


def role_groups_ensure_after_migrate(**kwargs: Any) -> None:
    role_groups_ensure()


def role_groups_sync(user: User) -> None:
    """Make ``user``'s group membership match their role. Administrators are superusers."""
    managed = {name for names in ROLE_GROUPS.values() for name in names}
    wanted = set(ROLE_GROUPS.get(user.role, []))
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
