"""The signed-in floor: people and kiosks kept per process under the access version.

Every test warms this process's memo with a signed-in request, then changes the database
the way another process would (a service, or a ``QuerySet.update()`` with the token
replaced, as a service in another process does), checks that the warm entries are still
in this process's memo (nothing cleared it from here), and that the very next request
sees the change all the same.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kiosk.models import Device, token_hash
from kiosk.services import devices, pins
from lms.core import serving
from lms.core.access_memo import access_memo
from lms.core.models import StaffSession, User
from lms.core.services import person_deactivate, person_transfer
from lms.core.staff_sessions import staff_session_end
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

FLOOR = "/learn/bench-signed-in/"  # the bench's floor: the signed-in user, nothing else


@pytest.fixture
def admin(db):
    return factories.UserFactory(role="administrator", facility=None, username="floor-admin")


def _kept(model, key) -> bool:
    """Whether this process's memo holds ``key`` under the token it last saw."""
    return (model._meta.label, key) in access_memo._items


def _warm(client: Client, user: User) -> None:
    assert client.get(FLOOR).status_code == 200
    assert client.get(FLOOR).wsgi_request.user.pk == user.pk
    assert _kept(User, user.pk)


def _kiosk(client: Client) -> Device:
    return Device.objects.get(
        token_hash=token_hash(client.cookies[settings.KIOSK_DEVICE_COOKIE].value)
    )


def _signed_out(response) -> bool:
    return response.status_code in (302, 403) and not response.wsgi_request.user.is_authenticated


# --- People ---------------------------------------------------------------------------


def test_a_deactivated_person_is_signed_out_at_their_next_request(admin, staff_member):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    person_deactivate(actor=admin, person=staff_member, reason="left")
    assert _kept(User, staff_member.pk)  # this process was not told: only the token changed
    assert _signed_out(client.get(FLOOR))


def test_a_person_deactivated_by_another_process_is_signed_out_here(staff_member):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    # Another process: the row changes and the token is replaced; this memo stays warm.
    User.objects.filter(pk=staff_member.pk).update(is_active=False)
    serving.access_version_bump()
    assert _kept(User, staff_member.pk)
    assert _signed_out(client.get(FLOOR))


def test_a_deactivated_prisoner_is_signed_out_of_the_kiosk_at_once(admin, prisoner):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    device = _kiosk(client)
    assert _kept(Device, ("token", device.token_hash))
    person_deactivate(actor=admin, person=prisoner)
    response = client.get(FLOOR)
    assert response.status_code == 302 and "/kiosk/" in response.url
    assert client.get(FLOOR).wsgi_request.user.is_authenticated is False


def test_a_changed_role_is_seen_at_the_next_request(staff_member):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    staff_member.role = User.Role.MONITOR
    staff_member.save()
    assert client.get(FLOOR).wsgi_request.user.role == User.Role.MONITOR


def test_a_change_saved_in_another_client_is_seen_by_this_one(admin, staff_member):
    """Two clients, as two people on two machines: one person's role is changed by the
    administrator's request, the other client sees it on its next request."""
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    User.objects.filter(pk=staff_member.pk).update(role=User.Role.MONITOR)
    other = sign_in(Client(), admin)
    assert other.get(FLOOR).status_code == 200
    # The administrator's process saved the person through the model (signals bump).
    User.objects.get(pk=staff_member.pk).save(update_fields=["role"])
    assert client.get(FLOOR).wsgi_request.user.role == User.Role.MONITOR


def test_a_transferred_prisoner_is_signed_out_of_the_old_facilitys_kiosk(
    admin, prisoner, facility_b
):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    person_transfer(actor=admin, person=prisoner, to_facility=facility_b)
    response = client.get(FLOOR)
    assert response.status_code == 302 and "ended=other" in response.url


def test_a_changed_unit_is_seen_at_the_next_request(admin, prisoner, facility_a):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    unit = factories.UnitFactory(facility=facility_a, name="Unit 9")
    person_transfer(actor=admin, person=prisoner, to_facility=facility_a, to_unit=unit)
    assert client.get(FLOOR).wsgi_request.user.unit_id == unit.pk


def test_a_changed_password_signs_other_sessions_out(staff_member):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    person = User.objects.get(pk=staff_member.pk)
    person.set_password("a new and long password 42")
    person.save()
    assert _signed_out(client.get(FLOOR))


def test_a_changed_pin_replaces_the_token_and_the_person_is_loaded_again(admin, prisoner):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    before = serving.access_version()
    pins.kiosk_pin_set(actor=admin, learner=prisoner, pin="3691", must_change=True)
    assert serving.access_version() != before
    with CaptureQueriesContext(connection) as queries:
        assert client.get(FLOOR).status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "core_user" in tables and "kiosk_device" in tables  # from the database again


