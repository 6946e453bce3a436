"""The kiosk over HTTP: who may open what, session rules, sign-out."""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents.models import Document

from certificates.models import Certificate
from consent.services import consent_give
from kiosk import kiosk_session as ks
from kiosk.services import devices, pins
from lms.core.models import AuditEvent
from tests import factories
from tests.certificates.helpers import complete
from tests.kiosk_client import sign_in

from .conftest import PIN, kiosk_sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_the_staff_sign_in_refuses_prisoners(client, prisoner):
    response = client.post(
        reverse("login"), {"username": prisoner.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "sign in on a kiosk" in response.content.decode()  # the page says where
    assert "_auth_user_id" not in client.session


def test_the_staff_sign_in_still_lets_staff_in(client, staff_member):
    response = client.post(
        reverse("login"), {"username": staff_member.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_kiosk_sign_in_opens_only_on_a_registered_device(client, pin_prisoner):
    response = client.get(reverse("kiosk:sign_in"))
    assert response.status_code == 403
    assert "only on a kiosk" in response.content.decode()
    response = kiosk_sign_in(client, pin_prisoner.prisoner_number)
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_registering_sets_an_httponly_device_cookie(client, admin_user, facility_a):
    _row, code = devices.registration_code_create(
        actor=admin_user, facility=facility_a, unit=None, device_name="K"
    )
    response = client.post(reverse("kiosk:register"), {"code": code})
    assert response.status_code == 302
    cookie = response.cookies[settings.KIOSK_DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert client.get(reverse("kiosk:sign_in")).status_code == 200


def test_a_wrong_code_says_so(client):
    response = client.post(reverse("kiosk:register"), {"code": "NOPE-NOPE-NOPE"})
    assert "does not work" in response.content.decode()
    assert settings.KIOSK_DEVICE_COOKIE not in response.cookies


def test_signing_in_on_the_kiosk_shows_the_learning_space_in_the_kiosk_theme(
    kiosk_client, pin_prisoner
):
    response = kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    assert response.status_code == 302 and response["Location"] == reverse("learning:home")
    page = kiosk_client.get(reverse("learning:home"))
    html = page.content.decode()
    assert "theme-kiosk" in html and "kiosk.css" in html and "Finish" in html
    assert page["Cache-Control"].startswith("no-store")
    assert kiosk_client.get(reverse("certificates:mine")).content.decode().count("theme-kiosk")


def test_the_sign_in_form_offers_no_autocomplete_and_no_list_of_names(kiosk_client, prisoner):
    html = kiosk_client.get(reverse("kiosk:sign_in")).content.decode()
    assert 'autocomplete="off"' in html and "<datalist" not in html
    assert prisoner.prisoner_number not in html and prisoner.last_name not in html


def test_a_wrong_pin_lockout_answers_with_how_long(kiosk_client, pin_prisoner):
    for _attempt in range(5):
        response = kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number, "0000")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/django-admin/",
        "/manage/learners/",
        "/accounts/login/",
        "/i18n/setlang/",
        "/verify/",
        "/manage/kiosk/learners/00000000-0000-0000-0000-000000000000/pin/",
        "/manage/consent/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_staff_pages_and_the_admins_are_refused_from_a_kiosk(path, kiosk_client, admin_user):
    kiosk_client.force_login(admin_user)
    response = kiosk_client.get(path)
    assert response.status_code == 403
    assert "does not open on a kiosk" in response.content.decode()


def test_staff_signed_in_elsewhere_are_signed_out_on_a_kiosk(kiosk_client, officer):
    kiosk_client.force_login(officer)
    response = kiosk_client.get(reverse("learning:home"))
    assert response.status_code == 302 and "ended=other" in response["Location"]
    assert "_auth_user_id" not in kiosk_client.session


def test_a_kiosk_session_dies_when_its_device_is_revoked(kiosk_client, pin_prisoner, device_a):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    assert kiosk_client.get(reverse("learning:home")).status_code == 200
    devices.device_revoke(actor=device_a[0].created_by, device=device_a[0])
    response = kiosk_client.get(reverse("learning:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in kiosk_client.session


def test_a_kiosk_session_cookie_taken_to_another_browser_is_worthless(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = kiosk_client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    response = thief.get(reverse("learning:home"))
    assert response.status_code == 302
    # and the session is gone for the kiosk too
    assert kiosk_client.get(reverse("learning:home")).status_code == 302


def _age_session(client, *, idle: float = 0, since_sign_in: float = 0) -> None:
    session = client.session
    session[ks.ACTIVITY_KEY] = time.time() - idle
    session[ks.SIGNED_IN_AT_KEY] = time.time() - since_sign_in
    session.save()


def test_an_idle_session_is_ended_by_the_server(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    _age_session(kiosk_client, idle=settings.KIOSK_IDLE_SECONDS + ks.idle_slack() + 1)
    response = kiosk_client.get(reverse("learning:home"))
    assert response["Location"] == reverse("kiosk:sign_in") + "?ended=idle"
    page = kiosk_client.get(response["Location"]).content.decode()
    assert "nobody used the screen" in page


def test_the_absolute_cap_ends_even_a_busy_session(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    _age_session(kiosk_client, since_sign_in=settings.KIOSK_SESSION_MAX_SECONDS + 1)
    response = kiosk_client.get(reverse("learning:home"))
    assert "ended=cap" in response["Location"]


def test_background_requests_do_not_keep_a_session_alive(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    _age_session(kiosk_client, idle=100)
    before = kiosk_client.session[ks.ACTIVITY_KEY]
    kiosk_client.post(reverse("kiosk:activity"), HTTP_X_QADAM_BACKGROUND="1")
    assert kiosk_client.session[ks.ACTIVITY_KEY] == before
    kiosk_client.post(reverse("kiosk:activity"))
    assert kiosk_client.session[ks.ACTIVITY_KEY] > before


def test_pages_move_the_idle_clock_at_most_every_few_seconds(kiosk_client, pin_prisoner):
    """A person's pages move the server's idle clock, but not on every request (that would
    write the session on every page): within the granularity it stays, past it it moves,
    and the server's limit allows that slack, so a session just inside it is kept."""
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    granularity = ks.activity_granularity()
    _age_session(kiosk_client, idle=granularity / 2)
    before = kiosk_client.session[ks.ACTIVITY_KEY]
    assert kiosk_client.get(reverse("learning:home")).status_code == 200
    assert kiosk_client.session[ks.ACTIVITY_KEY] == before
    kiosk_client.post(reverse("kiosk:activity"))  # the page's report of touches: always kept
    assert kiosk_client.session[ks.ACTIVITY_KEY] > before
    _age_session(kiosk_client, idle=settings.KIOSK_IDLE_SECONDS + ks.idle_slack() - 1)
    assert kiosk_client.get(reverse("learning:home")).status_code == 200
    assert kiosk_client.session[ks.ACTIVITY_KEY] > time.time() - 5


def test_sign_out_flushes_clears_site_data_and_gives_the_device_its_cookie_back(
    kiosk_client, pin_prisoner
):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    response = kiosk_client.post(reverse("kiosk:sign_out"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "_auth_user_id" not in kiosk_client.session
    # The browser cleared every cookie: follow the one-time link without the old cookie.
    rebind_url = response["Location"]
    fresh = Client()
    follow = fresh.get(rebind_url)
    assert follow["Location"].endswith("?ended=signed_out"), (rebind_url, follow["Location"])
    assert fresh.get(reverse("kiosk:sign_in")).status_code == 200
    # The link works once.
    assert settings.KIOSK_DEVICE_COOKIE not in Client().get(rebind_url).cookies


def test_a_language_chosen_on_the_kiosk_lasts_for_the_session_only(kiosk_client, pin_prisoner):
    response = kiosk_client.post(reverse("kiosk:language") + "?next=/kiosk/", {"language": "kk"})
    assert response["Location"] == "/kiosk/"
    assert "django_language" not in response.cookies
    assert 'lang="kk"' in kiosk_client.get("/kiosk/").content.decode()
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    assert 'lang="kk"' in kiosk_client.get(reverse("learning:home")).content.decode()
    kiosk_client.post(reverse("kiosk:sign_out"))
    assert 'lang="en"' in kiosk_client.get("/kiosk/").content.decode()


def test_language_switch_never_redirects_off_site(kiosk_client):
    response = kiosk_client.post(
        reverse("kiosk:language") + "?next=https://example.org/", {"language": "ru"}
    )
    assert response["Location"] == reverse("kiosk:sign_in")


def test_a_pin_set_by_staff_must_be_changed_at_first_sign_in(kiosk_client, prisoner, officer):
    pins.kiosk_pin_set(actor=officer, learner=prisoner, pin=PIN, must_change=True)
    response = kiosk_sign_in(kiosk_client, prisoner.prisoner_number)
    assert response["Location"] == reverse("kiosk:pin_change")
    assert kiosk_client.get(reverse("learning:home"))["Location"] == reverse("kiosk:pin_change")
    response = kiosk_client.post(reverse("kiosk:pin_change"), {"pin": "7391", "pin_again": "7391"})
    assert response["Location"] == reverse("learning:home")
    assert kiosk_client.get(reverse("learning:home")).status_code == 200


def test_officer_sets_a_pin_through_the_staff_web(client, officer, prisoner, facility_b):
    client.force_login(officer)
    url = reverse("kiosk_manage:pin", args=[prisoner.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"pin": "4826", "pin_again": "4826", "must_change": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="kiosk.pin_set", actor=officer).exists()
    assert (
        "Set kiosk PIN"
        in client.get(reverse("manage:learner", args=[prisoner.public_id])).content.decode()
    )
    stranger = factories.PrisonerFactory(facility=facility_b)
    assert client.get(reverse("kiosk_manage:pin", args=[stranger.public_id])).status_code == 404


@pytest.mark.parametrize("role", ["prisoner", "staff_learner", "trainer", "monitor"])
def test_only_officers_and_administrators_set_pins(client, role, prisoner, facility_a):
    users = {
        "prisoner": prisoner,
        "staff_learner": factories.UserFactory(facility=facility_a),
        "trainer": factories.UserFactory(role="trainer", facility=None),
        "monitor": factories.UserFactory(role="monitor", facility=None),
    }
    sign_in(client, users[role])
    assert client.get(reverse("kiosk_manage:pin", args=[prisoner.public_id])).status_code == 403


def test_kiosk_admin_pages_are_scoped_to_the_officers_facilities(
    client, officer, admin_user, facility_b
):
    from .conftest import register_device

    mine, _t = register_device(admin_user, officer.facility, name="Mine")
    theirs, _t = register_device(admin_user, facility_b, name="Theirs")
    client.force_login(officer)
    html = client.get(reverse("kiosk_admin:index")).content.decode()
    assert "Mine" in html and "Theirs" not in html
    assert client.get(reverse("kiosk_admin:device", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("kiosk_admin:revoke", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("kiosk_admin:code"),
        {"device_name": "New", "facility": officer.facility.pk, "unit": ""},
    )
    assert response.status_code == 200 and "data-registration-code" in response.content.decode()
    response = client.post(
        reverse("kiosk_admin:code"), {"device_name": "New", "facility": facility_b.pk, "unit": ""}
    )
    assert "data-registration-code" not in response.content.decode()
    client.post(reverse("kiosk_admin:revoke", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.revoked_at is not None


@pytest.mark.parametrize("role", ["staff_learner", "trainer", "monitor"])
def test_other_roles_cannot_open_kiosk_admin(client, role, facility_a):
    client.force_login(factories.UserFactory(role=role, facility=facility_a))
    response = client.get(reverse("kiosk_admin:index"))
    assert response.status_code in (302, 403)
    assert "kiosk" not in response.get("Location", "/admin/login/").split("?")[0].lower()


def test_a_kiosk_lets_lesson_images_and_h5p_requests_through(kiosk_client, pin_prisoner):
    """Lesson images and H5P activities are part of learning on a kiosk: the kiosk's
    allow-list passes them on to their own access checks (here: 404 for what does not
    exist), instead of refusing them outright (403)."""
    import io

    from django.core.files.images import ImageFile
    from django.urls import reverse
    from PIL import Image as PILImage
    from wagtail.images.models import Image
    from wagtail.images.utils import generate_signature

    from courses.services import enrolment_create
    from tests.kiosk.conftest import kiosk_sign_in

    course = factories.make_course(title="Baking", audience="prisoners", lessons=1)
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), "orange").save(buffer, "PNG")
    image = Image.objects.create(title="Loaf", file=ImageFile(buffer, name="loaf.png"))
    lesson = course.lessons().specific().get()
    lesson.body = [("image", {"image": image, "alt_text": "A loaf", "caption": ""})]
    lesson.save_revision().publish()
    enrolment_create(actor=pin_prisoner, learner=pin_prisoner, course=course)
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)

    spec = "max-1200x900"
    image_url = reverse(
        "wagtailimages_serve", args=[generate_signature(image.pk, spec), image.pk, spec]
    )
    assert kiosk_client.get(image_url).status_code == 200
    h5p_url = reverse("h5p:xapi", args=[lesson.pk, "no-such-block"])
    assert kiosk_client.get(h5p_url).status_code != 403


def test_a_prisoner_sees_their_own_consent_history_on_the_kiosk_in_the_kiosk_theme(
    kiosk_client, pin_prisoner
):
    course = factories.make_course(
        title="Paths of peace", programme_type="faith_based", audience="prisoners", lessons=1
    )
    consent_give(actor=pin_prisoner, course=course)
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    home = kiosk_client.get(reverse("learning:home")).content.decode()
    assert reverse("consent:mine") in home
    response = kiosk_client.get(reverse("consent:mine"))
    html = response.content.decode()
    assert response.status_code == 200 and "theme-kiosk" in html and "Finish" in html
    assert "Paths of peace" in html and "Agreed to take part" in html
    assert response["Cache-Control"].startswith("no-store")


def test_the_staff_consent_page_of_a_real_learner_is_refused_on_a_kiosk(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    url = reverse("consent_manage:history", args=[pin_prisoner.public_id])
    response = kiosk_client.post(url, {"purpose": "person_request"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="consent.read").exists()


def test_my_certificates_on_a_kazakh_kiosk_write_the_month_in_lower_case(
    kiosk_client, pin_prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(pin_prisoner, prisoner_course)
    Certificate.objects.filter(pk=certificate.pk).update(completed_on=date(2026, 11, 23))
    kiosk_client.post(reverse("kiosk:language") + "?next=/kiosk/", {"language": "kk"})
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    page = kiosk_client.get(reverse("certificates:mine")).content.decode()
    assert "theme-kiosk" in page
    assert "23 қараша 2026 ж." in page and "Қараша" not in page


def test_a_video_fetching_by_ranges_on_a_kiosk_does_not_keep_the_session_alive(
    kiosk_client, pin_prisoner
):
    course = factories.make_course(title="Baking", audience="prisoners", lessons=1)
    video = Document.objects.create(title="Kneading", file=ContentFile(b"0123456789", "k.mp4"))
    lesson = course.lessons().specific().get()
    lesson.body = [("document", {"document": video, "description": ""})]
    lesson.save_revision().publish()
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    _age_session(kiosk_client, idle=100)
    before = kiosk_client.session[ks.ACTIVITY_KEY]
    response = kiosk_client.get(video.url, HTTP_RANGE="bytes=4-")
    assert response.status_code == 206 and b"".join(response.streaming_content) == b"456789"
    assert kiosk_client.session[ks.ACTIVITY_KEY] == before
    _age_session(kiosk_client, idle=settings.KIOSK_IDLE_SECONDS + ks.idle_slack() + 1)
    response = kiosk_client.get(video.url, HTTP_RANGE="bytes=4-")
    assert response["Location"] == reverse("kiosk:sign_in") + "?ended=idle"


def in_kiosk_theme(html: str) -> bool:
    """The kiosk's own frame (big nav, "Finish"), not the staff web's header and search."""
    return "theme-kiosk" in html and "Finish" in html and "theme-staff" not in html


def test_my_record_opens_in_the_kiosk_theme_on_a_kiosk(kiosk_client, pin_prisoner):
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    home = kiosk_client.get(reverse("learning:home")).content.decode()
    assert reverse("employability:mine") in home  # the kiosk nav links it
    response = kiosk_client.get(reverse("employability:mine"))
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>My record</h1>" in html
    assert in_kiosk_theme(html)
    assert 'class="site-search"' not in html


@pytest.mark.parametrize("where", ["programme_area", "search", "not_found"])
def test_other_learner_pages_open_in_the_kiosk_theme_on_a_kiosk(kiosk_client, pin_prisoner, where):
    course = factories.make_course(title="Welding safety", lessons=1)
    url, status = {
        "programme_area": (course.get_parent().get_url(), 200),
        "search": (reverse("learning:search") + "?q=Welding", 200),
        "not_found": (reverse("certificates:download", args=[uuid.uuid4()]), 404),
    }[where]
    kiosk_sign_in(kiosk_client, pin_prisoner.prisoner_number)
    response = kiosk_client.get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert in_kiosk_theme(html)
    if where != "not_found":
        assert "Welding safety" in html


def test_the_same_pages_keep_the_staff_theme_off_a_kiosk(client, staff_member):
    sign_in(client, staff_member)
    html = client.get(reverse("employability:mine")).content.decode()
    assert "theme-staff" in html and "theme-kiosk" not in html


def test_a_prisoner_session_off_a_kiosk_is_ended(client, prisoner):
    from lms.core.backends import KIOSK_BACKEND

    client.force_login(prisoner, backend=KIOSK_BACKEND)
    response = client.get(reverse("employability:mine"))
    assert response.status_code == 302 and response.url == reverse("kiosk:sign_in")
    assert "_auth_user_id" not in client.session
