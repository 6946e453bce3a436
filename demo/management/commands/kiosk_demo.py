"""Try the kiosk on a development machine: give the demo prisoners a demo PIN and print a
registration code for a kiosk of North Colony (demo). Refused where demo content is not
allowed (production), and touches only demo accounts (``is_demo``)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kiosk.models import format_code
from kiosk.services.devices import registration_code_create
from kiosk.services.pins import kiosk_pin_set
from lms.core.models import Facility, User

DEMO_PIN = "2580"


class Command(BaseCommand):
    help = "Demo PINs for the demo prisoners, and a registration code for a demo kiosk."

    def handle(self, *args, **options):
        if not settings.QADAM_DEMO_ALLOWED:
            raise CommandError("Demo content is not allowed with these settings.")
        admin = User.objects.filter(is_demo=True, role=User.Role.ADMINISTRATOR).first()
        facility = Facility.objects.filter(code="north").first()
        if admin is None or facility is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        for prisoner in User.objects.filter(is_demo=True, role=User.Role.PRISONER_LEARNER):
            kiosk_pin_set(actor=admin, learner=prisoner, pin=DEMO_PIN, must_change=False)
        _row, code = registration_code_create(
            actor=admin, facility=facility, unit=facility.units.first(), device_name="Demo kiosk"
        )
        self.stdout.write(f"Demo prisoners' kiosk PIN: {DEMO_PIN}")
        self.stdout.write(f"Open /kiosk/register/ and type: {format_code(code)}")
