"""A process sending reminder digests is killed (SIGKILL) while the mail server holds the
message: the next run sends nothing twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from tests import factories
from training.engine import evaluate
from training.models import Reminder
from training.notifications import reminder_digests_send

from .helpers import course_requirement

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEND = "import django; django.setup(); from training.tasks import reminders_send_task as t; t()"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def test_a_sender_killed_mid_send_never_sends_the_same_reminders_twice(
    tmp_path, facility_a, staff_course
):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("needs a test database a second process can open")
    person = factories.UserFactory(facility=facility_a, email="aigerim@example.org")
    course_requirement(staff_course, all_staff=True)
    evaluate()
    marker = tmp_path / "handed-over.txt"
    process = subprocess.Popen(
        [sys.executable, "-c", SEND],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": database_url(),
            "EMAIL_BACKEND": "tests.training.slow_mail.EmailBackend",
            "QADAM_MAIL_MARKER": str(marker),
        },
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert marker.exists(), "the sender never reached the mail server"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert "aigerim@example.org" in marker.read_text()
    assert process.returncode == -signal.SIGKILL

    assert reminder_digests_send() == 0  # the next morning's run
    assert mail.outbox == []
    reminder = Reminder.objects.get(person=person)
    assert reminder.email_claim is not None and reminder.emailed_at is None
