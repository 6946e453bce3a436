"""Issuing by hand, in bulk, reissue, renewals, and two workers racing."""

import json
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import BulkIssue, Certificate, CertificateTemplate
from certificates.selectors import renewals_due
from certificates.services.bulk_issuing import bulk_issue_start
from certificates.services.errors import CertificateError
from certificates.services.issuing import add_months, certificate_issue
from certificates.services.officer_actions import (
    certificate_issue_manual,
    certificate_reissue,
    certificate_revoke,
)
from courses.models import CourseCompletion, CoursePage, Enrolment
from lms.core.models import AuditEvent, User
from tests import factories

from .helpers import complete, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(prisoner, prisoner_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    return certificate


def test_an_officer_issues_a_certificate_by_hand_with_a_reason(
    client, officer, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    CoursePage.objects.filter(pk=prisoner_course.pk).update(
        first_published_at=timezone.now() - timedelta(days=400)
    )
    day = timezone.localdate() - timedelta(days=60)
    client.force_login(officer)
    url = reverse("certificates:manage_issue", args=[prisoner.public_id])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"course": prisoner_course.pk, "completed_on": day.isoformat(), "reason": "Classroom"},
        )
    certificate = Certificate.objects.get(learner=prisoner)
    assert response.status_code == 302
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_by == officer and certificate.completed_on == day
    # The enrolment shows the course as completed on that day, not "In progress".
    enrolment = Enrolment.objects.get(learner=prisoner, course_key=prisoner_course.translation_key)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert certificate.completion.enrolment == enrolment
    assert timezone.localdate(certificate.completion.completed_at) == day
    event = AuditEvent.objects.get(action="certificate.issue_manual")
    assert event.actor == officer and event.after["reason"] == "Classroom"
    with pytest.raises(CertificateError, match="already has"):
        certificate_issue_manual(
            actor=officer, learner=prisoner, course=prisoner_course, reason="again"
        )


def test_a_hand_issued_certificate_cannot_be_dated_in_the_future_or_before_the_course(
    client, officer, prisoner, prisoner_course
):
    CoursePage.objects.filter(pk=prisoner_course.pk).update(
        first_published_at=timezone.now() - timedelta(days=10)
    )
    prisoner_course.refresh_from_db()
    with pytest.raises(CertificateError, match="cannot be in the future"):
        certificate_issue_manual(
            actor=officer,
            learner=prisoner,
            course=prisoner_course,
            reason="Classroom",
            completed_on=date(2030, 1, 1),
        )
    with pytest.raises(CertificateError, match="first published on"):
        certificate_issue_manual(
            actor=officer,
            learner=prisoner,
            course=prisoner_course,
            reason="Classroom",
            completed_on=timezone.localdate() - timedelta(days=30),
        )
    client.force_login(officer)
    response = client.post(
        reverse("certificates:manage_issue", args=[prisoner.public_id]),
        {"course": prisoner_course.pk, "completed_on": "2030-01-01", "reason": "Classroom"},
        follow=True,
    )
    assert "The completion date cannot be in the future." in response.content.decode()
    assert not Certificate.objects.exists()
    assert not Enrolment.objects.filter(learner=prisoner).exists()


def test_manual_issue_needs_a_reason_and_a_learner_of_the_officers_facility(
    officer, prisoner_course, facility_b
):
    stranger = factories.PrisonerFactory(facility=facility_b)
    with pytest.raises(CertificateError, match="not in your facilities"):
        certificate_issue_manual(
            actor=officer, learner=stranger, course=prisoner_course, reason="x"
        )
    own = factories.PrisonerFactory(facility=officer.managed_facilities.first())
    with pytest.raises(CertificateError, match="Say why"):
        certificate_issue_manual(actor=officer, learner=own, course=prisoner_course, reason=" ")
    staff_course = factories.make_course(title="Search procedures", audience="staff", lessons=1)
    with pytest.raises(CertificateError, match="not meant for this person"):
        certificate_issue_manual(actor=officer, learner=own, course=staff_course, reason="x")
    assert not Certificate.objects.exists()


def test_a_learner_cannot_issue_or_revoke(issued, prisoner):
    with pytest.raises(CertificateError):
        certificate_revoke(actor=prisoner, certificate=issued, reason="mine")


