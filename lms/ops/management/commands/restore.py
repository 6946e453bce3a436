from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.ops.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database (SQLite) and the media files with a backup made by `backup`. "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .tar.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts, tests)."
        )

    def handle(self, *args, **options):
        path = Path(options["backup"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            manifest = backup_read_manifest(path)
            if not options["yes"]:
                answer = input(
                    f"Replace the database and media with the backup of "
                    f"{manifest['created_at']}? Type 'yes': "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
