"""The public verify page: valid, expired, revoked; privacy; rate limit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

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
