"""Factories for people, places and courses."""

from __future__ import annotations

import factory
from wagtail.models import Locale, Page

from courses.models import CatalogueIndexPage, CoursePage, LessonPage, ProgrammeAreaPage
from lms.core.models import Facility, Unit, User

PASSWORD = "correct horse battery staple"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"facility-{n}")
    name = factory.Sequence(lambda n: f"Facility {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.STAFF_LEARNER
    facility = factory.SubFactory(FacilityFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PrisonerFactory(UserFactory):
    role = User.Role.PRISONER_LEARNER
    prisoner_number = factory.Sequence(lambda n: f"P-{n:06d}")
    username = factory.LazyAttribute(lambda o: o.prisoner_number)


class OfficerFactory(UserFactory):
    role = User.Role.EDUCATION_OFFICER

    @factory.post_generation
    def manages(self, create, extracted, **kwargs):
        if create:
            self.managed_facilities.add(*(extracted or [self.facility]))


def catalogue() -> CatalogueIndexPage:
    """The catalogue page (site root), created on first use."""
    from wagtail.models import Site

    existing = CatalogueIndexPage.objects.filter(locale=Locale.get_default()).first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    page = CatalogueIndexPage(title="Courses", slug="learning")
    root.add_child(instance=page)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": page}
    )
    return page


def programme_area(programme_type: str = "vocational") -> ProgrammeAreaPage:
    """The catalogue's area for ``programme_type``, created on first use."""
    parent = catalogue()
    area = ProgrammeAreaPage.objects.child_of(parent).filter(programme_type=programme_type).first()
    if area is None:
        area = ProgrammeAreaPage(
            title=programme_type.replace("_", " ").title(),
            slug=programme_type.replace("_", "-"),
            programme_type=programme_type,
        )
        parent.add_child(instance=area)
    return area


def make_course(
    *,
    title: str = "Welding safety",
    audience: str = "prisoners",
    lessons: int = 3,
    issues_certificate: bool = True,
    self_enrolment: bool = True,
    programme_type: str = "vocational",
    slug: str | None = None,
) -> CoursePage:
    parent = programme_area(programme_type)
    course = CoursePage(
        title=title,
        slug=slug or factory.Faker._get_faker().unique.slug(),
        summary=f"About {title}",
        audience=audience,
        programme_type=programme_type,
        estimated_hours=12,
        issues_certificate=issues_certificate,
        self_enrolment=self_enrolment,
        provider_name="City Vocational College",
    )
    parent.add_child(instance=course)
    for number in range(1, lessons + 1):
        course.add_child(
            instance=LessonPage(
                title=f"{title}: lesson {number}",
                slug=f"lesson-{number}",
                body=[("heading", f"Part {number}")],
            )
        )
    return course


def course_admin_form(
    *,
    action: str = "action-publish",
    title: str = "Mentoring others",
    slug: str = "mentoring",
    prerequisites: tuple[int, ...] | list[int] = (),
    **extra: str,
) -> dict:
    """What the Wagtail admin's course form posts when an author saves a course."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    data = {
        "title": title,
        "slug": slug,
        "summary": "",
        "description": rich_text(""),
        "audience": "prisoners",
        "estimated_hours": "10",
        "provider_name": "",
        "complete_when_all_lessons_done": "on",
        "complete_after_minutes": "0",
        "issues_certificate": "on",
        "self_enrolment": "on",
        "skills": "",
        action: action,
        **extra,
    }
    # The test client posts a list as repeated values, as the admin's checkboxes do.
    return {**nested_form_data(data), "prerequisites": [str(pk) for pk in prerequisites]}
