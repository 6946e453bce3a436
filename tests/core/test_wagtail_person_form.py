"""Wagtail's people edit form for a prisoner asks no password and no e-mail: prisoners sign
in only with a PIN on a kiosk, and have no e-mail (ADR 0045). Staff keep both fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return factories.UserFactory(role="administrator", facility=None)


def test_a_prisoners_edit_form_has_no_password_and_no_email(client, administrator, prisoner):
    client.force_login(administrator)
    url = reverse("wagtailusers_users:edit", args=[prisoner.pk])
    page = client.get(url).content.decode()
    assert 'name="first_name"' in page
    assert 'name="password1"' not in page
    assert 'name="email"' not in page

    # Saved with a password typed anyway (a crafted POST): the name changes, and the
    # account still has no usable password.
    response = client.post(
        url,
        {
            "username": prisoner.username,
            "first_name": "Aliya",
            "last_name": prisoner.last_name or "Bek",
            "password1": "Typed-in-anyway-1",
            "password2": "Typed-in-anyway-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    prisoner.refresh_from_db()
    assert prisoner.first_name == "Aliya"
    assert not prisoner.has_usable_password()
    assert not prisoner.email


def test_a_staff_members_edit_form_keeps_password_and_email(client, administrator, officer):
    client.force_login(administrator)
    page = client.get(reverse("wagtailusers_users:edit", args=[officer.pk])).content.decode()
    assert 'name="password1"' in page
    assert 'name="email"' in page
