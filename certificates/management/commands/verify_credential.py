"""Check a credential file offline (VC-JWT or JSON-LD with its Data Integrity proof):
``verify_credential FILE [--status-list FILE] [--name "Holder Name"]``. The verdict is
VALID (exit 0), INVALID with every reason (exit 1), or STATUS NOT CHECKED when no status
list was given (exit 2): a credential is not valid until someone asked whether it was
revoked. A status list past its ``validUntil`` is refused (fetch it again)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from certificates.credentials import credential_check


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential offline: proof, issuer, dates, status."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--status-list",
            type=Path,
            help="the status list file (VC-JWT or JSON-LD), as served now",
        )
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
        subject = result.credential.get("name", "")
        if result.verdict == "VALID":
            self.stdout.write(self.style.SUCCESS(f"VALID: {subject}"))
            return
        if result.verdict == "STATUS NOT CHECKED":
            self.stdout.write(
                self.style.WARNING(
                    f"STATUS NOT CHECKED: {subject}: proof, issuer and dates are good; "
                    "whether it was revoked is not known (pass --status-list FILE)"
                )
            )
            raise CommandError("status not checked", returncode=2)
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"  {problem}"))
        raise CommandError("INVALID credential")
