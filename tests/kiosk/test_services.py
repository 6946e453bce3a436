"""Kiosk services: registration codes, devices, PINs and sign-in with lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kiosk import selectors
from kiosk.models import Device, KioskCredential, RegistrationCode, SignInFailure, format_code
from kiosk.services import authentication, devices, errors, pins
from lms.core.models import AuditEvent
from lms.core.services import person_transfer
from tests import factories

from .conftest import PIN, register_device

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_a_registration_code_works_once_and_is_stored_only_hashed(admin_user, facility_a):
    row, code = devices.registration_code_create(
        actor=admin_user, facility=facility_a, unit=None, device_name="Block 3 kiosk"
    )
    assert code not in row.code_hash and len(code) == 12
    device, token = devices.device_register(code=format_code(code).lower())
    assert device.facility == facility_a and device.name == "Block 3 kiosk"
    assert token not in device.token_hash and len(token) >= 60
    assert selectors.device_from_token(token) == device
    with pytest.raises(errors.NotAllowed):
        devices.device_register(code=code)
    assert AuditEvent.objects.filter(action="kiosk.register", actor=admin_user).exists()


def test_an_expired_or_unknown_code_is_refused(admin_user, facility_a):
    row, code = devices.registration_code_create(
        actor=admin_user, facility=facility_a, unit=None, device_name="K"
    )
    RegistrationCode.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    for attempt in (code, "AAAA-BBBB-CCCC", ""):
        with pytest.raises(errors.NotAllowed):
            devices.device_register(code=attempt)
    assert not Device.objects.exists()


def test_officers_register_and_revoke_kiosks_only_of_their_facilities(
    officer, facility_a, facility_b, admin_user
):
    devices.registration_code_create(actor=officer, facility=facility_a, unit=None, device_name="A")
    with pytest.raises(errors.NotAllowed):
        devices.registration_code_create(
            actor=officer, facility=facility_b, unit=None, device_name="B"
        )
    device_b, _token = register_device(admin_user, facility_b)
    with pytest.raises(errors.NotAllowed):
        devices.device_revoke(actor=officer, device=device_b)
    learner = factories.UserFactory(facility=facility_a)
    with pytest.raises(errors.NotAllowed):
        devices.registration_code_create(
            actor=learner, facility=facility_a, unit=None, device_name="X"
        )


def test_a_revoked_device_is_no_longer_recognised(admin_user, facility_a):
    device, token = register_device(admin_user, facility_a)
    devices.device_revoke(actor=admin_user, device=device)
    assert selectors.device_from_token(token) is None
    assert AuditEvent.objects.filter(action="kiosk.revoke").count() == 1


def test_a_unit_of_another_facility_is_refused(admin_user, facility_a, facility_b):
    unit_b = factories.UnitFactory(facility=facility_b)
    with pytest.raises(errors.NotAllowed):
        devices.registration_code_create(
            actor=admin_user, facility=facility_a, unit=unit_b, device_name="K"
        )


@pytest.mark.parametrize("pin", ["12a4", "123", "123456789", "1111", "1234", "9876", "٣٤٥٦"])
def test_weak_or_malformed_pins_are_refused(pin):
    assert pins.pin_problem(pin) is not None


def test_an_officer_sets_a_pin_hashed_and_audited_without_the_pin(officer, prisoner):
    pins.kiosk_pin_set(actor=officer, learner=prisoner, pin="2580")
    credential = KioskCredential.objects.get(user=prisoner)
    assert "2580" not in credential.pin_hash and credential.must_change
    event = AuditEvent.objects.get(action="kiosk.pin_set")
    assert "2580" not in str(event.after) and event.actor == officer


def test_an_officer_cannot_set_the_pin_of_another_facilitys_prisoner(officer, facility_b):
    stranger = factories.PrisonerFactory(facility=facility_b)
    with pytest.raises(errors.NotAllowed):
        pins.kiosk_pin_set(actor=officer, learner=stranger, pin="2580")
    staff = factories.UserFactory(facility=officer.facility)
    with pytest.raises(errors.NotAllowed):
        pins.kiosk_pin_set(actor=officer, learner=staff, pin="2580")


def test_sign_in_checks_number_and_pin_and_says_the_same_for_both(device_a, pin_prisoner):
    device, _token = device_a
    result = authentication.kiosk_sign_in(
        device=device, prisoner_number=pin_prisoner.prisoner_number.lower(), pin=PIN
    )
    assert result.user == pin_prisoner and not result.must_change_pin
    messages = set()
    for number, pin in ((pin_prisoner.prisoner_number, "0000"), ("NOBODY-1", PIN)):
        with pytest.raises(errors.WrongCredentials) as error:
            authentication.kiosk_sign_in(device=device, prisoner_number=number, pin=pin)
        messages.add(str(error.value))
    assert len(messages) == 1
    assert SignInFailure.objects.count() == 2


def test_five_wrong_pins_lock_the_number_and_say_for_how_long(device_a, pin_prisoner):
    device, _token = device_a
    number = pin_prisoner.prisoner_number
    for _attempt in range(4):
        with pytest.raises(errors.WrongCredentials):
            authentication.kiosk_sign_in(device=device, prisoner_number=number, pin="0000")
    with pytest.raises(errors.LockedOut) as error:
        authentication.kiosk_sign_in(device=device, prisoner_number=number, pin="0000")
    assert "15 minutes" in str(error.value)
    # Even the right PIN waits, and the wait is not extended by further tries.
    with pytest.raises(errors.LockedOut):
        authentication.kiosk_sign_in(device=device, prisoner_number=number, pin=PIN)
    assert SignInFailure.objects.count() == 5
    # When the window has passed, the right PIN works again.
    SignInFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert authentication.kiosk_sign_in(device=device, prisoner_number=number, pin=PIN).user == (
        pin_prisoner
    )


def test_many_wrong_tries_for_different_numbers_lock_the_device(device_a, settings):
    settings.KIOSK_LOCKOUT_DEVICE_FAILURES = 3
    device, _token = device_a
    for number in ("A-1", "A-2"):
        with pytest.raises(errors.WrongCredentials):
            authentication.kiosk_sign_in(device=device, prisoner_number=number, pin="0000")
    with pytest.raises(errors.LockedOut):
        authentication.kiosk_sign_in(device=device, prisoner_number="A-3", pin="0000")


def test_a_prisoner_of_another_facility_is_refused_even_with_the_right_pin(
    device_a, admin_user, facility_b
):
    stranger = factories.PrisonerFactory(facility=facility_b)
    pins.kiosk_pin_set(actor=admin_user, learner=stranger, pin=PIN, must_change=False)
    with pytest.raises(errors.WrongFacility):
        authentication.kiosk_sign_in(
            device=device_a[0], prisoner_number=stranger.prisoner_number, pin=PIN
        )
    assert AuditEvent.objects.filter(action="kiosk.sign_in_refused").exists()


def test_a_transferred_prisoner_signs_in_only_at_the_new_facility(
    device_a, pin_prisoner, admin_user, facility_b
):
    device_b, _token = register_device(admin_user, facility_b, name="B kiosk")
    person_transfer(actor=admin_user, person=pin_prisoner, to_facility=facility_b)
    with pytest.raises(errors.WrongFacility):
        authentication.kiosk_sign_in(
            device=device_a[0], prisoner_number=pin_prisoner.prisoner_number, pin=PIN
        )
    result = authentication.kiosk_sign_in(
        device=device_b, prisoner_number=pin_prisoner.prisoner_number, pin=PIN
    )
    assert result.user == pin_prisoner


def test_the_first_pin_change_refuses_the_given_pin(pin_prisoner):
    with pytest.raises(errors.NotAllowed):
        pins.kiosk_pin_change(actor=pin_prisoner, pin=PIN)
    pins.kiosk_pin_change(actor=pin_prisoner, pin="7391")
    credential = KioskCredential.objects.get(user=pin_prisoner)
    assert not credential.must_change


def test_a_rebind_token_works_once_and_replaces_the_device_token(device_a):
    device, old = device_a
    token = devices.device_rebind_issue(device=device)
    result = devices.device_rebind(device_id=str(device.pk), token=token)
    assert result is not None
    _device, new = result
    assert selectors.device_from_token(new) == device
    assert selectors.device_from_token(old) is None
    assert devices.device_rebind(device_id=str(device.pk), token=token) is None


def test_the_kiosk_code_command_prints_a_working_code(admin_user, facility_a, officer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("kiosk_code", facility="a", name="Shell kiosk", by=admin_user.username, stdout=out)
    device, _token = devices.device_register(code=out.getvalue().strip())
    assert device.name == "Shell kiosk"
    staff = factories.UserFactory(facility=facility_a)
    with pytest.raises(CommandError):
        call_command("kiosk_code", facility="a", by=staff.username, stdout=StringIO())