def test_a_reissue_is_a_new_certificate_and_the_old_one_is_revoked(
    issued, officer, django_capture_on_commit_callbacks
):
    template = CertificateTemplate.objects.create(name="College", layout="modern")
    completion = issued.completion
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(
            actor=officer,
            certificate=issued,
            reason="Name misspelt",
            holder_name="Nurlan Abenovich",
            template=template,
        )
    issued.refresh_from_db()
    new.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED and issued.completion is None
    assert issued.revoked_reason == "Replaced by a reissue: Name misspelt"
    assert new.status == Certificate.Status.ISSUED and new.completion == completion
    assert new.reissue_of == issued and new.version == 2
    for field in ("serial_code", "verification_code", "public_id", "status_index"):
        assert getattr(new, field) != getattr(issued, field), field
    old_id = json.loads(issued.credential_ld)["id"]
    new_id = json.loads(new.credential_ld)["id"]
    assert old_id != new_id == f"urn:uuid:{new.public_id}"
    assert "Nurlan Abenovich" in pdf_text(new.pdf.read())
    event = AuditEvent.objects.get(action="certificate.reissue")
    assert event.before["holder_name"] == "Nurlan Abenov"
    assert event.after["reason"] == "Name misspelt"
    assert event.after["reissued_as"] == new.serial_number


def test_the_officer_page_revokes_and_shows_history(client, issued, officer, facility_b):
    client.force_login(officer)
    url = reverse("certificates:manage_certificate", args=[issued.public_id])
    # Without the ticked confirmation nothing happens and the page says why.
    response = client.post(url, {"action": "revoke", "revoke-reason": "Fraud found"})
    assert "Tick the box to confirm" in response.content.decode()
    assert Certificate.objects.get(pk=issued.pk).status == Certificate.Status.ISSUED
    response = client.post(
        url, {"action": "revoke", "revoke-reason": "Fraud found", "revoke-confirm": "on"}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED and issued.revoked_reason == "Fraud found"
    assert "Revoked: Fraud found" in client.get(url).content.decode()
    # A double submit is refused, not a second revocation.
    client.post(url, {"action": "revoke", "revoke-reason": "again", "revoke-confirm": "on"})
    assert AuditEvent.objects.filter(action="certificate.revoke").count() == 1
    # An officer of another facility cannot reach it.
    client.force_login(factories.OfficerFactory(facility=facility_b))
    assert client.get(url).status_code == 404


def test_bulk_issue_issues_missing_certificates_and_counts_progress(
    prisoner, facility_a, django_capture_on_commit_callbacks
):
    course = factories.make_course(title="Bricklaying", lessons=1, issues_certificate=False)
    others = [factories.PrisonerFactory(facility=facility_a) for _ in range(2)]
    for person in [prisoner, *others]:
        factories_complete_without_certificate(person, course)
    assert not Certificate.objects.exists()
    course.issues_certificate = True
    course.save()
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    with django_capture_on_commit_callbacks(execute=True):
        bulk = bulk_issue_start(actor=admin, course=course)
    bulk.refresh_from_db()
    assert (bulk.status, bulk.total, bulk.done, bulk.failed) == ("done", 3, 3, 0)
    assert bulk.percent == 100
    assert Certificate.objects.filter(status="issued").count() == 3


def factories_complete_without_certificate(person, course):
    from courses.services import enrolment_create, lesson_complete

    enrolment_create(actor=person, learner=person, course=course)
    for lesson in course.lessons().specific():
        lesson_complete(actor=person, lesson=lesson)
    assert CourseCompletion.objects.filter(learner=person).exists()


def test_bulk_issue_progress_page_is_for_administrators(client, officer):
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    bulk = BulkIssue.objects.create(requested_by=admin, total=4, done=1, course_title="X")
    url = reverse("certificates_bulk_issue_progress", args=[bulk.public_id])
    client.force_login(admin)
    assert client.get(url).json() == {
        "status": "queued",
        "status_label": "Queued",
        "total": 4,
        "done": 1,
        "failed": 0,
        "percent": 25,
    }
    page = client.get(reverse("certificates_bulk_issue_status", args=[bulk.public_id]))
    assert b"data-bulk-progress" in page.content and b"<script>" not in page.content
    trainer = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    client.force_login(trainer)  # Wagtail turns PermissionDenied into a redirect home
    for refused in (url, reverse("certificates_bulk_issue")):
        response = client.get(refused)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_staff_certificates_expire_and_show_as_due_for_renewal(
    staff_member, officer, django_capture_on_commit_callbacks, client
):
    course = factories.make_course(title="Search procedures", audience="staff", lessons=1)
    course.validity_months = 12
    course.save()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(staff_member, course)
    certificate.refresh_from_db()
    assert certificate.expires_on == add_months(timezone.localdate(), 12)
    assert not renewals_due(viewer=staff_member).exists()
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() + timedelta(days=10)
    )
    assert list(renewals_due(viewer=staff_member)) == [certificate]
    assert list(renewals_due(viewer=officer)) == [certificate]
    client.force_login(officer)
    text = client.get(reverse("certificates:manage_renewals")).content.decode()
    assert "Search procedures" in text and str(staff_member) in text
    client.force_login(staff_member)
    assert "Due for renewal" in client.get(reverse("certificates:mine")).content.decode()


