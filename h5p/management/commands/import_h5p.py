"""``python manage.py import_h5p PATH [--title ...]``: import one .h5p package.

Prints the new content's id; exits non-zero with every reason when the package is refused.
Runs as the system (no acting user), so it may install library code: whoever runs
management commands on the server is an administrator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from h5p.importer import h5p_content_import
from h5p.validation import PackageRefused


class Command(BaseCommand):
    help = "Import an H5P package (.h5p) and print the new content's id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", default="")
        parser.add_argument(
            "--allow-internet",
            default="",
            metavar="REASON",
            help="Import content that loads from the internet, for this reason.",
        )

    def handle(
        self, *args: Any, path: Path, title: str, allow_internet: str, **options: Any
    ) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with open(path, "rb") as upload:
                content = h5p_content_import(
                    actor=None, upload=upload, title=title, internet_reason=allow_internet
                )
        except PackageRefused as refused:
            raise CommandError("Refused: " + " ".join(refused.reasons)) from None
        self.stdout.write(str(content.pk))
