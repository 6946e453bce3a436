from django.core.management.base import BaseCommand

from courses.time_reports import time_reports_purge


class Command(BaseCommand):
    help = (
        "Delete raw lesson time reports older than LESSON_TIME_REPORT_DAYS (beat does it "
        "daily); the time they credited stays in learners' progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep this many days instead")

    def handle(self, *args, **options):
        deleted = time_reports_purge(retention_days=options["days"])
        self.stdout.write(f"Deleted {deleted} lesson time reports.")
