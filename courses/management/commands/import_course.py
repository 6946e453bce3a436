from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from courses.archive import (
    ON_EXISTING_NEW_SLUG,
    ON_EXISTING_REFUSE,
    ArchiveError,
    course_import,
    parent_area,
)
from lms.core.models import User


class Command(BaseCommand):
    help = "Import a course archive (made by export_course) as an unpublished course."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="Archive file")
        parser.add_argument("--area", type=int, required=True, help="Page id of the programme area")
        parser.add_argument(
            "--as-user",
            required=True,
            help="Username of the person importing (needs add rights there)",
        )
        parser.add_argument(
            "--new-slug",
            action="store_true",
            help="If the area already has a page at the course's address, import under the "
            "next free address (slug-2, ...) instead of refusing",
        )

    def handle(
        self, *args: Any, archive: str, area: int, as_user: str, new_slug: bool, **options: Any
    ) -> None:
        actor = User.objects.filter(username=as_user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {as_user!r}.")
        try:
            course = course_import(
                actor=actor,
                archive=Path(archive),
                area=parent_area(area),
                on_existing=ON_EXISTING_NEW_SLUG if new_slug else ON_EXISTING_REFUSE,
            )
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported course {course.pk}: {course.title} (unpublished)")
