"""Kiosk sign-in tells how many tries are left, an officer can lift a kiosk's lockout,
the number field is not a password field, and a kiosk starts in its unit's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kiosk.models import Device, SignInFailure
from lms.core.models import AuditEvent

from .conftest import kiosk_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def test_a_wrong_pin_says_how_many_tries_are_left(kiosk_client, pin_prisoner):
    html = kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number, "0000").content.decode()
    assert "4 tries left before sign-in is locked for 15 minutes" in html
    for _attempt in range(3):
        response = kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number, "0000")
    assert "1 try left before sign-in is locked" in response.content.decode()


def test_the_tries_left_count_the_kiosk_too(kiosk_client, device_a, settings):
    settings.KIOSK_LOCKOUT_DEVICE_FAILURES = 3
    kiosk_sign_in(kiosk_client, "X-1", "0000")
    html = kiosk_sign_in(kiosk_client, "X-2", "0000").content.decode()
    assert "1 try left before sign-in is locked" in html


def test_the_number_field_is_not_a_password_field(kiosk_client):
    html = kiosk_client.get(reverse("kiosk:sign_in")).content.decode()
    number = re.search(r'<input[^>]*name="prisoner_number"[^>]*>', html).group(0)
    assert 'type="text"' in number and "password" not in number
    label = re.search(r'<label for="id_prisoner_number">(.*?)</label>', html, re.S).group(1)
    assert "Your prisoner number" in label and '<circle cx="12" cy="8"' in label
    pin = re.search(r'<input[^>]*name="pin"[^>]*>', html).group(0)
    assert 'type="password"' in pin and 'inputmode="numeric"' in pin


def _lock(kiosk_client, settings):
    settings.KIOSK_LOCKOUT_DEVICE_FAILURES = 3
    for number in ("X-1", "X-2", "X-3"):
        response = kiosk_sign_in(kiosk_client, number, "0000")
    assert response.status_code == 429


def test_an_officer_lifts_a_kiosks_lockout_from_the_kiosk_list(
    kiosk_client, device_a, officer, pin_prisoner, settings
):
    device, _token = device_a
    _lock(kiosk_client, settings)
    staff = Client()
    staff.force_login(officer)
    html = staff.get(reverse("kiosk_admin:index")).content.decode()
    assert "Sign-in locked after too many wrong tries" in html and "Lift the lockout" in html
    response = staff.post(reverse("kiosk_admin:lockout_lift", args=[device.pk]), follow=True)
    assert "is open again" in response.content.decode()
    assert "Lift the lockout" not in response.content.decode()
    event = AuditEvent.objects.get(action="kiosk.lockout_lift")
    assert event.actor == officer and event.after["failures_set_aside"] == 3
    assert SignInFailure.objects.filter(device=device).count() == 3  # the record stays
    response = kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    assert response.status_code == 302


def test_the_kiosk_list_reads_every_kiosks_lockout_in_the_same_queries(
    officer, admin_user, facility_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import register_device

    staff = Client()
    staff.force_login(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse("kiosk_admin:index")).status_code == 200
        return len(captured)

    register_device(admin_user, facility_a, name="First")
    one = queries()
    for n in range(5):
        device, _token = register_device(admin_user, facility_a, name=f"More {n}")
        SignInFailure.objects.create(device=device, prisoner_number="X-1")
    assert queries() == one


def test_an_officer_cannot_lift_the_lockout_of_another_facilitys_kiosk(
    officer, admin_user, facility_b
):
    from .conftest import register_device

    theirs, _token = register_device(admin_user, facility_b, name="Theirs")
    staff = Client()
    staff.force_login(officer)
    response = staff.post(reverse("kiosk_admin:lockout_lift", args=[theirs.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="kiosk.lockout_lift").exists()


def test_a_kiosk_starts_in_its_own_language(kiosk_client, device_a, officer, pin_prisoner):
    device_a, _token = device_a
    staff = Client()
    staff.force_login(officer)
    staff.post(
        reverse("kiosk_admin:device", args=[device_a.pk]),
        {
            "device_name": device_a.name,
            "facility": device_a.facility_id,
            "unit": device_a.unit_id or "",
            "language": "kk",
        },
    )
    assert Device.objects.get(pk=device_a.pk).language == "kk"
    html = kiosk_client.get(reverse("kiosk:sign_in")).content.decode()
    assert 'lang="kk"' in html
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    assert 'lang="kk"' in kiosk_client.get(reverse("learning:home"), follow=True).content.decode()
    # A person can still choose another language for their session.
    kiosk_client.post(reverse("kiosk:language") + "?next=/kiosk/", {"language": "ru"})
    assert 'lang="ru"' in kiosk_client.get("/kiosk/", follow=True).content.decode()


def test_the_certificate_status_answers_on_a_kiosk_without_keeping_it_awake(
    kiosk_client, pin_prisoner
):
    from kiosk import kiosk_session as ks

    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    before = kiosk_client.session[ks.ACTIVITY_KEY]
    response = kiosk_client.get(reverse("certificates:mine_status"), HTTP_X_QADAM_BACKGROUND="1")
    assert response.status_code == 200 and response.json() == {"preparing": 0}
    assert kiosk_client.session[ks.ACTIVITY_KEY] == before


def test_a_prisoner_looks_at_their_certificate_on_the_kiosk(
    kiosk_client, pin_prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate
    from tests.certificates.helpers import complete

    with django_capture_on_commit_callbacks(execute=True):
        complete(pin_prisoner, prisoner_course)
    certificate = Certificate.objects.get(learner=pin_prisoner)
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    listing = kiosk_client.get(reverse("certificates:mine")).content.decode()
    view_url = reverse("certificates:view", args=[certificate.public_id])
    assert f'href="{view_url}"' in listing and "Look at my certificate" in listing
    assert "/download/" not in listing and "/credential/" not in listing
    page = kiosk_client.get(view_url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert certificate.display_code in html and certificate.course_title in html
    assert "Your digital certificate" in html and "check that the certificate is real" in html
    assert ".jwt" not in html and "Content-Disposition" not in page.headers


def test_a_kiosk_starts_in_its_facilitys_language(admin_user, facility_a, unit_a, pin_prisoner):
    from .conftest import register_device

    facility_a.language = "kk"
    facility_a.save()
    device, token = register_device(admin_user, facility_a, unit_a, name="Kiosk 2")
    assert device.language == "kk"
    kiosk = Client()
    kiosk.cookies[django_settings.KIOSK_DEVICE_COOKIE] = token
    assert 'lang="kk"' in kiosk.get(reverse("kiosk:sign_in")).content.decode()
    # The facility changes its language: kiosks that followed it follow; one with a
    # language of its own keeps it.
    own, _ = register_device(admin_user, facility_a, unit_a, name="Kiosk 3")
    Device.objects.filter(pk=own.pk).update(language="en")
    facility_a.language = "ru"
    facility_a.save()
    assert Device.objects.get(pk=device.pk).language == "ru"
    assert Device.objects.get(pk=own.pk).language == "en"
    assert 'lang="ru"' in kiosk.get(reverse("kiosk:sign_in")).content.decode()