def test_a_pin_changed_by_the_prisoner_replaces_the_token(prisoner):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    before = serving.access_version()
    pins.kiosk_pin_change(actor=prisoner, pin="3691")
    assert serving.access_version() != before


def _sign_out_as_a_kiosk_does(client: Client):
    """Sign out and follow what the browser follows: the rebind link gives the kiosk a
    new cookie (Clear-Site-Data, which the test client ignores, cleared the old one)."""
    old = client.cookies[settings.KIOSK_DEVICE_COOKIE].value
    response = client.post("/kiosk/sign-out/", follow=True)
    assert [url for url, _status in response.redirect_chain][0].startswith("/kiosk/rebind/")
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert client.cookies[settings.KIOSK_DEVICE_COOKIE].value != old  # rebound
    return old


def test_an_ordinary_kiosk_sign_out_keeps_the_token_and_the_memo_warm(prisoner):
    """Sign-in stamps (last_login, the PIN's and the kiosk's last use), the sign-out's
    rebind link and the rebind itself (a new cookie) change nothing about who may be
    signed in: no process's memo is emptied by the many sign-outs of a busy morning."""
    client = sign_in(Client(), prisoner)  # sets the PIN: a new token
    _warm(client, prisoner)
    before = serving.access_version()
    _sign_out_as_a_kiosk_does(client)
    assert serving.access_version() == before
    response = client.post("/kiosk/", {"prisoner_number": prisoner.prisoner_number, "pin": "2580"})
    assert response.status_code == 302 and response.url.startswith("/learn/")
    assert serving.access_version() == before
    assert _kept(User, prisoner.pk)  # still warm: the person costs no query
    with CaptureQueriesContext(connection) as queries:
        assert client.get(FLOOR).wsgi_request.user.pk == prisoner.pk
    assert "core_user" not in " ".join(query["sql"] for query in queries.captured_queries)


# --- Kiosks ---------------------------------------------------------------------------


def test_a_revoked_kiosk_ends_its_session_at_its_next_request(admin, prisoner):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    device = _kiosk(client)
    devices.device_revoke(actor=admin, device=device)
    assert _kept(Device, ("token", device.token_hash))
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response.wsgi_request.kiosk is None
    assert client.get(FLOOR).wsgi_request.user.is_authenticated is False


def test_a_kiosk_revoked_by_another_process_is_refused_here(prisoner):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    device = _kiosk(client)
    Device.objects.filter(pk=device.pk).update(revoked_at="2026-01-01T00:00:00Z")
    serving.access_version_bump()
    assert client.get(FLOOR).wsgi_request.kiosk is None


def test_a_kiosk_moved_to_another_facility_signs_its_prisoner_out(admin, prisoner, facility_b):
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    device = _kiosk(client)
    devices.device_update(
        actor=admin, device=device, name=device.name, facility=facility_b, unit=None
    )
    response = client.get(FLOOR)
    assert response.status_code == 302 and "ended=other" in response.url


def _with_cookie(token: str, session: str | None = None) -> Client:
    other = Client()
    other.cookies[settings.KIOSK_DEVICE_COOKIE] = token
    if session:
        other.cookies[settings.SESSION_COOKIE_NAME] = session
    return other


def test_a_rebound_kiosks_old_cookie_signs_nobody_in(prisoner):
    """The rebind does not replace the token, so this process still knows the old cookie
    (a copy of it, warmed before the sign-out): it opens the sign-in form, and no more.
    Signing in checks the cookie in the database."""
    client = sign_in(Client(), prisoner)
    old = client.cookies[settings.KIOSK_DEVICE_COOKIE].value
    copied = _with_cookie(old)
    assert copied.get("/kiosk/").wsgi_request.kiosk is not None  # warm for the copy too
    _sign_out_as_a_kiosk_does(client)
    assert _kept(Device, ("token", token_hash(old)))  # this process still knows it
    response = copied.post("/kiosk/", {"prisoner_number": prisoner.prisoner_number, "pin": "2580"})
    assert response.status_code == 403
    assert "This screen opens only on a kiosk" in response.content.decode()
    assert not copied.get(FLOOR).wsgi_request.user.is_authenticated
    # The kiosk itself, on its new cookie, signs in as ever.
    response = client.post("/kiosk/", {"prisoner_number": prisoner.prisoner_number, "pin": "2580"})
    assert response.status_code == 302 and response.url.startswith("/learn/")


