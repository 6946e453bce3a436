"""The staff web header: an officer's management pages sit under one "Manage" menu, so
the header fits on one line; everyone else's header keeps its plain links."""

import re

import pytest
from django.urls import reverse

from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def header(client, user) -> str:
    sign_in(client, user)
    page = client.get(reverse("learning:home")).content.decode()
    return page[page.index("<header") : page.index("</header>")]


def links(html: str) -> list[str]:
    return [text.strip() for text in re.findall(r"<a [^>]*>([^<]*)</a>", html) if text.strip()]


def manage_menu(html: str) -> str:
    return html[html.index("<details") : html.index("</details>")]


@pytest.mark.parametrize("role", [User.Role.EDUCATION_OFFICER, User.Role.ADMINISTRATOR])
def test_management_pages_are_under_one_manage_menu(client, role, facility_a):
    manager = factories.UserFactory(role=role, facility=facility_a)
    html = header(client, manager)
    menu = manage_menu(html)
    assert re.search(r"<summary>\s*Manage\s*</summary>", menu)
    assert links(menu) == [
        "Learners",
        "Course target dates",
        "Certificates",
        "Acknowledgements",
        "Training compliance",
        "Reports",
        "Authoring",
        "My training",
    ]
    # Besides the menu: the learner's own pages, and their name (their open sessions).
    assert links(html.replace(menu, "")) == [
        "My learning",
        "Courses",
        "My certificates",
        manager.get_full_name(),
    ]
    assert "js/nav-menu.js" in html


@pytest.mark.parametrize("role", [User.Role.STAFF_LEARNER, User.Role.TRAINER])
def test_a_header_without_management_pages_has_no_manage_menu(client, role, facility_a):
    person = factories.UserFactory(role=role, facility=facility_a)
    html = header(client, person)
    assert "<details" not in html and "nav-menu.js" not in html
    assert links(html)[:3] == ["My learning", "Courses", "My certificates"]


def test_a_trainer_keeps_authoring_as_a_plain_link(client, facility_a):
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=facility_a)
    assert "Authoring" in links(header(client, trainer))


def test_a_monitor_reaches_the_figures_from_one_menu(client):
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    html = header(client, monitor)
    menu = manage_menu(html)
    assert re.search(r"<summary>\s*Figures\s*</summary>", menu)
    assert links(menu) == ["Training compliance", "Reports"]
    assert reverse("reports:overview") in menu
    assert links(html.replace(menu, ""))[:4] == [
        "My learning",
        "Courses",
        "My certificates",
        "My training",
    ]
    assert "js/nav-menu.js" in html


@pytest.mark.parametrize(("language", "label"), [("kk", "Басқару"), ("ru", "Управление")])
def test_the_manage_menu_speaks_the_chosen_language(client, officer, language, label):
    client.cookies["django_language"] = language
    assert re.search(rf"<summary>\s*{label}\s*</summary>", header(client, officer))
