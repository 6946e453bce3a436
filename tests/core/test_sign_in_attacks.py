"""The sign-in attacks, re-run: a prisoner at every password sign-in, prisoner sessions
made off a kiosk, fifty wrong passwords, an idle staff session, the second factor."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.core import mfa, staff_sessions
from lms.core.backends import KIOSK_BACKEND
from lms.core.models import AuditEvent, StaffSession, User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db

# Every view where a username and password are typed: ours, Wagtail's admin, the Django
# admin, and Wagtail's front-end login in every language.
LOGIN_URLS = [
    "/accounts/login/",
    "/admin/login/",
    "/django-admin/login/",
    "/kk/_util/login/",
    "/ru/_util/login/",
    "/en/_util/login/",
]


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


def prisoner_with_a_password(prisoner) -> User:
    """A prisoner account that still holds a usable password (as accounts made before
    prisoners lost theirs did): written past ``save``, as an attacker would find it."""
    User.objects.filter(pk=prisoner.pk).update(password=make_password(factories.PASSWORD))
    prisoner.refresh_from_db()
    assert prisoner.check_password(factories.PASSWORD)
    return prisoner


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_prisoner_cannot_sign_in_at_any_password_login(client, prisoner, url):
    prisoner_with_a_password(prisoner)
    response = client.post(url, {"username": prisoner.username, "password": factories.PASSWORD})
    assert response.status_code in (200, 403)
    assert signed_in_user_id(client) is None
    assert client.get("/learn/").status_code == 302


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_staff_still_sign_in_at_every_login(client, url, facility_a):
    administrator = factories.UserFactory(role="administrator", facility=None)
    response = client.post(
        url, {"username": administrator.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(administrator.pk)


def test_a_force_login_prisoner_session_is_not_signed_in(client, prisoner):
    client.force_login(prisoner)
    assert client.get("/learn/").status_code == 302
    assert signed_in_user_id(client) is None


def test_a_kiosk_backend_session_off_a_kiosk_is_ended(client, prisoner):
    client.force_login(prisoner, backend=KIOSK_BACKEND)
    response = client.get("/learn/")
    assert response.status_code == 302
    assert response.url == reverse("kiosk:sign_in")
    assert signed_in_user_id(client) is None
    assert client.get("/learn/certificates/").status_code == 302


def test_a_kiosk_session_taken_to_another_browser_is_ended(prisoner):
    kiosk = sign_in(Client(), prisoner)
    assert kiosk.get("/learn/").status_code == 200
    thief = Client()
    thief.cookies["sessionid"] = kiosk.cookies["sessionid"].value
    assert thief.get("/learn/").status_code == 302
    assert kiosk.get("/learn/").status_code == 302  # the session itself is gone


def test_the_test_kiosk_client_signs_a_prisoner_in_on_a_kiosk(prisoner):
    kiosk = sign_in(Client(), prisoner)
    assert kiosk.get("/learn/").status_code == 200
    assert signed_in_user_id(kiosk) == str(prisoner.pk)


def test_prisoner_accounts_have_no_usable_password(facility_a):
    prisoner = factories.PrisonerFactory(facility=facility_a)
    assert not prisoner.has_usable_password()
    staff = factories.UserFactory(facility=facility_a)
    assert staff.has_usable_password()
    staff.role = User.Role.PRISONER_LEARNER
    staff.prisoner_number = "P-ROLE-1"
    staff.save()
    staff.refresh_from_db()
    assert not staff.has_usable_password()


def test_the_migration_makes_existing_prisoner_passwords_unusable(prisoner, staff_member):
    import importlib

    from django.apps import apps

    prisoner_with_a_password(prisoner)
    migration = importlib.import_module("lms.core.migrations.0005_prisoner_passwords_unusable")
    migration.prisoner_passwords_unusable(apps, None)
    prisoner.refresh_from_db()
    staff_member.refresh_from_db()
    assert not prisoner.has_usable_password()
    assert staff_member.has_usable_password()


def test_the_people_admin_adds_a_prisoner_without_a_password(client, facility_a):
    administrator = factories.UserFactory(role="administrator", facility=None)
    client.force_login(administrator)
    response = client.post(
        "/django-admin/core/user/add/",
        {
            "username": "ignored",
            "role": "prisoner_learner",
            "prisoner_number": "p-777",
            "facility": facility_a.pk,
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    prisoner = User.objects.get(prisoner_number="P-777")
    assert not prisoner.has_usable_password()


def test_a_prisoner_gets_no_password_reset_mail(client, prisoner):
    User.objects.filter(pk=prisoner.pk).update(email="prisoner@example.org")
    client.post("/admin/password_reset/", {"email": "prisoner@example.org"})
    assert mail.outbox == []


# --- 50 wrong passwords ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/django-admin/login/"])
def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_waits(url):
    target = factories.UserFactory(role="trainer", facility=None, username="target")
    statuses = []
    for n in range(50):
        client = Client(REMOTE_ADDR=f"10.9.0.{n + 1}")  # a new address each time
        response = client.post(url, {"username": "target", "password": f"wrong-{n}"})
        statuses.append(response.status_code)
    # The fifth wrong password locks the account (AXES_FAILURE_LIMIT = 5).
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    client = Client(REMOTE_ADDR="10.9.1.1")
    response = client.post(url, {"username": "target", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert signed_in_user_id(client) is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(target.pk)).values_list("action", flat=True)
    )
    # The five tries whose password was checked failed; the 46 refused unchecked while
    # locked (45 wrong, the right one) are no failures; the account was locked once.
    assert actions.count("sign_in.failed") == 5
    locks = AuditEvent.objects.filter(object_id=str(target.pk), action="sign_in.locked_out")
    assert [(lock.after["locked"], lock.after["ip_address"]) for lock in locks] == [
        ("account", "10.9.0.5")
    ]


def test_wrong_passwords_from_one_address_lock_that_address():
    for n in range(6):
        factories.UserFactory(role="trainer", facility=None, username=f"person{n}")
    client = Client(REMOTE_ADDR="10.9.2.2")
    statuses = [
        client.post("/accounts/login/", {"username": f"person{n}", "password": "x"}).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429
    locks = AuditEvent.objects.filter(action="sign_in.locked_out")
    assert [(lock.after["locked"], lock.after["ip_address"]) for lock in locks] == [
        ("address", "10.9.2.2")
    ]
    other = Client(REMOTE_ADDR="10.9.2.3")
    ok = other.post("/accounts/login/", {"username": "person5", "password": factories.PASSWORD})
    assert ok.status_code == 302  # the account itself was tried once only


def test_the_lockout_page_is_translated():
    factories.UserFactory(role="trainer", facility=None, username="target")
    client = Client(REMOTE_ADDR="10.9.3.3")
    for _ in range(6):
        response = client.post(
            "/accounts/login/",
            {"username": "target", "password": "x"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert response.status_code == 429
    assert "Too many wrong passwords" not in response.content.decode()


def test_an_administrator_unlocks_an_account(client):
    target = factories.UserFactory(role="trainer", facility=None, username="target")
    attacker = Client(REMOTE_ADDR="10.9.4.4")
    for _ in range(6):
        attacker.post("/accounts/login/", {"username": "target", "password": "x"})
    assert AccessAttempt.objects.exists()
    administrator = factories.UserFactory(role="administrator", facility=None)
    client.force_login(administrator)
    response = client.post(
        "/django-admin/core/user/",
        {"action": "sign_in_unlock", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="target").exists()
    assert AuditEvent.objects.filter(action="sign_in.unlock", object_id=str(target.pk)).exists()
    person = Client(REMOTE_ADDR="10.9.4.5")
    ok = person.post("/accounts/login/", {"username": "target", "password": factories.PASSWORD})
    assert ok.status_code == 302


# --- Staff sessions ----------------------------------------------------------------------


def staff_client(user: User, address: str = "10.8.0.1") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT="Firefox on the office PC")
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_staff_session_idle_past_the_limit_is_ended(officer):
    client = staff_client(officer)
    assert client.get("/manage/learners/").status_code == 200
    session = client.session
    session[staff_sessions.ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/manage/learners/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert signed_in_user_id(client) is None
    assert client.get("/manage/learners/").status_code == 302


def test_a_staff_session_in_use_stays_open(officer):
    client = staff_client(officer)
    session = client.session
    session[staff_sessions.ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get("/manage/learners/").status_code == 200


def test_staff_pages_are_never_stored(officer, prisoner):
    client = staff_client(officer)
    for url in ["/manage/learners/", f"/manage/learners/{prisoner.public_id}/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_a_person_sees_and_ends_their_other_sessions(officer):
    office = staff_client(officer, "10.8.0.1")
    forgotten = staff_client(officer, "10.8.0.2")
    # Reached from the name in every staff page's header.
    header = office.get("/manage/learners/").content.decode()
    assert 'class="signed-in-as" href="/accounts/sessions/"' in header
    html = office.get("/accounts/sessions/").content.decode()
    assert "10.8.0.1" in html and "10.8.0.2" in html and "Firefox on the office PC" in html
    record = StaffSession.objects.get(ip_address="10.8.0.2")
    response = office.post(reverse("session_end", args=[record.pk]))
    assert response.status_code == 302
    assert forgotten.get("/manage/learners/").status_code == 302  # signed out there
    assert office.get("/manage/learners/").status_code == 200
    assert AuditEvent.objects.filter(action="session.end", object_id=str(officer.pk)).exists()


def test_an_administrator_ends_someone_elses_session_and_others_cannot(officer, facility_a):
    staff_client(officer, "10.8.0.3")
    record = StaffSession.objects.get(user=officer)
    nosy = staff_client(factories.OfficerFactory(facility=facility_a), "10.8.0.4")
    assert nosy.post(reverse("session_end", args=[record.pk])).status_code == 404
    html = nosy.get(f"/accounts/sessions/?person={officer.public_id}").content.decode()
    assert "10.8.0.3" not in html
    administrator = factories.UserFactory(role="administrator", facility=None)
    admin_client = staff_client(administrator, "10.8.0.5")
    html = admin_client.get(f"/accounts/sessions/?person={officer.public_id}").content.decode()
    assert "10.8.0.3" in html
    admin_client.post(reverse("session_end", args=[record.pk]))
    assert not StaffSession.objects.filter(pk=record.pk).exists()


# --- Second factor -----------------------------------------------------------------------


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(QADAM_MFA_REQUIRED=True)
@pytest.mark.parametrize("url", ["/manage/learners/", "/admin/", "/django-admin/", "/learn/"])
def test_staff_who_see_people_must_enrol_a_second_factor_first(officer, url):
    client = staff_client(officer)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor"))


@override_settings(QADAM_MFA_REQUIRED=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_enrolment_then_sign_in_with_the_app_or_a_recovery_code(officer):
    client = staff_client(officer)
    page = client.get(reverse("two_factor") + "?next=/manage/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(reverse("two_factor"), {"token": "000000", "next": "/manage/learners/"})
    assert "The code is wrong" in wrong.content.decode()
    done = client.post(
        reverse("two_factor"), {"token": code_for(device), "next": "/manage/learners/"}
    )
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/manage/learners/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrol", object_id=str(officer.pk)).exists()

    later = staff_client(officer, "10.8.0.9")
    assert later.get("/manage/learners/").url.startswith(reverse("two_factor"))
    page = later.get(reverse("two_factor")).content.decode()
    assert "recovery codes" in page and "<svg" not in page
    response = later.post(reverse("two_factor"), {"token": codes[0], "next": "/manage/learners/"})
    assert response.status_code == 302 and response.url == "/manage/learners/"
    assert later.get("/manage/learners/").status_code == 200
    again = staff_client(officer, "10.8.0.10")
    reused = again.post(reverse("two_factor"), {"token": codes[0]})
    assert "The code is wrong" in reused.content.decode()


@override_settings(QADAM_MFA_REQUIRED=True)
def test_an_administrator_resets_a_second_factor(officer):
    device = mfa.totp_device_pending(user=officer)
    mfa.totp_device_confirm(user=officer, device=device, token=code_for(device))
    administrator = factories.UserFactory(role="administrator", facility=None)
    mfa.mfa_reset(actor=administrator, person=officer)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", object_id=str(officer.pk)).exists()
    with pytest.raises(PermissionError):
        mfa.mfa_reset(actor=officer, person=administrator)


@override_settings(QADAM_MFA_REQUIRED=True)
def test_staff_learners_and_prisoners_on_kiosks_need_no_second_factor(prisoner, facility_a):
    learner = staff_client(factories.UserFactory(facility=facility_a))
    assert learner.get("/learn/").status_code == 200
    kiosk = sign_in(Client(), prisoner)
    assert kiosk.get("/learn/").status_code == 200


@override_settings(QADAM_MFA_REQUIRED=True, QADAM_MFA_MONITORS=True)
def test_monitors_need_a_second_factor_when_the_setting_says_so():
    monitor = staff_client(factories.UserFactory(role="monitor", facility=None))
    assert monitor.get("/learn/").url.startswith(reverse("two_factor"))


# --- The client's address behind a proxy -------------------------------------------------


def proxied(forwarded_for: str) -> Client:
    """A browser behind nginx: every request reaches gunicorn from 127.0.0.1."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)


