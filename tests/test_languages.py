"""The learner-facing interface speaks Kazakh and Russian, not English."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db

ENGLISH = ["My learning", "My certificates", "Sign out", "In progress", "Courses you can join"]


@pytest.mark.parametrize(("language", "greeting"), [("kk", "Сәлем"), ("ru", "Здравствуйте")])
def test_my_learning_is_in_the_chosen_language(
    client, prisoner, prisoner_course, language, greeting
):
    sign_in(client, prisoner)
    client.cookies["django_language"] = language
    page = client.get(reverse("learning:home")).content.decode()
    assert f'<html lang="{language}">' in page
    assert greeting in page
    for english in ENGLISH:
        assert english not in page


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_certificate_check_is_in_the_visitors_language(client, language):
    client.cookies["django_language"] = language
    page = client.get(reverse("certificates:verify", args=["0" * 16])).content.decode()
    assert "No certificate has this code" not in page
    with translation.override(language):
        assert translation.gettext("No certificate has this code") in page