def test_a_rebound_kiosks_old_cookie_wins_no_new_cookie(prisoner):
    """Signing out on the old cookie hands out no rebind link (else it would win a fresh
    cookie, and rebind the real kiosk out of its own)."""
    client = sign_in(Client(), prisoner)
    copied = _with_cookie(client.cookies[settings.KIOSK_DEVICE_COOKIE].value)
    copied.get("/kiosk/")
    _sign_out_as_a_kiosk_does(client)
    device = _kiosk(client)
    response = copied.post("/kiosk/sign-out/")
    assert response.status_code == 302 and response.url == "/kiosk/"
    assert Device.objects.get(pk=device.pk).rebind_hash == ""
    assert _kiosk(client).pk == device.pk  # the kiosk's own cookie still works


def test_a_session_is_bound_to_the_cookie_it_was_signed_in_with(prisoner):
    """A session signed in on the kiosk's new cookie, seen with its old one (copied
    before the sign-out), is ended at once."""
    client = sign_in(Client(), prisoner)
    old = client.cookies[settings.KIOSK_DEVICE_COOKIE].value
    _with_cookie(old).get("/kiosk/")  # this process knows the old cookie
    _sign_out_as_a_kiosk_does(client)
    client.post("/kiosk/", {"prisoner_number": prisoner.prisoner_number, "pin": "2580"})
    assert client.get(FLOOR).status_code == 200
    stolen = _with_cookie(old, client.cookies[settings.SESSION_COOKIE_NAME].value)
    response = stolen.get(FLOOR)
    assert response.status_code == 302 and "ended=other" in response.url
    assert not stolen.get(FLOOR).wsgi_request.user.is_authenticated


# --- Staff sessions ---------------------------------------------------------------------


def test_a_staff_session_ended_by_an_administrator_is_signed_out_at_once(admin, staff_member):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    before = serving.access_version()
    record = StaffSession.objects.get(user=staff_member)
    staff_session_end(actor=admin, record=record)
    assert serving.access_version() != before
    assert _signed_out(client.get(FLOOR))


# --- What the floor costs -----------------------------------------------------------------


def test_a_warm_kiosk_floor_reads_the_session_and_the_tokens_only(
    prisoner, django_assert_num_queries
):
    """Before: the session, the user and the kiosk device (3 queries). Now: the session
    and both version tokens in one query; user and kiosk come from this process's memo."""
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    with django_assert_num_queries(2) as queries:
        assert client.get(FLOOR).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_session" in sql and "core_contentversion" in sql
    assert "core_user" not in sql and "kiosk_device" not in sql


def test_a_cold_kiosk_floor_loads_the_person_and_the_kiosk(prisoner, monkeypatch):
    """With nothing kept (memo of size 0), the floor pays what it paid before, plus the
    token: the deny-by-default path is the old one."""
    client = sign_in(Client(), prisoner)
    _warm(client, prisoner)
    monkeypatch.setattr(access_memo, "max_entries", 0)
    serving.access_version_bump()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(FLOOR).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert len(queries) == 4 and "core_user" in sql and "kiosk_device" in sql


def test_a_warm_staff_floor_reads_the_session_and_the_tokens_only(
    staff_member, django_assert_num_queries
):
    client = sign_in(Client(), staff_member)
    _warm(client, staff_member)
    with django_assert_num_queries(2) as queries:
        assert client.get(FLOOR).status_code == 200
    assert "core_user" not in " ".join(query["sql"] for query in queries.captured_queries)


def test_every_request_gets_its_own_user_instance(staff_member):
    """django-otp sets the verified device on ``request.user``: one session's second
    factor must never be another's, so the memo hands out new instances."""
    client = sign_in(Client(), staff_member)
    first = client.get(FLOOR).wsgi_request.user
    second = client.get(FLOOR).wsgi_request.user
    assert first is not second and first.pk == second.pk


def test_unknown_kiosk_tokens_are_never_kept(db):
    client = Client()
    client.cookies[settings.KIOSK_DEVICE_COOKIE] = "guessed" * 8
    client.get("/kiosk/")
    assert not any(key[0] == Device._meta.label for key in access_memo._items)


def test_a_warm_verified_staff_floor_does_not_ask_for_the_second_factor_device(
    settings, django_assert_num_queries
):
    """django-otp asked the database for the session's verified device on every staff
    request (3 queries); the device is kept like the person (2: the session, the tokens)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.QADAM_MFA_REQUIRED = True
    officer = factories.OfficerFactory()
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = sign_in(Client(), officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    _warm(client, officer)
    with django_assert_num_queries(2) as queries:
        response = client.get(FLOOR)
    assert response.status_code == 200 and response.wsgi_request.user.is_verified()
    assert "otp_totp" not in " ".join(query["sql"] for query in queries.captured_queries)
