from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from courses.archive import course_export
from courses.models import CoursePage
from lms.core.models import User


class Command(BaseCommand):
    help = "Write a course (all languages, media included) to an archive file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("course_id", type=int, help="Page id of the course")
        parser.add_argument("-o", "--output", help="Archive file (default: <slug>.qadam.zip)")
        parser.add_argument("--as-user", default=None, help="Username recorded in the audit trail")

    def handle(
        self, *args: Any, course_id: int, output: str | None, as_user: str | None, **options: Any
    ) -> None:
        course = CoursePage.objects.filter(pk=course_id).first()
        if course is None:
            raise CommandError(f"No course with id {course_id}.")
        actor = User.objects.filter(username=as_user).first() if as_user else None
        path = Path(output or f"{course.slug}.qadam.zip")
        path.write_bytes(course_export(actor=actor, course=course))
        self.stdout.write(str(path))
