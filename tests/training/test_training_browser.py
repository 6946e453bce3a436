"""My training and the compliance page in Kazakh, in a real browser (Debian's chromium)
under the site's CSP: what a staff member and an officer read, with screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from lms.core.models import User
from tests import factories
from tests.browser import chromium
from training.engine import evaluate

from .helpers import complete, course_requirement

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def signed_in(browser, base_url, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "kk", "url": base_url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "login" not in url)
    return page, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_my_training_and_the_compliance_page_read_in_kazakh(live_server, facility_a):
    course = factories.make_course(
        title="Күш қолдану", audience="staff", programme_type="staff_training"
    )
    staff = factories.UserFactory(facility=facility_a, first_name="Айгерім", last_name="Садықова")
    done = factories.UserFactory(facility=facility_a, first_name="Болат", last_name="Ахметов")
    course_requirement(course, all_staff=True, name="Күш қолдану (жыл сайын)", valid_months=12)
    complete(done, course)
    evaluate()
    officer = factories.OfficerFactory(facility=facility_a)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page, errors = signed_in(browser, live_server.url, staff)
        assert "Сізде аяқтауға тиіс 1 міндетті оқу бар." in page.inner_text("main")
        page.goto(live_server.url + reverse("training:mine"))
        text = page.inner_text("main")
        assert "Міндетті оқуым" in text and "Басталмаған" in text and "Курсты ашу" in text
        page.screenshot(path=str(SHOTS / "training-my-training-kk.png"), full_page=True)
        assert errors == []

        page, errors = signed_in(browser, live_server.url, officer)
        page.goto(live_server.url + reverse("training:compliance", args=["a"]))
        text = page.inner_text("main")
        assert "Оқу талаптарының орындалуы: Facility A" in text
        # The officer is staff too: assigned the moment the account was created.
        assert "33%" in text and "XLSX ретінде жүктеу" in text
        assert page.locator("svg[role=img] desc").text_content() == (
            "Күш қолдану (жыл сайын): 33% орындалды"
        )
        page.screenshot(path=str(SHOTS / "training-compliance-kk.png"), full_page=True)
        page.click("table a >> nth=0")  # drill down to the people behind the figures
        text = page.inner_text("main")
        assert "Садықова" in text and "Басталмаған" in text
        page.screenshot(path=str(SHOTS / "training-people-kk.png"), full_page=True)
        page.goto(live_server.url + reverse("training:pauses"))
        assert "Есептелмейтін уақыт" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / "training-pauses-kk.png"), full_page=True)
        assert errors == []

        # A monitor: three people are subject, one compliant; nothing small is published.
        monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
        page, errors = signed_in(browser, live_server.url, monitor)
        page.goto(live_server.url + reverse("training:compliance", args=["a"]))
        text = page.inner_text("main")
        assert "33%" not in text and "5-ден аз" in text and "жарияланбайды" in text
        assert "Садықова" not in text and page.locator("table a").count() == 0
        page.screenshot(path=str(SHOTS / "training-compliance-monitor-kk.png"), full_page=True)
        assert errors == []
