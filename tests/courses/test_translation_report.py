"""The report "Translations out of step" and its admin menu item: each author sees the
translations of the programme areas they may edit, and asking costs the same whatever
the number of areas (``courses.translation_gaps``, ``courses.admin_views``)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks
from wagtail.models import GroupPagePermission, Locale

from courses.models import LessonPage, ProgrammeAreaPage
from courses.translation_gaps import translations_out_of_step
from lms.core.models import User
from lms.core.policy import ProgrammeType
from tests import factories

QUIZ = {
    "title": "Check",
    "pass_mark": 50,
    "required": True,
    "questions": [
        {
            "kind": "true_false",
            "prompt": "Tiles are flat.",
            "answers": [],
            "statement_is_true": True,
            "explanation": "",
        }
    ],
}


def course_with_a_russian_lesson_lacking_its_quiz(title, programme_type):
    """A course in ``programme_type``'s area whose one lesson has a required quiz, and a
    Russian translation (in the Russian copy of the area) without it. Returns the Russian
    lesson: the translation out of step."""
    russian = Locale.objects.get_or_create(language_code="ru")[0]
    course = factories.make_course(title=title, lessons=1, programme_type=programme_type)
    course.save_revision().publish()
    lesson = course.lessons().specific().get()
    lesson.body = [("text", "<p>Read first.</p>"), ("quiz", QUIZ)]
    lesson.save_revision().publish()
    course.copy_for_translation(russian, copy_parents=True).save_revision().publish()
    lesson_ru = lesson.copy_for_translation(russian)
    lesson_ru.title = f"{title} (ru)"
    lesson_ru.body = [("text", "<p>Сначала прочитайте.</p>")]
    lesson_ru.save_revision().publish()
    return LessonPage.objects.get(pk=lesson_ru.pk)


def area_versions(programme_type):
    """The area of this programme type in every language."""
    source = factories.programme_area(programme_type)
    return list(ProgrammeAreaPage.objects.filter(translation_key=source.translation_key))


def author_of(*areas):
    """An author who may edit the pages of these areas and nothing else."""
    group = Group.objects.create(name=f"Authors {Group.objects.count()}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for area in areas:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group,
                page=area,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    # Not a trainer: the trainers' group (add and change on the whole tree) follows that
    # role at every save, sign-in included (``lms.core.roles``).
    user = factories.UserFactory(role=User.Role.STAFF_LEARNER)
    user.groups.set([group])
    return User.objects.get(pk=user.pk)  # fresh: no permissions remembered yet


def nobody():
    """Someone who may open the admin but edit no page."""
    group = Group.objects.create(name=f"Admin only {Group.objects.count()}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = factories.UserFactory(role=User.Role.STAFF_LEARNER)
    user.groups.set([group])
    return User.objects.get(pk=user.pk)


def report_menu_item():
    url = reverse("courses_admin:translations")
    for hook in hooks.get_hooks("register_reports_menu_item"):
        item = hook()
        if item.url == url:
            return item
    raise AssertionError("no menu item for the report")


def menu_shown_to(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return report_menu_item().is_shown(request)


@pytest.fixture
def two_gaps(db):
    """A translation out of step in the vocational area and one in life skills."""
    return {
        "vocational": course_with_a_russian_lesson_lacking_its_quiz(
            "Tiling", ProgrammeType.VOCATIONAL
        ),
        "life_skills": course_with_a_russian_lesson_lacking_its_quiz(
            "Budgeting", ProgrammeType.LIFE_SKILLS
        ),
    }


@pytest.mark.django_db
def test_an_author_sees_the_gaps_of_the_areas_they_may_edit_and_no_others(client, two_gaps):
    author = author_of(*area_versions(ProgrammeType.VOCATIONAL))
    assert [gap.lesson.pk for gap in translations_out_of_step(user=author)] == [
        two_gaps["vocational"].pk
    ]
    client.force_login(author)
    response = client.get(reverse("courses_admin:translations"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiling (ru)" in page
    assert "Budgeting (ru)" not in page
    assert menu_shown_to(author)


@pytest.mark.django_db
def test_a_gap_is_listed_to_whoever_may_mend_the_translation(two_gaps):
    """The source may lie where the author may not edit: it is read all the same, and the
    gap goes to the author of the translation's area, not to the source's."""
    vocational = area_versions(ProgrammeType.VOCATIONAL)
    russian_only = [area for area in vocational if area.locale.language_code == "ru"]
    english_only = [area for area in vocational if area.locale.language_code != "ru"]
    gaps = translations_out_of_step(user=author_of(*russian_only))
    assert [(gap.lesson.pk, gap.missing_required) for gap in gaps] == [
        (two_gaps["vocational"].pk, ["quiz"])
    ]
    assert gaps[0].source.locale.language_code == "en"
    assert translations_out_of_step(user=author_of(*english_only)) == []


@pytest.mark.django_db
def test_an_administrator_and_a_trainer_of_the_whole_tree_see_every_gap(two_gaps):
    administrator = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    expected = sorted(lesson.pk for lesson in two_gaps.values())
    for user in (administrator, User.objects.get(pk=trainer.pk)):
        assert sorted(gap.lesson.pk for gap in translations_out_of_step(user=user)) == expected
        assert menu_shown_to(user)


@pytest.mark.django_db
def test_someone_who_may_edit_no_area_gets_403_and_no_menu_item(client, two_gaps):
    user = nobody()
    assert translations_out_of_step(user=user) == []
    assert not menu_shown_to(user)
    client.force_login(user)
    # Wagtail's admin answers a refusal with a redirect to its dashboard and a message,
    # and a 403 to a script; the gaps are in neither.
    refused = client.get(reverse("courses_admin:translations"), follow=True)
    assert refused.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "Sorry, you do not have permission to access this area." in refused.content.decode()
    assert "Tiling (ru)" not in refused.content.decode()
    scripted = client.get(
        reverse("courses_admin:translations"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert scripted.status_code == 403
    assert reverse("courses_admin:translations") not in client.get("/admin/").content.decode()
    # The same page lists the report for an author: the check above can fail.
    client.force_login(author_of(*area_versions(ProgrammeType.VOCATIONAL)))
    assert reverse("courses_admin:translations") in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_menu_check_costs_the_same_whatever_the_number_of_areas(db):
    """Asked on every admin page: two queries at most (the person's page permissions and
    the areas), none when the same request asks again, for an author of the last area as
    for someone who may edit none."""

    def cost(user):
        with CaptureQueriesContext(connection) as first:
            shown = menu_shown_to(user)
        with CaptureQueriesContext(connection) as again:
            assert menu_shown_to(user) == shown  # same request: the same user object
        return shown, len(first), len(again)

    few = [cost(author_of(factories.programme_area(ProgrammeType.VOCATIONAL))), cost(nobody())]
    russian = Locale.objects.create(language_code="ru")
    first, *others = [factories.programme_area(kind) for kind in ProgrammeType.values]
    first.copy_for_translation(russian, copy_parents=True)
    for area in others:
        area.copy_for_translation(russian)
    last = ProgrammeAreaPage.objects.order_by("-path").first()
    many = [cost(author_of(last)), cost(nobody())]
    assert ProgrammeAreaPage.objects.count() == 10
    assert few == many == [(True, few[0][1], 0), (False, few[1][1], 0)]
    assert few[0][1] <= 2 and few[1][1] <= 2
