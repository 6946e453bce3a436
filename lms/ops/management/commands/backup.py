from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite) and the media files into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder for the backup file (default: var/backups).",
        )
        parser.add_argument(
            "--media-only",
            action="store_true",
            help="Only the media files (on PostgreSQL, where pg_dump backs up the database).",
        )

    def handle(self, *args, **options):
        try:
            result = backup_create(
                output_dir=Path(options["output_dir"]), media_only=options["media_only"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(result.path))
