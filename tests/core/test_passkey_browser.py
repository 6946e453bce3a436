"""A passkey as the second factor, in a real browser (Debian's chromium, headless) under
the site's CSP, with Chromium's virtual authenticator (CDP ``WebAuthn``) standing in for
the computer's own: a staff member registers a passkey at enrolment, signs out, signs in
with the password again, verifies with the passkey and reaches the admin."""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from lms.core.models import AuditEvent
from tests import factories
from tests.browser import chromium

SHOTS = os.environ.get("QADAM_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def virtual_authenticator(page):
    """A platform authenticator that holds resident keys and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def sign_in_with_password(page, base_url, user):
    page.goto(base_url + reverse("login") + "?next=/admin/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "two-factor" in url)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_staff_member_registers_a_passkey_then_signs_in_with_it(
    browser, live_server, facility_a, settings
):
    from playwright.sync_api import expect

    assert live_server.url.startswith("http://localhost:")  # a WebAuthn relying party
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    officer = factories.OfficerFactory(facility=facility_a)
    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    virtual_authenticator(page)

    with override_settings(QADAM_MFA_REQUIRED=True):
        sign_in_with_password(page, live_server.url, officer)
        shot(page, "passkey-enrol")
        page.click("#passkey-register-button")
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        assert WebAuthnCredential.objects.filter(user=officer, confirmed=True).count() == 1
        assert AuditEvent.objects.filter(action="mfa.enrol", object_id=str(officer.pk)).exists()
        page.click("text=Continue")
        page.wait_for_url(lambda url: url.endswith("/admin/"))

        page.goto(live_server.url + reverse("sessions"))
        page.click("form.signout button")
        page.wait_for_load_state()
        assert page.context.cookies() == [] or "sessionid" not in {
            c["name"] for c in page.context.cookies()
        }

        sign_in_with_password(page, live_server.url, officer)
        expect(page.locator("input[name=token]")).to_be_visible()  # codes still work
        shot(page, "passkey-verify")
        page.click("#passkey-verification-button")
        page.wait_for_url(lambda url: url.endswith("/admin/"))
        expect(page.locator("body")).not_to_contain_text("Second factor")
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_passkey_is_added_later_and_removed_on_the_sessions_page_in_kazakh(
    browser, live_server, facility_a, settings
):
    """Someone who set up the authenticator app adds a passkey afterwards (the sessions
    page), sees it listed, and removes it again; all in Kazakh, under the site's CSP."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    officer = factories.OfficerFactory(facility=facility_a)
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    context = browser.new_context(extra_http_headers={"Accept-Language": "kk"})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    virtual_authenticator(page)

    with override_settings(QADAM_MFA_REQUIRED=True):
        sign_in_with_password(page, live_server.url, officer)
        token = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        page.fill("input[name=token]", f"{token:06d}")
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: url.endswith("/admin/"))

        page.goto(live_server.url + reverse("sessions"))
        expect(page.locator("#passkeys-title")).to_have_text("Кіру кілттері")
        expect(page.locator("#passkeys-title + p + p")).to_have_text("Әзірге кіру кілттері жоқ.")
        page.click("#passkey-register-button")
        expect(page.locator("table").nth(1).locator("tbody tr")).to_have_count(1)
        assert WebAuthnCredential.objects.filter(user=officer, confirmed=True).count() == 1
        shot(page, "passkey-sessions-kk")

        page.locator("table").nth(1).locator("button").click()
        expect(page.locator("body")).to_contain_text("Кіру кілті жойылды.")
        assert not WebAuthnCredential.objects.filter(user=officer).exists()
        assert AuditEvent.objects.filter(action="mfa.remove", actor=officer).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
