"""Deleting a person with audit history, as an administrator would try it in the Wagtail
users admin (one and in bulk) and the Django admin: never a 500, never a deletion; the
Wagtail admin deactivates them instead (audited), and says so."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.urls import reverse

from lms.core.models import AuditEvent, User
from lms.core.services import person_transfer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return factories.UserFactory(role="administrator", facility=None)


@pytest.fixture
def actor_with_history(officer, prisoner, client):
    """An officer who is the actor of audit rows (they read a learner's page)."""
    client.force_login(officer)
    client.get(reverse("manage:learner", args=[prisoner.public_id]))
    client.logout()
    assert AuditEvent.objects.filter(actor=officer).exists()
    return officer


@pytest.fixture
def object_with_history(administrator, prisoner, facility_b):
    """A prisoner who is only the object of audit rows (moved to another facility)."""
    person_transfer(actor=administrator, person=prisoner, to_facility=facility_b)
    assert not AuditEvent.objects.filter(actor=prisoner).exists()
    assert AuditEvent.objects.filter(object_type="core.user", object_id=str(prisoner.pk))
    return prisoner


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.mark.parametrize("who", ["actor_with_history", "object_with_history"])
def test_the_wagtail_delete_of_a_person_with_history_deactivates_them_instead(
    client, administrator, who, request
):
    person = request.getfixturevalue(who)
    client.force_login(administrator)
    url = reverse("wagtailusers_users:delete", args=[person.pk])
    asked = client.get(url)
    assert asked.status_code == 200
    assert "cannot be deleted" in asked.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert "was not deleted: they were deactivated instead" in messages_of(response)
    row = AuditEvent.objects.get(action="person.deactivate", object_id=str(person.pk))
    assert row.actor == administrator


def test_the_wagtail_delete_of_a_person_without_history_still_deletes(client, administrator):
    newcomer = factories.UserFactory(role="trainer", facility=None)
    client.force_login(administrator)
    response = client.post(reverse("wagtailusers_users:delete", args=[newcomer.pk]))
    assert response.status_code == 302
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_the_wagtail_bulk_delete_keeps_people_with_history_and_deletes_the_others(
    client, administrator, actor_with_history, object_with_history
):
    newcomer = factories.UserFactory(role="trainer", facility=None)
    client.force_login(administrator)
    ids = [actor_with_history.pk, object_with_history.pk, newcomer.pk]
    url = reverse("wagtail_bulk_action", args=["core", "user", "delete"])
    query = "&".join(f"id={pk}" for pk in ids)
    response = client.post(f"{url}?{query}&next=/admin/users/")
    assert response.status_code == 302
    kept = User.objects.filter(pk__in=[actor_with_history.pk, object_with_history.pk])
    assert kept.count() == 2 and not kept.filter(is_active=True).exists()
    assert not User.objects.filter(pk=newcomer.pk).exists()
    assert "2 people have audit history" in messages_of(response)


@pytest.mark.parametrize("who", ["actor_with_history", "object_with_history"])
def test_the_django_admin_refuses_to_delete_a_person_with_history(
    client, administrator, who, request
):
    person = request.getfixturevalue(who)
    client.force_login(administrator)
    one = client.post(f"/django-admin/core/user/{person.pk}/delete/", {"post": "yes"})
    assert one.status_code in (200, 403)
    bulk = client.post(
        "/django-admin/core/user/",
        {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert "has audit history: deactivate them instead" in bulk.content.decode()
    assert User.objects.filter(pk=person.pk).exists()


def test_a_person_only_named_by_audit_rows_cannot_be_deleted_in_code(object_with_history):
    with pytest.raises(ProtectedError):
        object_with_history.delete()
    assert User.objects.filter(pk=object_with_history.pk).exists()
