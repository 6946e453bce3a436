"""``python manage.py seed_demo``: demo facilities, people and content. Idempotent. Pages
under a review workflow (faith-based, staff content) are published through it, approved by
the demo reviewers.

Refused where ``QADAM_DEMO_ALLOWED`` is False (production settings). ``--disable``
switches every demo account off (no password, inactive) and creates nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from courses.media_files import store_file_metadata
from courses.models import CatalogueIndexPage, CoursePage, LessonPage, ProgrammeAreaPage
from courses.review import review_setup_all
from demo.content import (
    AREAS,
    CATALOGUE,
    COURSES,
    EXTRA_BLOCKS,
    GUIDELINE,
    GUIDELINE_INDEX,
)
from guidelines.models import GuidelineIndexPage, GuidelinePage
from lms.core.models import Facility, Unit, User

DEMO_PASSWORD = "qadam-demo"  # noqa: S105 - printed in the README on purpose
LANGUAGES = ("en", "kk", "ru")

FACILITIES = [
    ("north", "North Colony (demo)", "Pavlodar region", ["Unit A", "Unit B"]),
    ("south", "South Colony (demo)", "Almaty region", ["Unit 1"]),
]

# username, role, first, last, facility code, unit, extra
PEOPLE: list[tuple[str, str, str, str, str | None, str | None, dict[str, Any]]] = [
    ("admin", User.Role.ADMINISTRATOR, "Aigerim", "Admin", None, None, {}),
    ("trainer", User.Role.TRAINER, "Timur", "Trainer", None, None, {}),
    (
        "officer",
        User.Role.EDUCATION_OFFICER,
        "Olga",
        "Officer",
        "north",
        None,
        {"manages": ["north"]},
    ),
    ("staff", User.Role.STAFF_LEARNER, "Serik", "Staffmember", "north", None, {}),
    ("monitor", User.Role.MONITOR, "Maria", "Monitor", None, None, {}),
    (
        "theologian",
        User.Role.TRAINER,
        "Daulet",
        "Theologian",
        None,
        None,
        {"groups": ["Theological rehabilitation reviewers"]},
    ),
    (
        "lawyer",
        User.Role.TRAINER,
        "Lyazzat",
        "Lawyer",
        None,
        None,
        {"groups": ["Human-rights and legal reviewers", "Staff content approvers"]},
    ),
    ("N-100001", User.Role.PRISONER_LEARNER, "Nurlan", "Learner", "north", "Unit A", {}),
    ("S-200001", User.Role.PRISONER_LEARNER, "Sergei", "Learner", "south", "Unit 1", {}),
]


DEMO_POSITIONS = [
    ("officer", "Officer"),
    ("guard", "Guard"),
    ("psychologist", "Psychologist"),
    ("theologian", "Theologian"),
    ("medical", "Medical staff"),
    ("education", "Education staff"),
    ("management", "Management"),
]

DEMO_STAFF_POSITIONS = [
    ("staff", "guard"),
    ("officer", "education"),
    ("lawyer", "management"),
    ("theologian", "theologian"),
    ("trainer", "education"),
]


class Command(BaseCommand):
    help = "Load demo facilities, accounts, courses and a guideline (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--disable", action="store_true", help="Switch every demo account off and exit."
        )

    def handle(self, *args: Any, disable: bool = False, **options: Any) -> None:
        if not settings.QADAM_DEMO_ALLOWED:
            raise CommandError("seed_demo is refused with production settings.")
        if disable:
            count = 0
            for user in User.objects.filter(is_demo=True):
                user.is_active = False
                user.set_unusable_password()
                user.save()
                count += 1
            self.stdout.write(f"Switched off {count} demo accounts.")
            return
        with transaction.atomic():
            locales = {
                code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES
            }
            facilities = self.seed_facilities()
            self.seed_people(facilities)
            # Before any page: Wagtail's starter workflow on the root gives way to ours.
            review_setup_all()
            catalogue = self.seed_catalogue(locales)
            areas = {
                area["programme_type"]: self.seed_area(catalogue, area, locales) for area in AREAS
            }
            for course in COURSES:
                self.seed_course(areas[course["programme_type"]], course, locales)
            self.seed_guidelines(catalogue, locales)
            review_setup_all()
            self.seed_training()
        self.print_logins()

    # --- places and people ---------------------------------------------------------------

    def seed_facilities(self) -> dict[str, Facility]:
        facilities = {}
        for code, name, region, units in FACILITIES:
            facility, _ = Facility.objects.get_or_create(
                code=code, defaults={"name": name, "region": region}
            )
            for unit in units:
                Unit.objects.get_or_create(facility=facility, name=unit)
            facilities[code] = facility
        return facilities

    def seed_people(self, facilities: dict[str, Facility]) -> None:
        from wagtail.users.models import UserProfile

        for username, role, first, last, facility_code, unit_name, extra in PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is not None:
                continue
            facility = facilities.get(facility_code) if facility_code else None
            user = User(
                username=username,
                role=role,
                first_name=first,
                last_name=last,
                facility=facility,
                unit=Unit.objects.get(facility=facility, name=unit_name) if unit_name else None,
                prisoner_number=username if role == User.Role.PRISONER_LEARNER else None,
                email="" if role == User.Role.PRISONER_LEARNER else f"{username}@demo.invalid",
                is_demo=True,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for code in extra.get("manages", []):
                user.managed_facilities.add(facilities[code])
            for name in extra.get("groups", []):
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        # Demo addresses (@demo.invalid) have no mailbox: no review notifications for them.
        UserProfile.objects.bulk_create(
            [
                UserProfile(user=user)
                for user in User.objects.filter(is_demo=True, wagtail_userprofile__isnull=True)
            ]
        )
        UserProfile.objects.filter(user__is_demo=True).exclude(
            submitted_notifications=False,
            approved_notifications=False,
            rejected_notifications=False,
            updated_comments_notifications=False,
        ).update(
            submitted_notifications=False,
            approved_notifications=False,
            rejected_notifications=False,
            updated_comments_notifications=False,
        )

    # --- pages -----------------------------------------------------------------------------

    @staticmethod
    def publish(page: Page) -> None:
        """Publish ``page``, through its review workflow where it has one (faith-based
        programmes, staff content): the demo trainer submits it and the demo reviewers
        approve each step, as they would in the admin, so the history shows who did."""
        workflow = page.get_workflow()
        if workflow is None:
            page.save_revision().publish()
            return
        trainer = User.objects.get(username="trainer")
        page.save_revision(user=trainer)
        state = workflow.start(page, trainer)
        while state.status == state.STATUS_IN_PROGRESS:
            task_state = state.current_task_state
            task = task_state.task.specific
            reviewer = next(
                (
                    user
                    for user in User.objects.filter(is_demo=True, groups__in=task.groups.all())
                    .distinct()
                    .order_by("pk")
                    if any(name == "approve" for name, *_ in task.get_actions(page, user))
                ),
                None,
            )
            if reviewer is None:
                raise CommandError(f"No demo reviewer may approve “{task.name}”.")
            task_state.approve(user=reviewer, comment="Demo content")
            state.refresh_from_db()

    def translate(self, page: Page, locale: Locale, fields: dict[str, Any]) -> Page:
        """The ``locale`` version of ``page``: created by copy_for_translation if missing."""
        existing = page.get_translation_or_none(locale)
        if existing is not None:
            return existing.specific
        translated = page.copy_for_translation(locale, copy_parents=False).specific
        for name, value in fields.items():
            setattr(translated, name, value)
        self.publish(translated)
        return translated

    def seed_catalogue(self, locales: dict[str, Locale]) -> CatalogueIndexPage:
        root = Page.get_first_root_node()
        catalogue = CatalogueIndexPage.objects.filter(locale=locales["en"], depth=2).first()
        if catalogue is None:
            catalogue = CatalogueIndexPage(
                title=CATALOGUE["title"]["en"],
                slug=CATALOGUE["slug"],
                intro=CATALOGUE["intro"]["en"],
                locale=locales["en"],
            )
            root.add_child(instance=catalogue)
            self.publish(catalogue)
            # Wagtail's starter page, if still there, gives way to the catalogue.
            Page.objects.filter(depth=2, content_type__model="page").delete()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                root_page=catalogue,
                is_default_site=True,
                site_name=settings.QADAM_SITE_NAME,
            )
        elif site.root_page_id != catalogue.pk:
            site.root_page = catalogue
            site.site_name = settings.QADAM_SITE_NAME
            site.save()
        for code in ("kk", "ru"):
            self.translate(
                catalogue,
                locales[code],
                {"title": CATALOGUE["title"][code], "intro": CATALOGUE["intro"][code]},
            )
        return catalogue

    def seed_area(
        self, catalogue: CatalogueIndexPage, data: dict[str, Any], locales: dict[str, Locale]
    ) -> ProgrammeAreaPage:
        area = (
            ProgrammeAreaPage.objects.child_of(catalogue)
            .filter(programme_type=data["programme_type"])
            .first()
        )
        if area is None:
            area = ProgrammeAreaPage(
                title=data["title"]["en"], slug=data["slug"], programme_type=data["programme_type"]
            )
            catalogue.add_child(instance=area)
            self.publish(area)
        for code in ("kk", "ru"):
            self.translate(area, locales[code], {"title": data["title"][code]})
        return area

    def seed_course(
        self, area: ProgrammeAreaPage, data: dict[str, Any], locales: dict[str, Locale]
    ) -> None:
        course = CoursePage.objects.child_of(area).filter(slug=data["slug"]).first()
        if course is None:
            course = CoursePage(
                title=data["title"]["en"],
                slug=data["slug"],
                summary=data["summary"]["en"],
                programme_type=data["programme_type"],
                audience=data["audience"],
                estimated_hours=data["estimated_hours"],
                provider_name=self.in_language(data["provider_name"], "en"),
                complete_when_activities_passed=data.get("complete_when_activities_passed", False),
                issues_certificate=data.get("issues_certificate", True),
            )
            area.add_child(instance=course)
            self.publish(course)
        for code in ("kk", "ru"):
            self.translate(
                course,
                locales[code],
                {
                    "title": data["title"][code],
                    "summary": data["summary"][code],
                    "provider_name": self.in_language(data["provider_name"], code),
                },
            )
        for lesson_data in data["lessons"]:
            lesson = LessonPage.objects.child_of(course).filter(slug=lesson_data["slug"]).first()
            if lesson is None:
                lesson = LessonPage(
                    title=lesson_data["title"]["en"],
                    slug=lesson_data["slug"],
                    body=self.lesson_body(lesson_data, "en"),
                    estimated_minutes=lesson_data.get("estimated_minutes", 15),
                )
                course.add_child(instance=lesson)
                self.publish(lesson)
            for code in ("kk", "ru"):
                self.translate(
                    lesson,
                    locales[code],
                    {
                        "title": lesson_data["title"][code],
                        "body": self.stream(lesson_data["body"][code]),
                    },
                )

    @staticmethod
    def in_language(value: str | dict[str, str], code: str) -> str:
        """A text given per language, or one name for every language (a college's)."""
        return value[code] if isinstance(value, dict) else value

    def lesson_body(self, lesson_data: dict[str, Any], code: str) -> list[tuple[str, Any]]:
        extra = EXTRA_BLOCKS.get(lesson_data["slug"], {}).get(code, [])
        return self.stream([*lesson_data["body"][code], *extra])

    def stream(self, blocks: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        from wagtail.rich_text import RichText

        result: list[tuple[str, Any]] = []
        for kind, value in blocks:
            if kind == "text":
                value = RichText(value)
            elif kind in ("callout", "audio"):
                key = "text" if kind == "callout" else "transcript"
                value = {**value, key: RichText(value[key])}
            if isinstance(value, dict):
                value = {name: self.media(name, item) for name, item in value.items()}
            result.append((kind, value))
        return result

    def media(self, field: str, value: Any) -> Any:
        """Demo media files named in the content become images and documents (uploaded
        once, found again by title)."""
        from django.core.files import File
        from wagtail.documents.models import Document
        from wagtail.images.models import Image

        if field not in {"image", "poster", "video", "captions", "audio", "document"}:
            return value
        model = Image if field in ("image", "poster") else Document
        existing = model.objects.filter(title=value).first()
        if existing is not None:
            if not existing.file_hash:  # loaded before the hash was stored
                store_file_metadata(existing)
                existing.save(update_fields=["file_hash", "file_size"])
            return existing
        path = Path(__file__).resolve().parents[2] / "media" / value
        with path.open("rb") as handle:
            item = model(title=value, file=File(handle, name=value))
            store_file_metadata(item)
            item.save()
            return item

    def seed_guidelines(self, catalogue: CatalogueIndexPage, locales: dict[str, Locale]) -> None:
        index = GuidelineIndexPage.objects.child_of(catalogue).first()
        if index is None:
            index = GuidelineIndexPage(
                title=GUIDELINE_INDEX["title"]["en"], slug=GUIDELINE_INDEX["slug"]
            )
            catalogue.add_child(instance=index)
            self.publish(index)
        for code in ("kk", "ru"):
            self.translate(index, locales[code], {"title": GUIDELINE_INDEX["title"][code]})
        guideline = GuidelinePage.objects.child_of(index).filter(slug=GUIDELINE["slug"]).first()
        if guideline is None:
            from datetime import date

            guideline = GuidelinePage(
                title=GUIDELINE["title"]["en"],
                slug=GUIDELINE["slug"],
                version=GUIDELINE["version"],
                effective_date=date(2026, 9, 1),
                department=GUIDELINE["department"]["en"],
                summary=GUIDELINE["summary"]["en"],
                body=GUIDELINE["body"]["en"],
            )
            index.add_child(instance=guideline)
            self.publish(guideline)
        for code in ("kk", "ru"):
            self.translate(
                guideline,
                locales[code],
                {
                    "title": GUIDELINE["title"][code],
                    "department": GUIDELINE["department"][code],
                    "summary": GUIDELINE["summary"][code],
                    "body": GUIDELINE["body"][code],
                },
            )

    def seed_training(self) -> None:
        """Positions, the demo staff's HR records, and two requirements: the staff course
        for everyone on the staff (yearly) and the guideline's current major version.
        Demo staff get no reminder e-mails (their addresses have no mailbox)."""
        from training.engine import evaluate
        from training.models import Position, Requirement, StaffRecord

        positions = {
            code: Position.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in DEMO_POSITIONS
        }
        for username, code in DEMO_STAFF_POSITIONS:
            person = User.objects.filter(username=username, is_demo=True).first()
            if person is not None and not StaffRecord.objects.filter(person=person).exists():
                StaffRecord.objects.create(
                    person=person,
                    staff_number=f"DEMO-{username.upper()}",
                    position=positions[code],
                    started_on=timezone.localdate() - datetime.timedelta(days=20),
                    digest_frequency="never",
                )
        default = Locale.get_default()
        course = CoursePage.objects.filter(
            slug="human-rights-in-daily-work", locale=default
        ).first()
        if course is not None and not Requirement.objects.filter(course=course).exists():
            Requirement.objects.create(
                name="Human rights in daily work (yearly)",
                kind="course",
                course=course,
                all_staff=True,
                due_anchor="start",
                due_days=30,
                valid_months=12,
                window_days=60,
                grace_days=14,
            )
        guideline = GuidelinePage.objects.filter(slug=GUIDELINE["slug"], locale=default).first()
        if guideline is not None and not Requirement.objects.filter(guideline=guideline).exists():
            Requirement.objects.create(
                name=f"Read: {guideline.title}",
                kind="guideline",
                guideline=guideline,
                all_staff=True,
                due_days=14,
            )
        evaluate()

    def print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, *_ in PEOPLE:
            self.stdout.write(f"  {username:<10} {User.Role(role).label}")
