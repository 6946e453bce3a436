"""Make the monitoring pack of a date range, for hand-over to the ministry and the donors.

    manage.py report_pack --from 2026-01 --to 2026-06 --by USERNAME [--facility CODE]
        [--language kk|ru|en] [--out FILE.pdf]

The pack is what ``--by`` (a monitor, officer or administrator) may see, suppressed as
every export; it is kept on the reports' pack page and, with ``--out``, written to a file.
Audited like one made on the page."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from lms.core.models import Facility, User
from lms.core.policy import may_see_reports, report_facilities
from reports.packs import PackRefused, pack_make
from reports.periods import parse_month, period_from_query


class Command(BaseCommand):
    help = "Make the monitoring pack (PDF) of a range of months."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
        parser.add_argument("--by", required=True, help="who makes it (their username)")
        parser.add_argument("--facility", default="", help="one facility's code (default: all)")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        parser.add_argument("--out", default="", help="also write the PDF here")

    def handle(self, *args, **options):
        if not (parse_month(options["first"]) and parse_month(options["last"])):
            raise CommandError("Give the months as YYYY-MM.")
        if options["language"] not in dict(settings.LANGUAGES):
            raise CommandError(f"Language is one of {', '.join(dict(settings.LANGUAGES))}.")
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None or not may_see_reports(actor):
            raise CommandError(f"{options['by']} may not read reports.")
        facility = None
        if options["facility"]:
            facility = report_facilities(actor).filter(code=options["facility"]).first()
            if facility is None:
                known = Facility.objects.filter(code=options["facility"]).exists()
                raise CommandError(
                    f"{options['by']} may not see {options['facility']}."
                    if known
                    else f"No facility {options['facility']}."
                )
        query = QueryDict(mutable=True)
        query.update({"from": options["first"], "to": options["last"]})
        period = period_from_query(query)
        try:
            pack = pack_make(
                actor=actor, period=period, facility=facility, language=options["language"]
            )
        except PackRefused as error:
            raise CommandError(f"Refused: {error}") from error
        if options["out"]:
            with pack.pdf.open("rb") as source, open(options["out"], "wb") as out:
                out.write(source.read())
        self.stdout.write(
            f"{pack.pages} pages, {period.first:%Y-%m} to {period.last:%Y-%m}, "
            f"{facility.code if facility else 'all facilities'}, {pack.language}"
            + (f", written to {options['out']}" if options["out"] else "")
        )
