"""``manage.py import_people FILE --by USERNAME [--apply]``: the people import from the
command line. Without ``--apply`` it only shows what would change (and the refused rows);
with it, applies the whole file or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.core.models import User
from training import importing


class Command(BaseCommand):
    help = "Import staff or prisoners from a CSV or XLSX file (all or nothing per file)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--by", required=True, help="the administrator doing it")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["by"]).first()
        if actor is None or not actor.is_administrator:
            raise CommandError("--by must name an administrator.")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
            if options["apply"]:
                result = importing.people_import_apply(actor=actor, data=data, filename=path.name)
            else:
                result = importing.plan(importing.read_rows(data, path.name))
        except (OSError, importing.ImportError_) as error:
            raise CommandError(str(error)) from error
        for row in result.refused:
            self.stdout.write(
                f"refused line {row.line} ({row.number or '-'}): {' '.join(row.errors)}"
            )
        counts = {a: result.count(a) for a in ("create", "update", "unchanged")}
        self.stdout.write(
            f"{counts['create']} new, {counts['update']} changed, {counts['unchanged']} unchanged, "
            f"{len(result.refused)} refused"
        )
        if result.refused:
            raise CommandError(
                "Nothing imported: correct the refused rows."
                if options["apply"]
                else "Refused rows."
            )
        self.stdout.write(
            "Applied." if options["apply"] else "Nothing changed (preview; --apply to import)."
        )
