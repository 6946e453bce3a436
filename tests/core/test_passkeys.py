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


def second_passkey_for(user) -> WebAuthnCredential:
    credential_id = b"second-" + str(user.pk).encode()
    return WebAuthnCredential.objects.create(
        user=user,
        name="phone",
        confirmed=True,
        credential_id=credential_id,
        credential_id_sha256=hashlib.sha256(credential_id).hexdigest(),
        public_key=b"not-a-real-key",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def test_the_sessions_page_lists_passkeys_and_offers_to_add_one(officer):
    """A second passkey (a phone beside the laptop) can be added after enrolment."""
    passkey_for(officer)
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("sessions")).content.decode()
    assert "Passkeys" in page
    assert "passkey" in page  # its name in the list
    assert 'id="passkey-registration-available-template"' in page
    assert "otp_webauthn_register.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag, tag


def test_a_person_removes_a_passkey_but_not_their_last_second_factor(officer):
    first, second = passkey_for(officer), second_passkey_for(officer)
    client = Client()
    client.force_login(officer)
    removed = client.post(reverse("passkey_remove", args=[second.pk]), follow=True)
    assert "The passkey was removed." in removed.content.decode()
    assert not WebAuthnCredential.objects.filter(pk=second.pk).exists()
    event = AuditEvent.objects.get(action="mfa.remove", object_id=str(officer.pk))
    assert event.actor_id == officer.pk

    refused = client.post(reverse("passkey_remove", args=[first.pk]), follow=True)
    assert "This is your only second factor." in refused.content.decode()
    assert WebAuthnCredential.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(action="mfa.remove").count() == 1


def test_no_one_removes_another_persons_passkey_but_an_administrator(officer):
    credential = passkey_for(officer)
    colleague = factories.OfficerFactory(facility=officer.facility)
    client = Client()
    client.force_login(colleague)
    assert client.post(reverse("passkey_remove", args=[credential.pk])).status_code == 404
    assert client.get(reverse("passkey_remove", args=[credential.pk])).status_code == 405
    assert WebAuthnCredential.objects.filter(pk=credential.pk).exists()

    administrator = factories.UserFactory(role="administrator", facility=None)
    client.force_login(administrator)
    response = client.post(reverse("passkey_remove", args=[credential.pk]))
    assert response.url == reverse("sessions") + f"?person={officer.public_id}"
    assert not WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert AuditEvent.objects.get(action="mfa.remove").actor_id == administrator.pk


def test_the_django_admin_shows_no_second_factor_secrets():
    """django-otp's own admin pages showed every TOTP secret and deleted devices unaudited."""
    administrator = factories.UserFactory(
        role="administrator", facility=None, is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(administrator)
    response = client.get("/django-admin/")
    assert response.status_code == 200
    index = response.content.decode()
    assert "core/user/" in index
    assert "otp_totp" not in index and "otp_static" not in index
    assert client.get("/django-admin/otp_totp/totpdevice/").status_code == 404
