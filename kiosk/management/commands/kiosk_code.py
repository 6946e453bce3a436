"""Print a one-time kiosk registration code (for setting up kiosks from a shell, and for
trying the kiosk on a development machine). The admin screen does the same."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kiosk.models import format_code
from kiosk.services.devices import registration_code_create
from kiosk.services.errors import KioskError
from lms.core.models import Facility, Unit, User


class Command(BaseCommand):
    help = "Create a one-time kiosk registration code for a facility (and unit)."

    def add_arguments(self, parser):
        parser.add_argument("--facility", required=True, help="facility code")
        parser.add_argument("--unit", help="unit name within the facility")
        parser.add_argument("--name", default="Kiosk", help="the kiosk's name")
        parser.add_argument("--by", required=True, help="username of the administrator")

    def handle(self, *args, **options):
        try:
            facility = Facility.objects.get(code=options["facility"])
            unit = (
                Unit.objects.get(facility=facility, name=options["unit"])
                if options["unit"]
                else None
            )
            actor = User.objects.get(username=options["by"], is_active=True)
            _row, code = registration_code_create(
                actor=actor, facility=facility, unit=unit, device_name=options["name"]
            )
        except (Facility.DoesNotExist, Unit.DoesNotExist, User.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        except KioskError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(format_code(code))
