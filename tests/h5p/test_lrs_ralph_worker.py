"""The LRS down for a while, end to end: a real Celery worker on the configured broker
retries the send (with its backoff) while Ralph is stopped, and the statement arrives once
when Ralph is back."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from lms.celery import app as celery_app

from .ralph import PASSWORD, ROOT, USERNAME, RalphLRS, ralph_or_skip
from .test_endpoints import answered, client_for, post_statement

pytestmark = [
    pytest.mark.integration,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def ralph(tmp_path, settings):
    ralph_or_skip()
    server = RalphLRS(tmp_path)
    settings.H5P_LRS_ENDPOINT = server.endpoint
    settings.H5P_LRS_USERNAME, settings.H5P_LRS_PASSWORD = USERNAME, PASSWORD
    yield server
    server.stop()


@pytest.fixture
def worker(tmp_path, ralph):
    """A real worker on the default queue, forwarding to ``ralph``; yields its log path."""
    with celery_app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge("default")
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the worker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "H5P_LRS_ENDPOINT": ralph.endpoint,
        "H5P_LRS_USERNAME": USERNAME,
        "H5P_LRS_PASSWORD": PASSWORD,
        "H5P_LRS_TIMEOUT": "3",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            *("-m", "celery", "-A", "lms", "worker", "--pool=solo", "--queues=default"),
            *("--loglevel=INFO", "--without-gossip", "--without-mingle"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield log_path
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()
    print(log_path.read_text()[-5000:])


def test_statements_wait_while_the_lrs_is_down_and_arrive_once_when_it_is_back(
    ralph, worker, prisoner, h5p_lesson
):
    celery_app.conf.task_always_eager = False  # through the broker, to the worker
    lesson, block_id = h5p_lesson
    response = post_statement(client_for(prisoner), lesson, block_id, answered(1))
    assert response.status_code == 201
    stored_id = response.json()["id"]

    # Ralph is not running: the worker's send fails and is put back with a countdown.
    wait_for(lambda: "Retry in" in worker.read_text(), timeout=90, what="a retry")

    ralph.start()
    # The retries back off up to 10 s, 20 s, 40 s (with jitter): within this wait.
    wait_for(lambda: ralph.stored_lines(), timeout=90, what="the statement in Ralph")
    time.sleep(2)
    assert [line["id"] for line in ralph.stored_lines()] == [stored_id]
    assert [s["id"] for s in ralph.statements(stored_id)] == [stored_id]
