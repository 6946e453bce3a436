"""Wagtail admin hooks of the core: the admin's scripts, and deleting people.

A person with audit history is never deleted (``lms.core.audit.person_audit_history``):
the Wagtail users admin, one by one or in bulk, deactivates them instead and says so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks

from .audit import person_audit_history
from .models import User
from .services import person_deactivate

DEACTIVATE_REASON = "delete refused: audit history"


@hooks.register("insert_global_admin_js")
def admin_choosers_js() -> str:
    return format_html('<script src="{}"></script>', static("js/admin-choosers.js"))


@hooks.register("before_delete_user")
def person_delete_refused(request: HttpRequest, user: User) -> HttpResponse | None:
    """Asked to delete a person with audit history: the confirmation page says they will be
    deactivated instead, and confirming deactivates them (audited); nothing is deleted."""
    if not person_audit_history(person=user).exists():
        return None
    if request.method != "POST":
        messages.warning(
            request,
            _(
                "%(person)s has audit history and cannot be deleted. Confirming will "
                "deactivate them instead: they can no longer sign in, and their records "
                "and audit trail are kept."
            )
            % {"person": user},
        )
        return None
    person_deactivate(actor=request.user, person=user, reason=DEACTIVATE_REASON)
    messages.warning(
        request,
        _("%(person)s has audit history and was not deleted: they were deactivated instead.")
        % {"person": user},
    )
    return redirect(reverse("wagtailusers_users:edit", args=[user.pk]))


@hooks.register("before_bulk_action")
def people_bulk_delete_refused(
    request: HttpRequest, action_type: str, objects: list[Any], action_class_instance: Any
) -> HttpResponse | None:
    """The bulk "Delete" of the users admin: people with audit history are deactivated
    instead, the others deleted, and the message says how many of each."""
    if action_type != "delete" or getattr(action_class_instance, "model", None) is not User:
        return None
    kept = [person for person in objects if person_audit_history(person=person).exists()]
    if not kept:
        return None
    for person in kept:
        person_deactivate(actor=request.user, person=person, reason=DEACTIVATE_REASON)
    deleted, _rows = action_class_instance.execute_action(
        [person for person in objects if person not in kept], model=User
    )
    messages.warning(
        request,
        ngettext(
            "%(kept)d person has audit history and was deactivated instead of deleted.",
            "%(kept)d people have audit history and were deactivated instead of deleted.",
            len(kept),
        )
        % {"kept": len(kept)},
    )
    if deleted:
        messages.success(
            request,
            ngettext("%(n)d person deleted.", "%(n)d people deleted.", deleted) % {"n": deleted},
        )
    return redirect(action_class_instance.next_url)
