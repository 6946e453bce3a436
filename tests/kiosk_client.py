"""Signing a test client in the way people really sign in.

Prisoners browse only on a registered kiosk of their facility (the kiosk middleware ends
any other prisoner session), so ``sign_in`` makes the client a kiosk: it registers a
device for the prisoner's facility, sets a PIN and signs in through ``/kiosk/`` exactly
as a person does. Staff are signed in with ``force_login``.
"""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from kiosk.services import devices, pins
from lms.core.models import User

KIOSK_PIN = "2580"


def _kiosk_actor() -> User:
    actor, _created = User.objects.get_or_create(
        username="test-kiosk-administrator", defaults={"role": User.Role.ADMINISTRATOR}
    )
    return actor


def make_kiosk(client: Client, facility) -> None:
    """Turn ``client`` into a registered kiosk of ``facility``."""
    _row, code = devices.registration_code_create(
        actor=_kiosk_actor(), facility=facility, unit=None, device_name="Test kiosk"
    )
    _device, token = devices.device_register(code=code)
    client.cookies[settings.KIOSK_DEVICE_COOKIE] = token


def sign_in(client: Client, user: User) -> Client:
    """Sign ``client`` in as ``user``: prisoners on a kiosk of their facility with their
    number and PIN, staff by ``force_login``. Returns the client."""
    if not user.is_prisoner:
        client.cookies.pop(settings.KIOSK_DEVICE_COOKIE, None)  # off the kiosk again
        client.force_login(user)
        return client
    client.logout()  # whoever was signed in before, and their kiosk
    # Signed in by a client of its own (whatever CSRF checks ``client`` enforces), whose
    # cookies (device and session) ``client`` then takes.
    kiosk = Client()
    make_kiosk(kiosk, user.facility)
    pins.kiosk_pin_set(actor=_kiosk_actor(), learner=user, pin=KIOSK_PIN, must_change=False)
    response = kiosk.post("/kiosk/", {"prisoner_number": user.prisoner_number, "pin": KIOSK_PIN})
    assert response.status_code == 302 and response.url.startswith("/learn/"), (
        f"kiosk sign-in of {user} failed: {response.status_code}"
    )
    client.cookies.update(kiosk.cookies)
    return client
