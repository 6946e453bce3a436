"""What happens around every sign-in, whichever view did it.

- A prisoner logged in by anything but the kiosk sign-in is signed out again at once
  (the password backend already refuses them; this also catches any future path).
- Failed staff sign-ins and lockouts leave audit rows (with the address).
- ``locked_out``: the page a locked account or address gets, in the person's language.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from .addresses import client_address


@receiver(user_logged_in, dispatch_uid="core.prisoner_only_on_kiosk")
def prisoner_only_on_kiosk(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from lms.core.backends import KIOSK_BACKEND

    if request is None or not getattr(user, "is_prisoner", False):
        return
    if request.session.get(BACKEND_SESSION_KEY) != KIOSK_BACKEND:
        logout(request)


# --- Failed staff sign-ins and lockouts (django-axes counts; we keep the audit rows) ------


def _address(request: Any) -> str | None:
    return (client_address(request) or None) if request is not None else None


def _signin_audit(*, action: str, username: str, request: Any, locked: str = "") -> None:
    from .models import AuditEvent, User

    user = User.objects.filter(username=username[:150]).first() if username else None
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=None,
            actor_label=(username or "-")[:200],
            action=action,
            object_type="core.user",
            object_id=str(user.pk) if user else "-",
            facility=user.facility if user else None,
            after={
                "ip_address": _address(request),
                "path": getattr(request, "path", "")[:200],
                "known_account": user is not None,
                **({"locked": locked} if locked else {}),
            },
        )


@receiver(user_login_failed, dispatch_uid="core.sign_in_failed_audit")
def sign_in_failed_audit(
    sender: Any, credentials: dict, request: Any = None, **kwargs: Any
) -> None:
    if getattr(request, "qadam_refused_while_locked", False):
        return  # refused unchecked while locked (LockoutBackend): the lockout row says so
    _signin_audit(
        action="sign_in.failed", username=str(credentials.get("username") or ""), request=request
    )


def _locked_subjects(*, username: str, address: str | None) -> list[str]:
    """What is locked now: the account, the address, or both (AXES_LOCKOUT_PARAMETERS
    lock each on its own), from django-axes' counts."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Sum

    def failures(**filters: Any) -> int:
        rows = AccessAttempt.objects.filter(**filters)
        return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0

    subjects = []
    if username and failures(username=username) >= settings.AXES_FAILURE_LIMIT:
        subjects.append("account")
    if address and failures(ip_address=address) >= settings.AXES_FAILURE_LIMIT:
        subjects.append("address")
    return subjects or ["account"]


@receiver(user_locked_out, dispatch_uid="core.sign_in_locked_audit")
def sign_in_locked_audit(
    sender: Any, request: Any, username: str | None = None, **kwargs: Any
) -> None:
    """One audit row when an account or an address is locked, not one for each try the
    lock refuses (django-axes signals every one; its own log keeps them). A lock hammered
    past its cool-off (each refused try extends it) is written again once per cool-off."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .models import AuditEvent

    username = username or ""
    address = getattr(request, "axes_ip_address", None) or _address(request)
    since = timezone.now() - timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    recent = AuditEvent.objects.filter(action="sign_in.locked_out", at__gte=since)
    for subject in _locked_subjects(username=username, address=address):
        if subject == "account":
            already = recent.filter(after__locked="account", actor_label=(username or "-")[:200])
        else:
            already = recent.filter(after__locked="address", after__ip_address=address)
        if not already.exists():
            _signin_audit(
                action="sign_in.locked_out", username=username, request=request, locked=subject
            )


def locked_out(request: Any, original_response: Any = None, credentials: Any = None):
    """The answer to a sign-in while the account or the address is locked (django-axes'
    AXES_LOCKOUT_CALLABLE): a translated page saying how long, status 429."""
    from django.conf import settings
    from django.shortcuts import render

    return render(
        request,
        "registration/locked_out.html",
        {"lockout_minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )
