"""``python manage.py h5p_libraries [--install PATH ...]``: list the installed H5P
libraries and their versions; with ``--install``, first install or upgrade the libraries
of each package (no content is created).

Runs as the system (no acting user): whoever runs management commands on the server is an
administrator. Exits non-zero with every reason when a package is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from h5p.libraries import h5p_libraries_install
from h5p.models import H5PLibrary
from h5p.validation import PackageRefused


class Command(BaseCommand):
    help = "List installed H5P libraries; --install PATH installs the libraries of a package."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--install", type=Path, action="append", default=[], metavar="PATH",
            help="An .h5p file whose libraries to install or upgrade (may be repeated).",
        )  # fmt: skip

    def handle(self, *args: Any, install: list[Path], **options: Any) -> None:
        for path in install:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                with open(path, "rb") as upload:
                    result = h5p_libraries_install(actor=None, upload=upload)
            except PackageRefused as refused:
                raise CommandError(f"{path}: refused: " + " ".join(refused.reasons)) from None
            for library in result.written:
                self.stdout.write(f"installed {library}")
            for ref in result.unchanged:
                self.stdout.write(f"unchanged {ref}")
            for note in result.notes:
                self.stdout.write(f"note: {note}")
        libraries = H5PLibrary.objects.annotate(used_by=Count("contents"))
        for library in libraries:
            runnable = "content type" if library.runnable else "library"
            self.stdout.write(
                f"{library.machine_name}\t{library.major_version}.{library.minor_version}."
                f"{library.patch_version}\t{runnable}\t{library.used_by} activities"
            )
        if not libraries:
            self.stdout.write("No H5P library is installed.")
