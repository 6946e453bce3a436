from typing import Any

from django.core.management.base import BaseCommand

from courses.review import review_setup_all


class Command(BaseCommand):
    help = (
        "Apply the review workflows and trainers' publish rights to every programme area "
        "and guideline index (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = review_setup_all()
        self.stdout.write(f"Review rules applied to {count} pages.")
