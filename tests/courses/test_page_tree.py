"""The page tree keeps its shape: catalogue > programme areas > courses > (modules) > lessons."""

import pytest
from wagtail.models import Page

from courses.models import (
    CatalogueIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    ProgrammeAreaPage,
)
from guidelines.models import GuidelineIndexPage, GuidelinePage
from tests import factories

pytestmark = pytest.mark.django_db


def allowed(parent_class):
    return set(parent_class.allowed_subpage_models())


def test_each_level_admits_only_the_next():
    assert allowed(CatalogueIndexPage) == {ProgrammeAreaPage, GuidelineIndexPage}
    assert allowed(ProgrammeAreaPage) == {CoursePage}
    assert allowed(CoursePage) == {ModulePage, LessonPage}
    assert allowed(ModulePage) == {LessonPage}
    assert allowed(LessonPage) == set()
    assert allowed(GuidelineIndexPage) == {GuidelinePage}


def test_a_course_cannot_be_created_straight_under_the_catalogue():
    catalogue = factories.catalogue()
    assert not CoursePage.can_create_at(catalogue)
    assert CoursePage.can_create_at(factories.programme_area("life_skills"))


def test_a_course_takes_its_programme_type_from_its_area():
    course = factories.make_course(programme_type="life_skills")
    course.programme_type = "vocational"
    course.save()
    course.refresh_from_db()
    assert course.programme_type == "life_skills"


def test_lessons_in_modules_count_in_course_order():
    course = factories.make_course(lessons=1)
    module = ModulePage(title="Module 2", slug="module-2")
    course.add_child(instance=module)
    module.add_child(instance=LessonPage(title="Inside the module", slug="inside"))
    titles = [lesson.title for lesson in course.lessons()]
    assert titles == ["Welding safety: lesson 1", "Inside the module"]


def test_one_area_per_programme_type():
    from django.core.exceptions import ValidationError

    factories.programme_area("vocational")
    twin = ProgrammeAreaPage(title="Again", slug="again", programme_type="vocational")
    with pytest.raises(ValidationError):
        factories.catalogue().add_child(instance=twin)
    assert Page.objects.filter(slug="again").count() == 0
