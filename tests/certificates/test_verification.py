"""The public verify page: valid, expired, revoked; privacy; rate limit."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from certificates import credentials
from certificates.services.officer_actions import certificate_revoke
from tests.kiosk_client import sign_in

from .helpers import complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issued(prisoner, prisoner_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    return certificate


def page(client, certificate):
    return client.get(reverse("certificates:verify", args=[certificate.verification_code]))


def test_a_revoked_certificate_says_revoked_with_the_date_at_once(client, issued, officer):
    certificate_revoke(actor=officer, certificate=issued, reason="Issued to the wrong person")
    text = page(client, issued).content.decode()
    assert "This certificate was revoked" in text
    assert f"Revoked on {date_format(timezone.localdate(), 'DATE_FORMAT')}." in text
    assert "This certificate is valid" not in text
    assert "wrong person" not in text  # the reason is for staff, not the public


def test_an_expired_certificate_says_expired(client, issued):
    issued.expires_on = timezone.localdate() - timedelta(days=1)
    issued.save()
    text = page(client, issued).content.decode()
    assert "This certificate has expired" in text
    assert "This certificate is valid" not in text


def test_the_privacy_setting_shows_initials_only(client, issued, settings):
    settings.CERTIFICATE_VERIFY_NAME = "initials"
    text = page(client, issued).content.decode()
    assert "N. A." in text
    assert "Nurlan" not in text and "Abenov" not in text


def test_the_page_never_names_the_facility_or_prisoner_number(client, issued, prisoner):
    text = page(client, issued).content.decode()
    assert prisoner.prisoner_number not in text
    assert "Facility A" not in text and "prison" not in text.lower()
    assert reverse("certificates:verify_credential", args=[issued.verification_code]) in text


def test_guessing_codes_is_rate_limited_per_client(client, issued, settings):
    settings.VERIFY_RATE_LIMIT = 5
    for _ in range(5):
        assert client.get(reverse("certificates:verify", args=["0" * 16])).status_code == 404
    response = client.get(reverse("certificates:verify", args=[issued.verification_code]))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many checks" in response.content.decode()
    # Another client is not affected.
    other = client.get(
        reverse("certificates:verify", args=[issued.verification_code]),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200
    assert client.get(reverse("certificates:verify_form"), {"code": "x"}).status_code == 429


def test_the_holder_chooses_initials_for_the_check_page(client, issued, prisoner, officer):
    sign_in(client, prisoner)
    url = reverse("certificates:privacy", args=[issued.public_id])
    assert "Show initials only" in client.get(reverse("certificates:mine")).content.decode()
    client.post(url, {"verify_name": "initials"})
    client.logout()
    text = page(client, issued).content.decode()
    assert "N. A." in text and "Nurlan" not in text
    # Nobody else can choose for them.
    client.force_login(officer)
    assert client.post(url, {"verify_name": "full"}).status_code == 404
    issued.refresh_from_db()
    assert issued.verify_name == "initials"
    from lms.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="certificate.privacy", actor=prisoner).count() == 1


def test_the_name_check_forgives_case_unicode_forms_and_look_alike_letters(
    client, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    prisoner.first_name, prisoner.last_name = "Іргебай", "Нұрланұлы"
    prisoner.save()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    url = reverse("certificates:verify", args=[certificate.verification_code])
    # Latin I for Kazakh І, lower case, a decomposed letter and doubled spaces.
    typed = ("I" + "ргебай").replace("й", "и\u0306") + "  нұрланұлы"
    text = client.get(url, {"name": typed}).content.decode()
    assert "The name matches the holder of this certificate." in text
    text = client.get(url, {"name": "Іргебай Нұрланов"}).content.decode()
    assert "The name does not match the holder of this certificate." in text
    # The hash in the credential still covers the exact name only.
    identity = json.loads(certificate.credential_ld)["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == credentials.identity_hash(
        "Іргебай Нұрланұлы", identity["salt"]
    )
    assert identity["identityHash"] != credentials.identity_hash(typed, identity["salt"])


def test_the_verify_page_names_the_issuer_key_and_its_fingerprint(client, issued):
    text = page(client, issued).content.decode()
    assert issued.issuer_key.did in text
    assert issued.issuer_key.fingerprint in text
    assert credentials.did_web() in text and "/.well-known/did.json" in text
