"""Issuer keys: ``credential_key generate`` (first key), ``rotate`` (new key; the old one
is retired but stays listed so what it signed still verifies as ours, and it keeps
signing the status list of what it issued, so its key file must stay), ``list``."""

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import issuer_key_create
from certificates.models import IssuerKey


class Command(BaseCommand):
    help = "Generate, rotate or list the Ed25519 keys that sign certificates' credentials."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "rotate", "list"])

    def handle(self, *args, action: str, **options):
        active = IssuerKey.objects.filter(retired_at__isnull=True).first()
        if action == "list":
            for key in IssuerKey.objects.order_by("created_at"):
                state = "active" if key.retired_at is None else f"retired {key.retired_at:%F}"
                self.stdout.write(
                    f"{key.did}  {key.created_at:%F}  {state}  fingerprint {key.fingerprint}"
                )
            return
        if action == "generate" and active is not None:
            raise CommandError(f"A key is already active ({active.did}); use `rotate`.")
        did = issuer_key_create(retire_current=(action == "rotate"))
        self.stdout.write(self.style.SUCCESS(f"Active issuer key: {did}"))
        if action == "rotate" and active is not None:
            self.stdout.write(f"Retired (still trusted for what it signed): {active.did}")
        self.stdout.write("Back up CREDENTIAL_KEY_DIR: without the key file nothing new is signed.")