def test_a_renewed_certificate_is_no_longer_due_and_the_list_takes_one_query(
    staff_member, officer, django_capture_on_commit_callbacks, django_assert_num_queries
):
    course = factories.make_course(title="Search procedures", audience="staff", lessons=1)
    other = factories.make_course(title="First aid", audience="staff", lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        old = complete(staff_member, course)
        other_old = complete(staff_member, other)
    soon = timezone.localdate() + timedelta(days=10)
    Certificate.objects.filter(pk__in=[old.pk, other_old.pk]).update(expires_on=soon)
    Certificate.objects.create(
        learner=staff_member,
        holder_name=old.holder_name,
        course_title=old.course_title,
        provider=old.provider,
        hours=old.hours,
        language=old.language,
        completed_on=timezone.localdate(),
        course_key=old.course_key,
        status=Certificate.Status.ISSUED,
        expires_on=add_months(timezone.localdate(), 12),
    )
    with django_assert_num_queries(1):
        due = [(c.course_title, str(c.learner)) for c in renewals_due(viewer=officer)]
    assert due == [("First aid", str(staff_member))]


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services
def test_two_workers_issuing_the_same_certificate_at_once_give_one_certificate(facility_a):
    prisoner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(lessons=1)
    # Outside a test transaction on_commit runs at once and the eager task issues it:
    # put the row back to pending, as a worker would find it.
    certificate = complete(prisoner, course)
    certificate.pdf.storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.PENDING, pdf="", credential="", status_index=None
    )
    barrier = threading.Barrier(2)
    errors = []

    def issue():
        try:
            barrier.wait(timeout=10)
            certificate_issue(serial=certificate.serial)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    issues_before = AuditEvent.objects.filter(action="certificate.issue").count()
    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert Certificate.objects.filter(learner=prisoner).count() == 1
    assert AuditEvent.objects.filter(action="certificate.issue").count() == issues_before + 1
    stored = list(certificate.pdf.storage.listdir(certificate.pdf.name.rsplit("/", 1)[0])[1])
    assert sum(name.startswith(str(certificate.public_id)) for name in stored) == 1


def test_the_manual_issue_form_offers_only_courses_meant_for_the_person(
    client, officer, prisoner, prisoner_course, staff_course
):
    faith = factories.make_course(title="Paths", programme_type="faith_based")
    no_certificate = factories.make_course(title="Reading club", issues_certificate=False)
    client.force_login(officer)
    response = client.get(reverse("certificates:manage_issue", args=[prisoner.public_id]))
    offered = set(response.context["form"].fields["course"].queryset)
    assert prisoner_course in offered
    assert staff_course not in offered  # a staff course is not meant for a prisoner
    assert faith not in offered and no_certificate not in offered


def test_a_refused_manual_issue_keeps_what_was_typed(client, officer, prisoner, prisoner_course):
    client.force_login(officer)
    client.cookies["django_language"] = "ru"
    with translation.override("en"):  # the language the request turns on ends with it
        response = client.post(
            reverse("certificates:manage_issue", args=[prisoner.public_id]),
            {"course": prisoner_course.pk, "completed_on": "01.01.2030", "reason": "Classroom 4B"},
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Certificate.objects.exists()
    assert 'value="Classroom 4B"' in page and 'value="01.01.2030"' in page
    assert f'<option value="{prisoner_course.pk}" selected>' in page
    # Refused for the date typed in Russian's format (read, then found in the future),
    # not for a date the form could not read.
    assert "Дата завершения не может быть в будущем." in page
