"""Rules for staff web sessions, whichever view the person signed in on.

- Idle timeout: a staff session with no request made by the person for
  ``STAFF_IDLE_SECONDS`` is ended. Background requests (``X-Qadam-Background``, Wagtail's
  editing-session ping, the certificate status poll) are no activity: an editor left open
  still times out.
- Absolute limit: a staff session is ended ``STAFF_SESSION_MAX_SECONDS`` after sign-in,
  whatever the activity (saving the activity stamp moves the session store's own expiry
  forward, so that alone never ends a session in use). Kiosk sessions keep their own rules.
- Second factor: where ``QADAM_MFA_REQUIRED`` is on, a session of a role that must use one
  is sent to the second-factor step (enrol, or verify) until it is verified; nothing else
  opens, neither our pages nor the Wagtail or Django admin.
- Session records (``StaffSession``): device and address of every open staff session, so
  the person and administrators can see and end them.
- ``Cache-Control: no-store`` on every answer to a signed-in staff member: staff pages show
  people, and a shared office computer must not keep them in its cache or history.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import activity
from .access_memo import fact_remembered
from .addresses import client_address
from .audit import audit_record
from .models import StaffSession, User
from .serving import access_version_bump

ACTIVITY_KEY = "staff_last_activity"
SIGNED_IN_AT_KEY = "staff_signed_in_at"
# The idle clock and the session record are written at most this often (seconds).
ACTIVITY_GRANULARITY = 60

# Open during the second-factor step (deny by default: everything else waits for it).
MFA_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/")

MFA_ROLES = {
    User.Role.ADMINISTRATOR,
    User.Role.EDUCATION_OFFICER,
    User.Role.TRAINER,
}


def mfa_required_for(user: Any) -> bool:
    """Whether ``user`` must pass a second factor: staff who see people or publish
    (administrators, education officers, trainers and reviewers, monitors by setting)."""
    if not settings.QADAM_MFA_REQUIRED or not user.is_authenticated:
        return False
    if getattr(user, "is_prisoner", True):
        return False
    if user.is_superuser or user.role in MFA_ROLES:
        return True
    if user.role == User.Role.MONITOR:
        return settings.QADAM_MFA_MONITORS
    # Reviewers: members of a group that approves a workflow task (their approval publishes).
    # Asked on every request of such a staff member (a staff learner, most often: no):
    # kept under the access version, which a change of a person's groups or of the
    # groups that approve replaces (``lms.core.signals``).
    from wagtail.models import GroupApprovalTask

    return fact_remembered(
        ("reviewer", user.pk),
        lambda: GroupApprovalTask.objects.filter(groups__in=user.groups.all()).exists(),
    )


def _background_paths() -> tuple[str, ...]:
    return (
        reverse("wagtailadmin_home") + "editing-sessions/",  # Wagtail's ping and release
        reverse("certificates:mine_status"),
    )


def is_background(request: HttpRequest) -> bool:
    """Whether ``request`` was made by a page on its own, not by the person: what kiosks
    count as background (``lms.core.activity``: ``X-Qadam-Background``, media range
    requests), and the polls that do not say so (Wagtail's editing-session ping)."""
    return activity.is_background(request) or request.path_info.startswith(_background_paths())


def _is_staff_session(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated and not getattr(user, "is_prisoner", True) and request.kiosk is None
    )


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not hasattr(request, "kiosk"):
            request.kiosk = None
        if not _is_staff_session(request):
            return self.get_response(request)
        now = time.time()
        signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
        if signed_in_at is None or now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS:
            return self._end(
                request, _("Your session reached its time limit. Please sign in again.")
            )
        last = request.session.get(ACTIVITY_KEY)
        if last is not None and now - last > settings.STAFF_IDLE_SECONDS:
            return self._end(request, _("You were signed out after a time without activity."))
        if (last is None or now - last >= ACTIVITY_GRANULARITY) and not is_background(request):
            request.session[ACTIVITY_KEY] = now
            key = request.session.session_key
            if key:
                StaffSession.objects.filter(session_key=key).update(last_seen_at=timezone.now())
        if (
            mfa_required_for(request.user)
            and not request.user.is_verified()
            and not request.path_info.startswith(MFA_OPEN_PREFIXES)
        ):
            url = reverse("two_factor") + "?" + urlencode({"next": request.get_full_path()})
            return no_store(redirect(url))
        return no_store(self.get_response(request))

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        url = reverse("login") + "?" + urlencode({"next": request.get_full_path()})
        return no_store(redirect(url))


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` no-store, unless it already says it is immutable (versioned
    library code such as H5P's, which holds nothing about anyone)."""
    if "immutable" not in response.get("Cache-Control", ""):
        patch_cache_control(response, no_store=True, private=True)
    return response


# --- Session records ----------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="core.staff_session_record")
def staff_session_record(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or getattr(user, "is_prisoner", True) or not user.is_authenticated:
        return
    if not request.session.session_key:
        request.session.save()
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[ACTIVITY_KEY] = now
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_address(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


@receiver(user_logged_out, dispatch_uid="core.staff_session_forget")
def staff_session_forget(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is not None and request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()


def open_sessions(user: User):
    """The staff sessions of ``user`` that are still open (not expired), newest first."""
    now = timezone.now()
    return StaffSession.objects.filter(
        user=user,
        last_seen_at__gte=now - timedelta(seconds=settings.STAFF_IDLE_SECONDS),
        started_at__gte=now - timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS),
    ).order_by("-last_seen_at")


def staff_session_end(*, actor: User, record: StaffSession) -> None:
    """End one staff session: the person themself, or an administrator. Deletes the
    session from the session store (every process reads the session from the store on
    every request, so it is signed out at its next request wherever it is served) and
    writes an audit row, in one transaction.

    Ended by an administrator, it also replaces the access version
    (``lms.core.access_memo``): an administrator's intervention is one of the changes
    that must empty every process's memo (docs/decisions/0046), so nothing kept about
    the person outlives it. A person ending a session of their own is a sign-out, which
    replaces nothing."""
    if not (actor.pk == record.user_id or actor.is_administrator):
        raise PermissionError("not allowed")
    engine = import_module(settings.SESSION_ENGINE)
    with transaction.atomic():
        engine.SessionStore(session_key=record.session_key).delete()
        if actor.pk != record.user_id:
            access_version_bump()
        audit_record(
            actor=actor,
            action="session.end",
            obj=record.user,
            after={"ip_address": record.ip_address, "user_agent": record.user_agent[:100]},
            facility=record.user.facility,
        )
        record.delete()
