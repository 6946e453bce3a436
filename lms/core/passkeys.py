"""Passkeys (WebAuthn) as a second factor for staff, through django-otp-webauthn.

A passkey is a django-otp device like the TOTP app: once a person has one, the
second-factor step (``two_factor``) offers it, ``user.is_verified()`` is true after it was
used, and ``StaffSessionMiddleware`` treats the session as any other verified one. The
library's JSON views do the ceremonies; they are mounted under ``/accounts/two-factor/``
(open during the second-factor step) with one change of ours: registering is audited
like a TOTP enrolment and gives the person recovery codes if they have none. The
relying party and its origins are settings (``QADAM_BASE_URL`` in production).

No inline script: the page carries the library's configuration as JSON text in a hidden
element (``passkey_config_json``), and the library's own static modules read it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.middleware import csrf
from django.urls import path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential

from .audit import audit_record
from .models import User

NEW_CODES_KEY = "mfa_new_recovery_codes"


def passkeys_for(*, user: User) -> Any:
    """The person's confirmed passkeys."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def passkeys_for_removal(*, actor: User) -> Any:
    """The passkeys ``actor`` may remove: their own; an administrator's, anyone's."""
    if actor.is_administrator:
        return WebAuthnCredential.objects.all()
    return WebAuthnCredential.objects.filter(user=actor)


def passkey_enrolled(*, user: User, credential_id: int) -> dict[str, Any]:
    """Record that ``user`` registered the passkey ``credential_id``; give them recovery
    codes if they have none yet (``codes``: shown once; else an empty list). Audited like
    a TOTP enrolment, in the transaction of the registration."""
    from . import mfa

    with transaction.atomic():
        has_codes = StaticDevice.objects.filter(user=user, token_set__isnull=False).exists()
        codes = (
            []
            if has_codes
            else mfa.recovery_codes_replace(user=user, count=settings.QADAM_MFA_RECOVERY_CODES)
        )
        audit_record(
            actor=user,
            action="mfa.enrol",
            obj=user,
            after={"method": "passkey", "credential": credential_id},
            facility=user.facility,
        )
    return {"codes": codes}


class CompleteRegistrationView(webauthn_views.CompleteCredentialRegistrationView):
    """The library's registration, then our record of it (audit, recovery codes)."""

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        with transaction.atomic():  # the credential and its audit event together
            response = super().post(*args, **kwargs)
            if response.status_code == 200:
                credential_id = json.loads(response.content)["id"]
                result = passkey_enrolled(user=self.request.user, credential_id=credential_id)
                if result["codes"]:
                    self.request.session[NEW_CODES_KEY] = result["codes"]
        return response


def passkey_config_json(request: HttpRequest) -> str:
    """The configuration the library's scripts read from ``#otp_webauthn_config``."""
    return json.dumps(
        {
            "autocompleteLoginFieldSelector": None,
            "nextFieldSelector": "input[name='next']",
            "csrfToken": csrf.get_token(request),
            "beginAuthenticationUrl": reverse("otp_webauthn:credential-authentication-begin"),
            "completeAuthenticationUrl": reverse("otp_webauthn:credential-authentication-complete"),
            "beginRegistrationUrl": reverse("otp_webauthn:credential-registration-begin"),
            "completeRegistrationUrl": reverse("otp_webauthn:credential-registration-complete"),
        }
    )


# Mounted at /accounts/two-factor/passkey/ under the namespace the library reverses.
passkey_urls = (
    [
        path(
            "registration/begin/",
            webauthn_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            CompleteRegistrationView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            webauthn_views.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            webauthn_views.CompleteCredentialAuthenticationView.as_view(),
            name="credential-authentication-complete",
        ),
        # The library's scripts call gettext(): its strings, translated in our
        # locale/*/LC_MESSAGES/djangojs.po (LOCALE_PATHS) for kk and ru.
        path(
            "jsi18n/",
            JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
            name="js-i18n-catalog",
        ),
    ],
    "otp_webauthn",
)