def lock_address(client: Client) -> None:
    for n in range(6):
        factories.UserFactory(role="trainer", facility=None, username=f"victim{n}")
    statuses = [
        client.post("/accounts/login/", {"username": f"victim{n}", "password": "x"}).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429


@override_settings(QADAM_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_locking_one_address_leaves_another_free():
    # The client forged a first hop; nginx appended the address it really saw.
    lock_address(proxied("6.6.6.6, 10.9.5.5"))
    locks = AuditEvent.objects.filter(action="sign_in.locked_out")
    assert [(lock.after["locked"], lock.after["ip_address"]) for lock in locks] == [
        ("address", "10.9.5.5")
    ]
    failed = AuditEvent.objects.filter(action="sign_in.failed").first()
    assert failed.after["ip_address"] == "10.9.5.5"
    person = factories.UserFactory(role="trainer", facility=None, username="colleague")
    other = proxied("10.9.5.6")
    ok = other.post("/accounts/login/", {"username": "colleague", "password": factories.PASSWORD})
    assert ok.status_code == 302
    assert StaffSession.objects.get(user=person).ip_address == "10.9.5.6"


@override_settings(QADAM_TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored():
    lock_address(Client(REMOTE_ADDR="10.9.6.6", HTTP_X_FORWARDED_FOR="10.9.6.7"))
    locks = AuditEvent.objects.filter(action="sign_in.locked_out")
    assert [lock.after["ip_address"] for lock in locks] == ["10.9.6.6"]
    factories.UserFactory(role="trainer", facility=None, username="colleague")
    # A new forged header does not get the locked client out.
    again = Client(REMOTE_ADDR="10.9.6.6", HTTP_X_FORWARDED_FOR="10.9.6.8")
    refused = again.post(
        "/accounts/login/", {"username": "colleague", "password": factories.PASSWORD}
    )
    assert refused.status_code == 429


@override_settings(QADAM_TRUSTED_PROXY_COUNT=1)
def test_a_person_read_behind_the_proxy_records_the_forwarded_address(officer, prisoner):
    client = proxied("10.9.7.7")
    client.force_login(officer)
    assert client.get(f"/manage/learners/{prisoner.public_id}/").status_code == 200
    read = AuditEvent.objects.get(action="person.read", object_id=str(prisoner.pk))
    assert read.after["ip_address"] == "10.9.7.7"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "1.2.3.4", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "1.2.3.4"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_rightmost_untrusted_hop(settings, count, forwarded, expected):
    from django.test import RequestFactory

    from lms.core.addresses import client_address

    settings.QADAM_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- Absolute limit and background polls -------------------------------------------------


def test_an_active_staff_session_past_the_absolute_limit_is_ended(officer, settings):
    client = staff_client(officer)
    session = client.session
    session[staff_sessions.SIGNED_IN_AT_KEY] = time.time() - settings.STAFF_SESSION_MAX_SECONDS - 5
    session[staff_sessions.ACTIVITY_KEY] = time.time() - 1  # in use a second ago
    session.save()
    response = client.get("/manage/learners/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert signed_in_user_id(client) is None
    assert client.get("/manage/learners/").status_code == 302


def test_a_staff_session_within_the_absolute_limit_stays_open(officer, settings):
    client = staff_client(officer)
    session = client.session
    session[staff_sessions.SIGNED_IN_AT_KEY] = time.time() - settings.STAFF_SESSION_MAX_SECONDS + 60
    session.save()
    assert client.get("/manage/learners/").status_code == 200


def test_background_polls_do_not_keep_an_idle_staff_session_alive(officer):
    client = staff_client(officer)
    session = client.session
    session[staff_sessions.ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    # Wagtail's editing-session ping (an editor left open) and the certificate status
    # poll, each past the minute after which real activity would be stamped.
    client.post("/admin/editing-sessions/ping/wagtailcore/page/1/1/")
    client.get(reverse("certificates:mine_status"))
    client.get("/manage/learners/", HTTP_X_QADAM_BACKGROUND="1")
    assert client.session[staff_sessions.ACTIVITY_KEY] < time.time() - 28 * 60
    session = client.session
    session[staff_sessions.ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    response = client.post("/admin/editing-sessions/ping/wagtailcore/page/1/1/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert signed_in_user_id(client) is None


# --- The Django admin's session list ------------------------------------------------------


def test_deleting_a_session_in_the_django_admin_ends_it(officer):
    office = staff_client(officer, "10.8.1.1")
    assert office.get("/manage/learners/").status_code == 200
    record = StaffSession.objects.get(user=officer)
    administrator = factories.UserFactory(role="administrator", facility=None)
    admin_client = Client()
    admin_client.force_login(administrator)
    response = admin_client.post(
        f"/django-admin/core/staffsession/{record.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not StaffSession.objects.filter(pk=record.pk).exists()
    assert office.get("/manage/learners/").status_code == 302  # signed out there
    assert AuditEvent.objects.filter(action="session.end", object_id=str(officer.pk)).exists()


def test_deleting_sessions_in_bulk_in_the_django_admin_ends_them(officer, facility_a):
    other = factories.OfficerFactory(facility=facility_a)
    clients = [staff_client(officer, "10.8.1.2"), staff_client(other, "10.8.1.3")]
    administrator = factories.UserFactory(role="administrator", facility=None)
    admin_client = Client()
    admin_client.force_login(administrator)
    response = admin_client.post(
        "/django-admin/core/staffsession/",
        {
            "action": "delete_selected",
            "_selected_action": list(
                StaffSession.objects.exclude(user=administrator).values_list("pk", flat=True)
            ),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    for client in clients:
        assert client.get("/manage/learners/").status_code == 302
    assert AuditEvent.objects.filter(action="session.end").count() == 2


# --- Password reset --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, english",
    [("kk", "Please follow the link below"), ("ru", "Please follow the link below")],
)
def test_a_password_reset_mail_is_in_the_language_it_was_asked_in(language, english):
    factories.UserFactory(role="trainer", facility=None, email="trainer@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/admin/password_reset/", {"email": "trainer@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert english not in message.body
    assert "Your username" not in message.body
    assert message.subject != "Password reset"


def test_the_sign_in_page_links_to_the_password_reset(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("wagtailadmin_password_reset")}"' in html
    assert "Forgot your password?" in html
