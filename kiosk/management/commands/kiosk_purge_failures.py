"""Delete failed kiosk sign-ins past retention by hand (beat does it daily). The same
service as the periodic task, so the same rules: never inside the lockout window, one
audit event per kiosk, nothing written when there is nothing to delete."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kiosk.models import SignInFailure
from kiosk.services.retention import sign_in_failures_cutoff, sign_in_failures_purge
from lms.core.models import User


class Command(BaseCommand):
    help = "Delete failed kiosk sign-ins older than KIOSK_FAILURE_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help=f"keep this many days instead (default {settings.KIOSK_FAILURE_RETENTION_DAYS})",
        )
        parser.add_argument(
            "--by", help="username of the operator, for the audit trail (default: system)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be deleted"
        )

    def handle(self, *args, **options):
        try:
            cutoff = sign_in_failures_cutoff(retention_days=options["days"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["dry_run"]:
            count = SignInFailure.objects.filter(at__lt=cutoff).count()
            self.stdout.write(
                f"{count} failed kiosk sign-in(s) before {cutoff:%Y-%m-%d %H:%M} would be deleted."
            )
            return
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {options['by']!r}.")
        deleted = sign_in_failures_purge(actor=actor, retention_days=options["days"])
        self.stdout.write(
            f"Deleted {deleted} failed kiosk sign-in(s) before {cutoff:%Y-%m-%d %H:%M}."
        )
