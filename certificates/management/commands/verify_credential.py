"""Check a credential file offline: ``verify_credential FILE [--status-list FILE]
[--name "Holder Name"]``. Prints why it fails; exits 1 if it does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from certificates.credentials import credential_check


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential (VC-JWT) offline: signature, dates, status."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--status-list", type=Path, help="the status list (VC-JWT) file")
        parser.add_argument("--name", help="the holder's name, checked against the hash")
        parser.add_argument(
            "--any-issuer",
            action="store_true",
            help="do not require the issuer to be one of this installation's keys",
        )

    def handle(self, *args, file: Path, status_list: Path | None, name, any_issuer, **options):
        try:
            token = file.read_text()
            list_token = status_list.read_text() if status_list else None
        except OSError as error:
            raise CommandError(str(error)) from error
        trusted = None
        if not any_issuer:
            try:
                from certificates.credentials import our_issuer_dids

                trusted = our_issuer_dids()
            except DatabaseError:
                self.stderr.write("No database: the issuer is not checked against our keys.")
        result = credential_check(
            token, status_list_token=list_token, trusted_issuers=trusted, holder_name=name
        )
        for note in result.notes:
            self.stdout.write(f"  {note}")
        if result.ok:
            subject = result.credential.get("name", "")
            self.stdout.write(self.style.SUCCESS(f"VALID: {subject}"))
            if list_token is None:
                self.stdout.write("  (status not checked: pass --status-list FILE)")
            return
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"  {problem}"))
        raise CommandError("INVALID credential")
