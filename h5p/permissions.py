"""Who may do what with H5P packages.

Trainers upload content (``add/change/view_h5pcontent``); installing or upgrading library
code (JavaScript that runs in every learner's browser) is ``h5p.install_library``, which no
group is given: administrators (superusers) hold it.
"""

from __future__ import annotations

from typing import Any

from lms.core.models import User

TRAINER_PERMISSIONS = [
    "add_h5pcontent",
    "change_h5pcontent",
    "view_h5pcontent",
    "delete_h5pcontent",
]


def trainer_permissions_ensure() -> None:
    """Give the Trainers group the content permissions. Idempotent."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from lms.core.roles import TRAINERS

    # Our post_migrate handler may run before Django's creates this app's permissions.
    create_permissions(apps.get_app_config("h5p"), verbosity=0)

    trainers, _created = Group.objects.get_or_create(name=TRAINERS)
    trainers.permissions.add(
        *Permission.objects.filter(content_type__app_label="h5p", codename__in=TRAINER_PERMISSIONS)
    )


def trainer_permissions_ensure_after_migrate(**kwargs: Any) -> None:
    trainer_permissions_ensure()


def may_install_libraries(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_perm("h5p.install_library")


def may_author(user: User) -> bool:
    """Staff who may see any H5P content (preview, reports): trainers and administrators."""
    return user.is_active and user.has_perm("h5p.view_h5pcontent")
