from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kiosk.models import Device
from kiosk.services import devices, pins
from tests import factories

PIN = "2580"


@pytest.fixture
def unit_a(facility_a):
    return factories.UnitFactory(facility=facility_a, name="Unit 1")


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(role="administrator", facility=None, username="kioskadmin")


def register_device(actor, facility, unit=None, name="Kiosk 1") -> tuple[Device, str]:
    _row, code = devices.registration_code_create(
        actor=actor, facility=facility, unit=unit, device_name=name
    )
    return devices.device_register(code=code)


@pytest.fixture
def device_a(admin_user, facility_a, unit_a):
    return register_device(admin_user, facility_a, unit_a)


@pytest.fixture
def kiosk_client(device_a):
    """A test client that is the registered kiosk of facility A."""
    client = Client()
    client.cookies[settings.KIOSK_DEVICE_COOKIE] = device_a[1]
    return client


@pytest.fixture
def pin_prisoner(prisoner, admin_user):
    pins.kiosk_pin_set(actor=admin_user, learner=prisoner, pin=PIN, must_change=False)
    return prisoner


def kiosk_sign_in(client, number: str, pin: str = PIN):
    return client.post("/kiosk/", {"prisoner_number": number, "pin": pin})
