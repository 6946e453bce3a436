"""Every change that matters for security is seen at once by another process.

Two web processes are two access memos (``lms.core.access_memo.access_memo``) over one
database. Process B serves a signed-in person and keeps them (and their kiosk, and their
second-factor device); process A makes a change the way the admin screens and services
make it. B's memo is still warm afterwards (nobody could clear it from A), and B's very
next request sees the change all the same, because A replaced the access token in the
change's transaction. Ordinary traffic (signing in and out, a person ending a session of
their own) replaces nothing, so B's memo stays warm through it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiosk.models import Device, token_hash
from kiosk.services import devices, pins
from lms.core import access_memo as access_memo_module
from lms.core import mfa, serving
from lms.core.models import StaffSession, User
from lms.core.services import person_deactivate, person_transfer
from lms.core.serving import VersionedMemo
from lms.core.staff_sessions import staff_session_end
from tests import factories
from tests.kiosk_client import KIOSK_PIN, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

FLOOR = "/learn/bench-signed-in/"  # the bench's floor: the signed-in user, nothing else


class Process:
    """A web process of its own: its own access memo, the same database."""

    def __init__(self) -> None:
        self.memo = VersionedMemo(max_entries=1000)

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        saved = access_memo_module.access_memo
        access_memo_module.access_memo = self.memo
        try:
            yield
        finally:
            access_memo_module.access_memo = saved

    def get(self, client: Client, path: str = FLOOR):
        with self.serving():
            return client.get(path)

    def keeps(self, model, key) -> bool:
        return (model._meta.label, key) in self.memo._items


@pytest.fixture
def admin(db):
    return factories.UserFactory(role="administrator", facility=None, username="two-admin")


def _kiosk_of(client: Client) -> Device:
    return Device.objects.get(
        token_hash=token_hash(client.cookies[settings.KIOSK_DEVICE_COOKIE].value)
    )


def _warm(process: Process, client: Client, person: User) -> None:
    assert process.get(client).status_code == 200
    assert process.get(client).wsgi_request.user.pk == person.pk
    assert process.keeps(User, person.pk)


def _signed_out(response) -> bool:
    return response.status_code in (302, 403) and not response.wsgi_request.user.is_authenticated


def _ended_on_the_kiosk(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/kiosk/")


# --- The list: each change, made in A, seen by B's next request ---------------------------


def _staff_deactivated(admin, person, client):
    person_deactivate(actor=admin, person=person, reason="left")
    return _signed_out


def _staff_role_changed(admin, person, client):
    person.role = User.Role.MONITOR
    person.save()
    return lambda response: response.wsgi_request.user.role == User.Role.MONITOR


def _staff_facility_changed(admin, person, client):
    other = factories.FacilityFactory(code="other", name="Other facility")
    person_transfer(actor=admin, person=person, to_facility=other)
    return lambda response: response.wsgi_request.user.facility_id == other.pk


def _staff_password_changed(admin, person, client):
    person = User.objects.get(pk=person.pk)
    person.set_password("a new and long password 42")
    person.save()
    return _signed_out


def _staff_session_ended_by_an_administrator(admin, person, client):
    staff_session_end(actor=admin, record=StaffSession.objects.get(user=person))
    return _signed_out


STAFF_CHANGES = [
    _staff_deactivated,
    _staff_role_changed,
    _staff_facility_changed,
    _staff_password_changed,
    _staff_session_ended_by_an_administrator,
]


@pytest.mark.parametrize("change", STAFF_CHANGES, ids=lambda change: change.__name__[1:])
def test_a_staff_change_made_in_one_process_is_seen_at_once_in_another(
    change: Callable, admin, staff_member
):
    b = Process()
    client = sign_in(Client(), staff_member)
    _warm(b, client, staff_member)
    before = serving.access_version()
    seen = change(admin, staff_member, client)  # process A: this process's own memo
    assert serving.access_version() != before
    assert b.keeps(User, staff_member.pk)  # B was not told
    assert seen(b.get(client))


def _prisoner_deactivated(admin, person, client):
    person_deactivate(actor=admin, person=person)
    return _ended_on_the_kiosk


def _prisoner_transferred(admin, person, client):
    other = factories.FacilityFactory(code="other", name="Other facility")
    person_transfer(actor=admin, person=person, to_facility=other)
    return lambda response: _ended_on_the_kiosk(response) and "ended=other" in response.url


def _pin_reset_by_an_officer(admin, person, client):
    pins.kiosk_pin_set(actor=admin, learner=person, pin="3691", must_change=True)
    return _loaded_again


def _pin_changed_by_the_prisoner(admin, person, client):
    pins.kiosk_pin_change(actor=User.objects.get(pk=person.pk), pin="3691")
    return _loaded_again


def _kiosk_revoked(admin, person, client):
    devices.device_revoke(actor=admin, device=_kiosk_of(client))
    return lambda response: _ended_on_the_kiosk(response) and response.wsgi_request.kiosk is None


def _kiosk_moved(admin, person, client):
    device = _kiosk_of(client)
    other = factories.FacilityFactory(code="other", name="Other facility")
    devices.device_update(actor=admin, device=device, name=device.name, facility=other, unit=None)
    return lambda response: _ended_on_the_kiosk(response) and "ended=other" in response.url


_loaded_again = object()  # nothing a kiosk page shows changes: B reads person and kiosk again

PRISONER_CHANGES = [
    _prisoner_deactivated,
    _prisoner_transferred,
    _pin_reset_by_an_officer,
    _pin_changed_by_the_prisoner,
    _kiosk_revoked,
    _kiosk_moved,
]


@pytest.mark.parametrize("change", PRISONER_CHANGES, ids=lambda change: change.__name__[1:])
def test_a_kiosk_change_made_in_one_process_is_seen_at_once_in_another(
    change: Callable, admin, prisoner
):
    b = Process()
    client = sign_in(Client(), prisoner)
    _warm(b, client, prisoner)
    device = _kiosk_of(client)
    assert b.keeps(Device, ("token", device.token_hash))
    before = serving.access_version()
    seen = change(admin, prisoner, client)
    assert serving.access_version() != before
    assert b.keeps(User, prisoner.pk) and b.keeps(Device, ("token", device.token_hash))
    if seen is _loaded_again:
        with CaptureQueriesContext(connection) as queries:
            assert b.get(client).status_code == 200
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        assert "core_user" in sql and "kiosk_device" in sql
    else:
        assert seen(b.get(client))


@pytest.mark.parametrize("how", ["reset by an administrator", "removed by the person"])
def test_a_removed_second_factor_is_seen_at_once_in_another_process(how, admin, settings):
    settings.QADAM_MFA_REQUIRED = True
    officer = factories.OfficerFactory()
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = sign_in(Client(), officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    b = Process()
    _warm(b, client, officer)
    assert b.keeps(TOTPDevice, ("otp", device.persistent_id))
    if how == "reset by an administrator":
        mfa.mfa_reset(actor=admin, person=officer)
    else:
        TOTPDevice.objects.get(pk=device.pk).delete()
    assert b.keeps(TOTPDevice, ("otp", device.persistent_id))
    response = b.get(client)
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")


def test_an_added_second_factor_replaces_the_token(staff_member):
    before = serving.access_version()
    TOTPDevice.objects.create(user=staff_member, name="app", confirmed=False)
    assert serving.access_version() != before


# --- Ordinary traffic replaces nothing: B stays warm ------------------------------------


def test_a_kiosk_sign_out_and_sign_in_in_one_process_leave_another_warm(prisoner):
    b = Process()
    client = sign_in(Client(), prisoner)
    _warm(b, client, prisoner)
    before = serving.access_version()
    response = client.post("/kiosk/sign-out/", follow=True)  # A, through the rebind link
    assert response.redirect_chain[0][0].startswith("/kiosk/rebind/")
    sign_in_response = client.post(
        "/kiosk/", {"prisoner_number": prisoner.prisoner_number, "pin": KIOSK_PIN}
    )
    assert sign_in_response.status_code == 302
    assert serving.access_version() == before
    with CaptureQueriesContext(connection) as queries:
        assert b.get(client).wsgi_request.user.pk == prisoner.pk
    # The person from B's memo; only the kiosk's new cookie is looked up.
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "core_user" not in sql and "kiosk_device" in sql


def test_a_person_ending_a_session_of_their_own_signs_it_out_and_replaces_nothing(
    staff_member,
):
    b = Process()
    other_machine = sign_in(Client(), staff_member)
    _warm(b, other_machine, staff_member)
    here = sign_in(Client(), staff_member)
    before = serving.access_version()
    key = other_machine.cookies[settings.SESSION_COOKIE_NAME].value
    staff_session_end(actor=staff_member, record=StaffSession.objects.get(session_key=key))
    assert serving.access_version() == before
    assert _signed_out(b.get(other_machine))  # the session store said so, at once
    assert b.get(here).status_code == 200


# --- Who is a reviewer (must pass a second factor): kept, and every input replaces it ----


def _reviewer_by_membership(person, group, task):
    task.groups.add(group)
    person.groups.add(group)  # the Wagtail user form sets groups after saving the person


def _reviewer_by_task(person, group, task):
    person.groups.add(group)
    task.groups.add(group)


@pytest.mark.parametrize("how", [_reviewer_by_membership, _reviewer_by_task], ids=["joins", "task"])
def test_a_staff_learner_made_a_reviewer_in_one_process_must_pass_a_second_factor_in_another(
    how, settings, staff_member, django_assert_num_queries
):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask

    settings.QADAM_MFA_REQUIRED = True
    b = Process()
    client = sign_in(Client(), staff_member)
    _warm(b, client, staff_member)
    with b.serving(), django_assert_num_queries(2):  # the session, the tokens: no task query
        assert client.get(FLOOR).status_code == 200
    group = Group.objects.create(name="Reviewers of this test")
    task = GroupApprovalTask.objects.create(name="Review of this test")
    assert b.get(client).status_code == 200  # warm again under the new token
    how(User.objects.get(pk=staff_member.pk), group, task)  # process A
    response = b.get(client)
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
