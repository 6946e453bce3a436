"""Search finds only what the person may open."""

import pytest
from django.urls import reverse

from guidelines.models import GuidelineIndexPage, GuidelinePage
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    factories.make_course(title="Welding for beginners", audience="prisoners")
    factories.make_course(
        title="Welding inspection duties", audience="staff", programme_type="staff_training"
    )
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    index.add_child(
        instance=GuidelinePage(
            title="Welding workshop supervision",
            slug="ws",
            effective_date="2026-01-01",
            department="Security",
            body="<p>Supervise the welding workshop.</p>",
        )
    )


def results(client, user, query):
    sign_in(client, user)
    return client.get(reverse("learning:search"), {"q": query}).content.decode()


def test_a_prisoner_finds_prisoner_courses_and_lessons_only(client, content, prisoner):
    page = results(client, prisoner, "welding")
    assert "Welding for beginners" in page
    assert "Welding for beginners: lesson 1" in page
    assert "Welding inspection duties" not in page
    assert "Welding workshop supervision" not in page


def test_staff_find_staff_courses_and_guidelines(client, content, staff_member):
    page = results(client, staff_member, "welding")
    assert "Welding inspection duties" in page
    assert "Welding workshop supervision" in page
    assert "Welding for beginners" not in page


def test_signed_out_visitors_cannot_search(client, content):
    assert client.get(reverse("learning:search"), {"q": "welding"}).status_code == 302
