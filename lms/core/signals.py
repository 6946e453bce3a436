from typing import Any

from django.db.models import ProtectedError
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import User


@receiver(post_save, sender=User, dispatch_uid="core.user_role_groups")
def user_role_groups(sender: type[User], instance: User, raw: bool, **kwargs: Any) -> None:
    if raw:
        return
    from .roles import role_groups_sync

    role_groups_sync(instance)


@receiver(pre_delete, sender=User, dispatch_uid="core.user_keep_audit_history")
def user_keep_audit_history(sender: type[User], instance: User, **kwargs: Any) -> None:
    """Nobody with audit history is deleted, whichever path deletes them: as actor the
    foreign key protects them; as the object of rows (by id, not a key) this does. They are
    deactivated instead (``lms.core.services.person_deactivate``); the admin screens ask
    first (``person_audit_history``) and never reach this."""
    from .audit import person_audit_history

    rows = person_audit_history(person=instance)
    if rows.exists():
        raise ProtectedError(
            f"{instance} has audit history: deactivate them instead of deleting.", set(rows[:10])
        )


# --- Content version (lms.core.serving): every change to published content replaces it --


def _content_models() -> list[type]:
    """What rendered pages are made of: every page type and where pages are served, and
    the images and documents their blocks link (a replaced file changes the page's HTML).
    Connected model by model: a receiver for every model would switch off Django's fast
    deletes everywhere (purges of raw logs would load every row)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, PageViewRestriction, Site, get_page_models

    return [*get_page_models(), Site, Locale, PageViewRestriction] + [
        get_image_model(),
        get_document_model(),
    ]


def content_changed(**kwargs: Any) -> None:
    from .serving import content_version_bump

    content_version_bump()


def content_version_receivers_connect() -> None:
    """Called once the app registry is ready (``CoreConfig.ready``)."""
    for model in _content_models():
        for signal in (post_save, post_delete):
            signal.connect(
                content_changed, sender=model, dispatch_uid=f"core.content.{model._meta.label}"
            )
    post_page_move.connect(content_changed, dispatch_uid="core.content_version_moved")
    # A data migration may change pages with QuerySet.update(): start afresh after any.
    post_migrate.connect(content_migrated, dispatch_uid="core.content_version_migrated")


def content_migrated(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from .models import ContentVersion
    from .serving import access_version_bump, content_version_bump

    # Not when migrating back past the table's own migration. A data migration may change
    # people with QuerySet.update() too.
    if ContentVersion._meta.db_table in connections[using].introspection.table_names():
        content_version_bump()
        access_version_bump()


# --- Access version (lms.core.access_memo): every change to who may be signed in --------


def access_receivers_connect(model: type, *, harmless_fields: frozenset[str]) -> None:
    """Replace the access token whenever a row of ``model`` is changed or deleted, in the
    transaction of the change (post_save and post_delete run inside it).

    Deny by default: a save is harmless only when it names its fields and all of them
    are in ``harmless_fields`` (a sign-in stamping ``last_login``); any other save, and
    every delete, replaces the token. So does a new row: no process can hold it (nothing
    not found is kept), but what this transaction reads after it is then kept under a
    token that dies with the transaction if it rolls back (a rolled-back row's primary key
    may be used again). ``QuerySet.update()`` sends no signal: code
    that updates these models that way calls ``access_version_bump`` itself."""
    label = model._meta.label

    def saved(sender: type, update_fields: Any = None, **kwargs: Any) -> None:
        if update_fields is not None and set(update_fields) <= harmless_fields:
            return
        from .serving import access_version_bump

        access_version_bump()

    def deleted(sender: type, **kwargs: Any) -> None:
        from .serving import access_version_bump

        access_version_bump()

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"core.access.saved.{label}")
    post_delete.connect(
        deleted, sender=model, weak=False, dispatch_uid=f"core.access.deleted.{label}"
    )


def access_version_receivers_connect() -> None:
    """Called once the app registry is ready (``CoreConfig.ready``): people. Kiosks and
    kiosk PINs are connected by their own app (``kiosk.apps``). Second-factor devices of
    every kind (``lms.core.middleware.OTPMiddleware`` keeps the session's verified one):
    a device added, confirmed, reset or removed replaces the token; a passkey's use
    stamps (its signature counter, when it was last used) do not."""
    from django_otp import device_classes

    access_receivers_connect(User, harmless_fields=frozenset({"last_login"}))
    reviewer_inputs_connect()
    for model in device_classes():
        access_receivers_connect(
            model, harmless_fields=frozenset({"sign_count", "last_used_at", "backup_state"})
        )


def reviewer_inputs_connect() -> None:
    """Who is a reviewer (a member of a group that approves a workflow task) is kept per
    process (``lms.core.staff_sessions.mfa_required_for``: reviewers must pass a second
    factor). Every input of it replaces the access token: a person's groups, a task's
    groups (``m2m_changed``, and the rows of both tables saved or deleted another way, a
    group's deletion included), and the groups and tasks themselves."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed
    from wagtail.models import GroupApprovalTask

    for model in (Group, GroupApprovalTask, User.groups.through, GroupApprovalTask.groups.through):
        access_receivers_connect(model, harmless_fields=frozenset())
    for through in (User.groups.through, GroupApprovalTask.groups.through):
        m2m_changed.connect(
            _memberships_changed,
            sender=through,
            dispatch_uid=f"core.access.m2m.{through._meta.label}",
        )


def _memberships_changed(action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        from .serving import access_version_bump

        access_version_bump()
