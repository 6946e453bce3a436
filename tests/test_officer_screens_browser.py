"""The officers' screens of issue 15 in a real browser (Debian's chromium, headless), in
Russian: every form field is styled, dates are typed as Russian writes them, and each
screen is saved under docs/screenshots/issue-15/ for a person to look at."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.models import ActivityResult, Enrolment, LessonProgress
from courses.services import enrolment_create, lesson_complete
from lms.core.models import User
from tests import factories
from tests.browser import chromium
from tests.test_header_browser import signed_in_page

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "issue-15"


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officers_screens_in_russian(browser, live_server, facility_a):
    officer = factories.UserFactory(
        role=User.Role.EDUCATION_OFFICER,
        facility=facility_a,
        first_name="Айгерим",
        last_name="Нурланова",
    )
    officer.managed_facilities.add(facility_a)
    unit = factories.UnitFactory(facility=facility_a, name="Отряд 3")
    course = factories.make_course(title="Сварочное дело", audience="prisoners")
    other = factories.make_course(title="Основы электрики", audience="prisoners")
    people = [
        factories.PrisonerFactory(facility=facility_a, unit=unit, first_name=first, last_name=last)
        for first, last in [("Нурлан", "Абенов"), ("Ерлан", "Серикбаев"), ("Дана", "Омарова")]
    ]
    learner = people[0]
    enrolment = enrolment_create(actor=officer, learner=learner, course=course, source="assigned")
    lesson = course.lessons().specific().first()
    lesson_complete(actor=learner, lesson=lesson)
    LessonProgress.objects.update(seconds_spent=2700)
    ActivityResult.objects.create(
        learner=learner,
        enrolment=enrolment,
        lesson_key=lesson.translation_key,
        activity_key="quiz-1",
        kind="quiz",
        best_score=0.8,
        attempts=2,
    )
    enrolment_create(actor=officer, learner=people[1], course=other, source="assigned")
    Enrolment.objects.filter(learner=people[1]).update(status=Enrolment.Status.COMPLETED)
    for person, title, status in [
        (people[1], "Основы электрики", Certificate.Status.ISSUED),
        (people[2], "Сварочное дело", Certificate.Status.REVOKED),
    ]:
        Certificate.objects.create(
            learner=person,
            holder_name=person.get_full_name(),
            course_title=title,
            course_key=other.translation_key if title == other.title else course.translation_key,
            provider="Колледж",
            hours=12,
            language="ru",
            completed_on=date(2026, 11, 23),
            status=status,
        )

    page, errors = signed_in_page(browser, live_server.url, officer, "ru")
    page.goto(live_server.url + reverse("manage:learners") + f"?unit={unit.pk}")
    _shot(page, "ru-learner-list")
    page.goto(live_server.url + reverse("manage:learner", args=[learner.public_id]))
    assert "80% (2 попытки)" in page.content() and "45 мин" in page.content()
    _shot(page, "ru-learner-page")

    page.goto(live_server.url + reverse("manage:learners") + f"?unit={unit.pk}")
    page.click("#bulk-enrol")
    page.select_option("select[name=course]", str(other.translation_key))
    page.fill("textarea[name=numbers]", "НЕТ-1")
    page.click("button[value=preview]")
    assert "Уже завершил(а) этот курс" in page.content()
    radius = page.eval_on_selector(
        "textarea[name=numbers]", "e => getComputedStyle(e).borderRadius"
    )
    assert radius == "8px"  # a styled field, like the text boxes
    _shot(page, "ru-bulk-enrol-preview")
    page.click("button[value=enrol]")
    page.wait_for_selector("#bulk-result")
    _shot(page, "ru-bulk-enrol-result")

    page.goto(live_server.url + reverse("certificates:manage_issue", args=[learner.public_id]))
    assert page.get_attribute("input[name=completed_on]", "placeholder") == "ДД.ММ.ГГГГ"
    page.select_option("select[name=course]", str(course.pk))
    page.fill("input[name=completed_on]", "01.01.2030")
    page.fill("input[name=reason]", "Очное обучение")
    page.click("main button[type=submit]")
    page.wait_for_selector(".message--error")
    assert page.input_value("select[name=course]") == str(course.pk)
    assert page.input_value("input[name=reason]") == "Очное обучение"
    assert page.input_value("input[name=completed_on]") == "01.01.2030"
    _shot(page, "ru-manual-issue-refused")

    page.goto(live_server.url + reverse("certificates:manage_list") + "?completed_from=01.11.2026")
    assert page.locator("#export-xlsx").count() == 1
    _shot(page, "ru-certificate-list")

    page.goto(live_server.url + reverse("employability:manage", args=[learner.public_id]))
    number = page.eval_on_selector(
        "input[name=placement-hours_per_week]", "e => getComputedStyle(e).borderRadius"
    )
    assert number == "8px"
    _shot(page, "ru-employability-record")
    assert not errors
