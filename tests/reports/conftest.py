"""A hand-counted world for the reports: three facilities, two months (September and
October 2026), a vocational course and a faith-based one.

| facility | month | enrolled | of them completed (in that month) | certificates |
|----------|-------|----------|-----------------------------------|--------------|
| Alpha    | Sep   | 8        | 6                                 | 6            |
| Beta     | Sep   | 2        | 1                                 | 1            |
| Gamma    | Sep   | 6        | 5                                 | 5            |
| Alpha    | Oct   | 7        | 0                                 | 0            |
| Gamma    | Oct   | 9        | 3                                 | 3            |

Faith-based (voluntary) enrolments: Alpha 6 in September, Beta 2 in October.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from certificates.models import Certificate
from courses.models import CourseCompletion, Enrolment
from lms.core.models import User
from reports.periods import Period
from tests import factories

ALMATY = ZoneInfo("Asia/Almaty")
SEP = datetime.datetime(2026, 9, 10, 12, 0, tzinfo=ALMATY)
OCT = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=ALMATY)
PERIOD = Period(first=datetime.date(2026, 9, 1), months=2)
QUERY = "?from=2026-09&to=2026-10"


def _enrol(course, facility, when, n, completed=0, unit=None):
    for i in range(n):
        learner = factories.PrisonerFactory(
            facility=facility, unit=unit, first_name="Zarina", last_name=f"Secretname{i}"
        )
        enrolment = Enrolment.objects.create(
            learner=learner,
            course=course,
            course_key=course.translation_key,
            source="self",
            status="completed" if i < completed else "active",
            created_at=when,
        )
        if i < completed:
            completion = CourseCompletion.objects.create(
                learner=learner,
                enrolment=enrolment,
                course=course,
                course_key=course.translation_key,
                completed_at=when,
            )
            Certificate.objects.create(
                learner=learner,
                completion=completion,
                holder_name=learner.get_full_name(),
                course_title=course.title,
                provider="College",
                hours=12,
                language="en",
                completed_on=when.date(),
                course_key=course.translation_key,
                programme_type=course.programme_type,
                status=Certificate.Status.ISSUED,
                issued_at=when,
            )


@pytest.fixture
def world(db):
    alpha = factories.FacilityFactory(code="alpha", name="Alpha")
    beta = factories.FacilityFactory(code="beta", name="Beta")
    gamma = factories.FacilityFactory(code="gamma", name="Gamma")
    course = factories.make_course(title="Carpentry", lessons=1)
    faith = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    _enrol(course, alpha, SEP, 8, completed=6)
    _enrol(course, beta, SEP, 2, completed=1)
    _enrol(course, gamma, SEP, 6, completed=5)
    _enrol(course, alpha, OCT, 7)
    _enrol(course, gamma, OCT, 9, completed=3)
    _enrol(faith, alpha, SEP, 6)
    _enrol(faith, beta, OCT, 2)
    return {
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "administrator": factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None),
        "officer_beta": factories.OfficerFactory(facility=beta),
    }
