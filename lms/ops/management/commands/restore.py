from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lms.ops.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database (SQLite) and the media files with a backup made by `backup`, "
        "then apply the migrations the backup lacks. Refuses a newer version's backup. "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .tar.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts, tests)."
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Restore an older version's backup without migrating it (run `migrate` "
            "yourself before starting the site).",
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
            result = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
        pending = result.pending_migrations
        if not pending:
            return
        if options["no_migrate"]:
            self.stdout.write(
                f"The backup is from an older version: {len(pending)} migration(s) are not "
                "applied. Run `manage.py migrate` before starting the site."
            )
            return
        self.stdout.write(
            f"The backup is from an older version: applying {len(pending)} migration(s)."
        )
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as error:
            raise CommandError(
                f"The backup was restored but `migrate` failed: {error}. The site must not "
                "start on this database: fix the cause and run `manage.py migrate`, or "
                "restore the backup again."
            ) from error
        self.stdout.write("Migrated: the database now matches this version.")
