"""Two evaluations at once (PostgreSQL): one cycle per person and requirement, one
reminder per event, no error from either."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests import factories
from training.engine import evaluate
from training.models import Assignment, Reminder

from .helpers import course_requirement

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_evaluations_at_once_create_each_cycle_once(facility_a, staff_course, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the services run)")
    from training import receivers

    with receivers.quiet():  # nothing evaluated before the two runs start
        for _ in range(60):
            factories.UserFactory(facility=facility_a)
        course_requirement(staff_course, all_staff=True)
        other = factories.make_course(title="First aid", audience="staff")
        course_requirement(other, all_staff=True, name="First aid")
    assert not Assignment.objects.exists()
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []
    # Both runs read each chunk before either writes it: the worst interleaving, every time.
    from django.db import transaction

    from training import engine

    class InLockstep:
        @staticmethod
        def atomic(*args, **kwargs):
            barrier.wait()
            return transaction.atomic(*args, **kwargs)

    monkeypatch.setattr(engine, "transaction", InLockstep)

    def run() -> None:
        try:
            evaluate(chunk=7)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Assignment.objects.count() == 120
    assert Assignment.objects.filter(ended_on=None).count() == 120
    assert Reminder.objects.count() == 120
