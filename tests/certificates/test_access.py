"""Every certificate URL (learner, public verification, management), as every role
(the pattern of tests/test_access_matrix.py, kept here so the shared matrix stays
small; the employability record's URLs are in the shared matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certificates.models import BulkIssue, Certificate, CertificateTemplate
from courses.services import enrolment_create, lesson_complete
from lms.core.models import User
from tests import factories
from tests.access import (
    ADMIN_HOME,
    ADMIN_LOGIN,
    FORBIDDEN,
    LOGIN,
    MISSING,
    OK,
    ROLES,
    answers_by_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(facility_a, facility_b, django_capture_on_commit_callbacks):
    prisoner = factories.PrisonerFactory(facility=facility_a)
    administrator = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    users = {
        "anonymous": None,
        "prisoner": prisoner,
        "staff_learner": factories.UserFactory(facility=facility_a),
        "officer": factories.OfficerFactory(facility=facility_a),
        "trainer": factories.UserFactory(role=User.Role.TRAINER, facility=None),
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "administrator": administrator,
    }
    course = factories.make_course(title="Carpentry", audience="prisoners", lessons=1)
    stranger = factories.PrisonerFactory(facility=facility_b)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (prisoner, stranger):
            enrolment_create(actor=person, learner=person, course=course)
            lesson_complete(actor=person, lesson=course.lessons().specific().get())
    mine = Certificate.objects.get(learner=prisoner)
    theirs = Certificate.objects.get(learner=stranger)
    template = CertificateTemplate.objects.create(name="Plain")
    bulk = BulkIssue.objects.create(requested_by=administrator, course_title="Carpentry")
    return {
        "users": users,
        "urls": {
            "credential": reverse("certificates:credential", args=[mine.public_id]),
            "privacy": reverse("certificates:privacy", args=[mine.public_id]),
            "verify_credential": reverse(
                "certificates:verify_credential", args=[mine.verification_code]
            ),
            "status_list": reverse("certificates:status_list"),
            "context": reverse("certificates:context", args=["credentials-v2.jsonld"]),
            "manage_list": reverse("certificates:manage_list"),
            "manage_renewals": reverse("certificates:manage_renewals"),
            "manage_certificate_a": reverse(
                "certificates:manage_certificate", args=[mine.public_id]
            ),
            "manage_certificate_b": reverse(
                "certificates:manage_certificate", args=[theirs.public_id]
            ),
            "manage_issue_a": reverse("certificates:manage_issue", args=[prisoner.public_id]),
            "manage_issue_b": reverse("certificates:manage_issue", args=[stranger.public_id]),
            "template_preview": reverse("certificates_template_preview", args=[template.pk, "ru"]),
            "template_snippets": reverse("wagtailsnippets_certificates_certificatetemplate:list"),
            "bulk_issue": reverse("certificates_bulk_issue"),
            "bulk_issue_status": reverse("certificates_bulk_issue_status", args=[bulk.public_id]),
            "bulk_issue_progress": reverse(
                "certificates_bulk_issue_progress", args=[bulk.public_id]
            ),
        },
    }


MANAGERS = {
    **{role: FORBIDDEN for role in ROLES},
    "anonymous": LOGIN,
    "officer": OK,
    "administrator": OK,
}
ADMINISTRATORS = {
    **{role: ADMIN_LOGIN for role in ROLES},
    "trainer": ADMIN_HOME,
    "officer": ADMIN_HOME,  # officers use the admin for kiosks, not for these
    "administrator": OK,
    "prisoner": FORBIDDEN,  # prisoners are on kiosks, which open no admin
}
# Public machine-readable URLs: open to all, but a kiosk opens only learning pages.
PUBLIC = {**{role: OK for role in ROLES}, "prisoner": FORBIDDEN}
EXPECTED: dict[str, dict[str, object]] = {
    "credential": {**{role: MISSING for role in ROLES}, "anonymous": LOGIN, "prisoner": OK},
    "privacy": {**{role: 405 for role in ROLES}, "anonymous": LOGIN},  # POST only
    "verify_credential": PUBLIC,
    "status_list": PUBLIC,
    "context": PUBLIC,
    "manage_list": MANAGERS,
    "manage_renewals": MANAGERS,
    "manage_certificate_a": MANAGERS,
    "manage_certificate_b": {**MANAGERS, "officer": MISSING},
    "manage_issue_a": MANAGERS,
    "manage_issue_b": {**MANAGERS, "officer": MISSING},
    "template_preview": ADMINISTRATORS,
    "template_snippets": {**ADMINISTRATORS, "trainer": ADMIN_HOME},
    "bulk_issue": ADMINISTRATORS,
    "bulk_issue_status": ADMINISTRATORS,
    "bulk_issue_progress": ADMINISTRATORS,
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_certificate_url_answers_each_role_as_designed(client, world, name):
    seen = answers_by_role(client, world["users"], world["urls"][name])
    assert seen == EXPECTED[name]
