"""Certificates revoked and expired, against a hand count on ``conftest.py``'s world
(Sep-Oct 2026, seen on 5 November):

- revoked in October: 5 of Alpha's, 1 of Gamma's;
- expired: Beta's one on 30 September, 4 of Gamma's on 5 October; one of Alpha's expires
  in January 2027 (not yet: not counted).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from certificates.models import Certificate
from reports.lapses import certificate_lapses
from tests.reports.conftest import ALMATY, PERIOD, QUERY

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 5)


def certificates(world, code, month):
    return list(
        Certificate.objects.filter(learner__facility=world[code], issued_at__month=month).order_by(
            "serial"
        )
    )


@pytest.fixture
def lapsed(world):
    october = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=ALMATY)
    alpha, gamma = certificates(world, "alpha", 9), certificates(world, "gamma", 9)
    revoked = [c.pk for c in alpha[:5]] + [gamma[0].pk]
    Certificate.objects.filter(pk__in=revoked).update(status="revoked", revoked_at=october)
    Certificate.objects.filter(pk__in=[c.pk for c in gamma[1:5]]).update(
        expires_on=datetime.date(2026, 10, 5)
    )
    Certificate.objects.filter(learner__facility=world["beta"]).update(
        expires_on=datetime.date(2026, 9, 30)
    )
    Certificate.objects.filter(pk=alpha[5].pk).update(expires_on=datetime.date(2027, 1, 1))
    return world


def figures(result):
    rows = {r.facility.code: (r.revoked.value, r.expired.value) for r in result.rows}
    return rows, (result.revoked.value, result.expired.value)


def test_an_administrator_sees_revoked_and_expired_exactly(lapsed):
    result = certificate_lapses(actor=lapsed["administrator"], period=PERIOD, today=TODAY)
    assert figures(result) == (
        {"alpha": (5, 0), "beta": (0, 1), "gamma": (1, 4)},
        (6, 5),
    )


def test_a_monitor_sees_them_suppressed_month_by_month(lapsed):
    result = certificate_lapses(actor=lapsed["monitor"], period=PERIOD, today=TODAY)
    # October's revoked: Gamma's 1 (primary) and Alpha's 5 (secondary); the 6 is shown.
    # Expired: September's 1 and October's 4 are each below 5, totals too.
    assert figures(result) == (
        {"alpha": (None, 0), "beta": (0, None), "gamma": (None, None)},
        (6, None),
    )


def test_an_officers_export_is_the_monitors_slice(lapsed):
    page = certificate_lapses(actor=lapsed["officer_beta"], period=PERIOD, today=TODAY)
    assert figures(page) == ({"beta": (0, 1)}, (0, 1))
    export = certificate_lapses(
        actor=lapsed["officer_beta"], period=PERIOD, today=TODAY, export=True
    )
    assert figures(export) == ({"beta": (0, None)}, (0, None))


def test_the_lapses_take_the_same_queries_however_many_there_are(lapsed, django_assert_num_queries):
    with django_assert_num_queries(4):
        certificate_lapses(actor=lapsed["monitor"], period=PERIOD, today=TODAY)
    Certificate.objects.filter(learner__facility=lapsed["gamma"], issued_at__month=10).update(
        expires_on=datetime.date(2026, 10, 25)
    )
    with django_assert_num_queries(4):
        result = certificate_lapses(actor=lapsed["administrator"], period=PERIOD, today=TODAY)
    assert figures(result)[0]["gamma"] == (1, 7)


def test_the_overview_shows_them(client, lapsed):
    client.force_login(lapsed["administrator"])
    html = client.get(reverse("reports:overview") + QUERY).content.decode()
    assert "Certificates revoked and expired over the whole period" in html
