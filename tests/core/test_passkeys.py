"""Passkeys (django-otp-webauthn) on the server side: a passkey counts as the second
factor, its ceremonies are open during the second-factor step and closed to anyone not
signed in, registering one is audited and gives recovery codes once, and an
administrator's reset removes passkeys too. The ceremonies themselves run in a real
browser in test_passkey_browser.py."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from lms.core import mfa, passkeys
from lms.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def passkey_for(user) -> WebAuthnCredential:
    credential_id = b"credential-" + str(user.pk).encode()
    return WebAuthnCredential.objects.create(
        user=user,
        name="passkey",
        confirmed=True,
        credential_id=credential_id,
        credential_id_sha256=hashlib.sha256(credential_id).hexdigest(),
        public_key=b"not-a-real-key",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def signed_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return client


@override_settings(QADAM_MFA_REQUIRED=True)
def test_a_person_with_a_passkey_is_asked_for_it_without_inline_script(officer):
    passkey_for(officer)
    client = signed_in(officer)
    assert client.get("/manage/learners/").url.startswith(reverse("two_factor"))
    response = client.get(reverse("two_factor") + "?next=/manage/learners/")
    page = response.content.decode()
    assert 'id="passkey-verification-button"' in page
    assert "otp_webauthn_auth.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag, tag  # no inline script: the site's CSP would refuse it
    config = re.search(r'<div id="otp_webauthn_config" hidden>([^<]*)</div>', page)
    assert config is not None
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script_src = response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert script_src.strip() == "'self'"


@override_settings(QADAM_MFA_REQUIRED=True)
def test_the_passkey_ceremony_is_open_during_the_second_factor_step(officer):
    credential = passkey_for(officer)
    client = signed_in(officer)
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 200
    options = response.json()
    assert options["rpId"] == "localhost"
    assert len(options["allowCredentials"]) == 1  # the person's own passkey
    assert credential.pk
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog"))
    assert catalog.status_code == 200


def test_no_one_signs_in_with_a_passkey_alone():
    response = Client().post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "passwordless_login_disabled"


def test_registering_a_passkey_is_audited_and_gives_recovery_codes_once(officer):
    first = passkeys.passkey_enrolled(user=officer, credential_id=passkey_for(officer).pk)
    assert len(first["codes"]) == 10
    again = passkeys.passkey_enrolled(user=officer, credential_id=1)
    assert again["codes"] == []
    events = AuditEvent.objects.filter(action="mfa.enrol", object_id=str(officer.pk))
    assert events.count() == 2


@override_settings(QADAM_MFA_REQUIRED=True)
def test_the_recovery_codes_are_shown_once_after_a_passkey_is_registered(officer):
    client = signed_in(officer)
    session = client.session
    session[passkeys.NEW_CODES_KEY] = ["abc123"]
    session.save()
    # Not verified yet (no passkey used): the codes are dropped, the enrol page shown.
    page = client.get(reverse("two_factor")).content.decode()
    assert "abc123" not in page and 'id="passkey-register-button"' in page


@override_settings(QADAM_MFA_REQUIRED=True)
def test_an_administrators_reset_removes_passkeys_too(officer):
    passkey_for(officer)
    administrator = factories.UserFactory(role="administrator", facility=None)
    mfa.mfa_reset(actor=administrator, person=officer)
    assert not WebAuthnCredential.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action="mfa.reset", object_id=str(officer.pk))
    after = event.after if isinstance(event.after, dict) else json.loads(event.after)
    assert after["passkeys_removed"] == 1
    client = signed_in(officer)
    page = client.get(reverse("two_factor")).content.decode()
    assert 'id="passkey-register-button"' in page  # they enrol again


@pytest.mark.parametrize(
    ("language", "script_text", "page_text"),
    [("kk", "Тіркелуде...", "Кіру кілтін тіркеу"), ("ru", "Регистрация...", "Зарегистрировать")],
)
def test_the_passkey_strings_are_translated_on_the_page_and_in_its_scripts(
    officer, language, script_text, page_text
):
    client = signed_in(officer)
    client.cookies["django_language"] = language
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert json.dumps(script_text) in catalog  # the catalog is JSON (\u escapes)
    page = client.get(reverse("two_factor")).content.decode()
    assert page_text in page
