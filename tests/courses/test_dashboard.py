"""The trainer's dashboard lists their courses with learner counts and what their
translations lack; a voluntary programme's counts are suppressed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale

from courses.models import Enrolment
from lms.core.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_the_trainers_courses_counts_and_missing_languages(client):
    Locale.objects.get_or_create(language_code="kk")
    Locale.objects.get_or_create(language_code="ru")
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    other = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    mine = factories.make_course(title="Bricklaying", lessons=1)
    faith = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    theirs = factories.make_course(title="Plumbing", lessons=1)
    for course, owner in ((mine, trainer), (faith, trainer), (theirs, other)):
        course.owner = owner
        course.save()
    for course in (mine, faith):
        for status in ("active", "active", "completed"):
            Enrolment.objects.create(
                learner=factories.PrisonerFactory(),
                course=course,
                course_key=course.translation_key,
                status=status,
            )
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = html.split('id="qadam-my-courses-title"')[1].split("</section>")[0]
    assert "Bricklaying" in panel and "Paths" in panel and "Plumbing" not in panel
    row = panel.split("Bricklaying")[1].split("</tr>")[0]
    assert "<td>3</td>" in row and "<td>1</td>" in row
    assert "Missing: Қазақша, Русский" in row  # each language by its own name
    faith_row = panel.split("Paths")[1].split("</tr>")[0]
    assert "fewer than 5" in faith_row and "<td>3</td>" not in faith_row


def test_the_dashboard_counts_lesson_translations_out_of_step_of_their_courses(client):
    from courses.dashboard import courses_of_author

    from .test_translation_report import course_with_a_russian_lesson_lacking_its_quiz

    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    lesson_ru = course_with_a_russian_lesson_lacking_its_quiz("Tiling", "vocational")
    course = lesson_ru.get_parent().specific.get_translation(Locale.objects.get(language_code="en"))
    course.owner = trainer
    course.save()
    # Another course out of step, not the trainer's: not counted, nor read for them.
    course_with_a_russian_lesson_lacking_its_quiz("Plumbing", "vocational")
    [row] = courses_of_author(trainer)
    assert row.course.title == "Tiling" and row.lessons_out_of_step == 1
    client.force_login(trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 lesson translation lacks blocks" in html


def test_people_who_write_no_course_get_no_panel(client, facility_a):
    officer = factories.OfficerFactory(facility=facility_a)
    client.force_login(officer)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert 'id="qadam-my-courses-title"' not in response.content.decode()
