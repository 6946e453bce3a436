"""``manage.py person_erase PUBLIC_ID``: erase a person at the end of retention (their
audit rows stay, under a pseudonym). People are never deleted once they have a history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lms.core.models import User
from lms.core.services import person_erase


class Command(BaseCommand):
    help = "Erase a person (pseudonymise; audit rows are kept)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("public_id")

    def handle(self, *args: Any, public_id: str, **options: Any) -> None:
        person = User.objects.filter(public_id=public_id).first()
        if person is None:
            raise CommandError(f"No person with id {public_id}.")
        pseudonym = person_erase(actor=None, person=person)
        self.stdout.write(f"Erased: the person is now {pseudonym}.")
