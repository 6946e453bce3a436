import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from lms.core.models import AuditEvent, User
from lms.core.policy import people_visible_to
from lms.core.services import person_transfer
from tests import factories

pytestmark = pytest.mark.django_db


def test_prisoner_username_is_their_number_and_they_have_no_email(facility_a):
    prisoner = factories.PrisonerFactory(
        prisoner_number=" ab-12 ", email="x@example.org", facility=facility_a
    )
    prisoner.refresh_from_db()
    assert prisoner.username == "AB-12"
    assert prisoner.email == ""
    assert prisoner.is_prisoner and not prisoner.is_staff_member


def test_a_prisoner_without_a_number_is_refused(facility_a):
    with pytest.raises(IntegrityError):
        User.objects.create(username="nobody", role=User.Role.PRISONER_LEARNER, facility=facility_a)


def test_staff_cannot_carry_a_prisoner_number(facility_a):
    with pytest.raises(IntegrityError):
        User.objects.create(
            username="guard",
            role=User.Role.STAFF_LEARNER,
            prisoner_number="X1",
            facility=facility_a,
        )


def test_only_administrators_are_superusers(facility_a):
    trainer = factories.UserFactory(role=User.Role.TRAINER, is_superuser=True, is_staff=True)
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR)
    trainer.refresh_from_db()
    assert not trainer.is_superuser and not trainer.is_staff
    assert admin.is_superuser and admin.is_staff


def test_trainers_get_wagtail_admin_access_from_their_role():
    trainer = factories.UserFactory(role=User.Role.TRAINER)
    learner = factories.UserFactory(role=User.Role.STAFF_LEARNER)
    assert trainer.has_perm("wagtailadmin.access_admin")
    assert not learner.has_perm("wagtailadmin.access_admin")


def test_officer_of_facility_a_sees_nobody_of_facility_b(facility_a, facility_b):
    officer = factories.OfficerFactory(facility=facility_a)
    mine = factories.PrisonerFactory(facility=facility_a)
    theirs = factories.PrisonerFactory(facility=facility_b)
    visible = set(people_visible_to(officer))
    assert mine in visible
    assert theirs not in visible


def test_a_learner_sees_only_themself(prisoner, facility_a):
    other = factories.PrisonerFactory(facility=facility_a)
    assert list(people_visible_to(prisoner)) == [prisoner]
    assert other not in people_visible_to(prisoner)


def test_monitors_see_no_people(facility_a, prisoner):
    monitor = factories.UserFactory(role=User.Role.MONITOR, facility=None)
    assert not people_visible_to(monitor).exists()


def test_transfer_moves_the_person_keeps_history_and_audits(prisoner, officer, facility_b):
    transfer = person_transfer(
        actor=officer, person=prisoner, to_facility=facility_b, reason="court order"
    )
    prisoner.refresh_from_db()
    assert prisoner.facility == facility_b
    assert transfer.from_facility_id != facility_b.pk
    assert list(prisoner.transfers.all()) == [transfer]
    event = AuditEvent.objects.get(action="person.transfer")
    assert event.actor == officer
    assert event.after["facility"] == facility_b.pk


def test_officer_cannot_transfer_someone_outside_their_facilities(facility_a, facility_b):
    officer = factories.OfficerFactory(facility=facility_a)
    stranger = factories.PrisonerFactory(facility=facility_b)
    with pytest.raises(PermissionDenied):
        person_transfer(actor=officer, person=stranger, to_facility=facility_a)


def test_audit_events_cannot_be_changed_or_deleted(prisoner, officer, facility_b):
    person_transfer(actor=officer, person=prisoner, to_facility=facility_b)
    event = AuditEvent.objects.get()
    event.action = "something else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")
