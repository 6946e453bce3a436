"""Parts fail; nothing is lost. Against the real services (``make test-services``):

- a worker process killed in the middle of rendering: the certificate is issued once;
- the broker stopped for a while: completions are recorded, and certificates are issued
  once it is back (the sweeper re-enqueues what the outage lost);
- PostgreSQL cut during progress writes (a TCP proxy drops every connection and refuses
  new ones for a while): the client's retries succeed, with no duplicate.

Every wait is bounded; every process started here is stopped here. The machine's own
PostgreSQL and Redis are never touched: the broker that is stopped is a throwaway
redis-server of this test's own.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from certificates.models import Certificate
from courses.models import CourseCompletion, LessonProgress, LessonTimeReport
from courses.services import enrolment_create, lesson_complete
from lms.celery import app as celery_app
from lms.core.models import AuditEvent
from tests import factories
from tests.kiosk_client import sign_in

from .tcp_proxy import CuttableProxy

ROOT = Path(__file__).resolve().parents[2]
ON_SERVICES = settings.DATABASES["default"][
    "ENGINE"
] == "django.db.backends.postgresql" and settings.CELERY_BROKER_URL.startswith("redis://")
pytestmark = [
    pytest.mark.services,
    pytest.mark.integration,
    pytest.mark.skipif(not ON_SERVICES, reason="fault tests run on PostgreSQL + Redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(predicate, *, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def celery_worker(tmp_path: Path, broker_url: str, **env: str):
    """A real prefork worker (one child process) on ``broker_url`` and the test database."""
    log = open(tmp_path / f"worker-{secrets.token_hex(3)}.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.production.fault_worker",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--queues=default,certificates",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "QADAM_SLOW_RENDER_MARKER": str(tmp_path / "no-slow-render"),
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_text = lambda: Path(log.name).read_text(errors="replace")
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.seek(0)
        print(log.read()[-6000:])


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Make this process publish to ``broker_url`` (and back to the configured one after)."""
    previous = celery_app.conf.broker_url

    def reset():
        from kombu import pools

        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        pools.reset()

    previous_env = os.environ.get("CELERY_BROKER_URL")
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    os.environ["CELERY_BROKER_URL"] = celery_app.conf.broker_url = broker_url
    reset()
    assert celery_app.connection_for_write().as_uri(include_password=True) == broker_url
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        reset()


def purge(broker_url: str) -> None:
    with celery_app.connection_for_write(broker_url) as conn:
        for queue in ("default", "certificates"):
            with contextlib.suppress(Exception):
                conn.default_channel.queue_purge(queue)


def complete_course(learner, course) -> None:
    enrolment_create(actor=learner, learner=learner, course=course)
    for lesson in course.lessons().specific():
        lesson_complete(actor=learner, lesson=lesson)


def issued_once(certificate: Certificate) -> None:
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED, certificate.last_error
    assert Certificate.objects.filter(completion=certificate.completion).count() == 1
    issue_events = AuditEvent.objects.filter(
        action="certificate.issue", object_id=str(certificate.pk)
    )
    assert issue_events.count() == 1
    pdfs = list((Path(settings.PRIVATE_MEDIA_ROOT)).rglob(f"{certificate.public_id}*.pdf"))
    # One PDF, the one the row points at (a second render would leave "<name>_<random>.pdf").
    assert [p.name for p in pdfs] == [Path(certificate.pdf.name).name]


# --- A worker killed in the middle of rendering ------------------------------------------


def test_a_worker_killed_while_rendering_still_issues_the_certificate_once(tmp_path, facility_a):
    celery_app.conf.task_always_eager = False
    broker = settings.CELERY_BROKER_URL
    purge(broker)
    marker = tmp_path / "slow-render.pid"
    learner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(lessons=1)
    with celery_worker(
        tmp_path, broker, QADAM_SLOW_RENDER_MARKER=str(marker), QADAM_SLOW_RENDER_SECONDS="120"
    ):
        complete_course(learner, course)  # publishes the task after the commit
        certificate = Certificate.objects.get(learner=learner)
        pid = int(
            wait_for(
                lambda: marker.exists() and marker.read_text(),
                timeout=60,
                what="the render to start",
            )
        )
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.RENDERING
        os.kill(pid, signal.SIGKILL)  # the pool process, mid-render
        # Late ack + reject on worker lost: the message goes back to the queue, a new pool
        # process takes it and finishes the job.
        wait_for(
            lambda: Certificate.objects.filter(
                pk=certificate.pk, status=Certificate.Status.ISSUED
            ).exists(),
            timeout=90,
            what="the certificate to be issued after the kill",
        )
    issued_once(certificate)
    certificate.refresh_from_db()
    assert certificate.attempts == 2  # the killed try and the one that finished


# --- The broker stopped for a while ------------------------------------------------------


@pytest.fixture
def throwaway_redis(tmp_path):
    """Our own redis-server (no persistence), which the test may stop and start again."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the broker fault test (Debian package)")
    port = free_port()
    state: dict = {}

    def start():
        state["process"] = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _accepts(port), timeout=10, what="redis-server to start")

    def stop():
        process = state.pop("process", None)
        if process is not None:
            process.terminate()
            process.wait(timeout=10)

    start()
    yield type("Redis", (), {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop})
    stop()


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_completions_during_a_broker_outage_are_kept_and_certified_when_it_returns(
    tmp_path, facility_a, client, throwaway_redis
):
    celery_app.conf.task_always_eager = False
    course = factories.make_course(lessons=2)
    learners = [factories.PrisonerFactory(facility=facility_a) for _ in range(3)]
    with (
        publishing_to(throwaway_redis.url),
        celery_worker(tmp_path, throwaway_redis.url, CERTIFICATE_SWEEP_AFTER="0") as worker,
    ):
        wait_for(lambda: "ready." in worker.log_text(), timeout=60, what="the worker")
        throwaway_redis.stop()
        # Learners finish the course through the site while the broker is down: no error.
        for learner in learners:
            sign_in(client, learner)
            client.post(f"/learn/courses/{course.pk}/enrol/")
            for lesson in course.lessons():
                response = client.post(f"/learn/lessons/{lesson.pk}/done/")
                assert response.status_code == 302
        assert CourseCompletion.objects.filter(learner__in=learners).count() == 3
        assert set(Certificate.objects.values_list("status", flat=True)) == {"pending"}

        # The broker returns empty (no persistence): the messages are lost. Beat's next
        # sweep (run here as beat would send it) enqueues them again.
        throwaway_redis.start()
        from certificates.tasks import certificate_sweep_task

        wait_for(lambda: _publish(certificate_sweep_task), timeout=30, what="publishing again")
        wait_for(
            lambda: Certificate.objects.filter(status="issued").count() == 3,
            timeout=120,
            what="three certificates issued after the outage",
        )
    for certificate in Certificate.objects.all():
        issued_once(certificate)


def _publish(task) -> bool:
    try:
        task.delay()
    except Exception:  # the broker is still coming back
        return False
    return True


# --- PostgreSQL cut during progress writes -----------------------------------------------


class KioskClient:
    """What a kiosk's page does with a save: POST it, and on an error or a dropped
    connection send the very same request again (bounded), as the offline queue does."""

    def __init__(self, live_server, signed_in: Client) -> None:
        """``signed_in``: a test client signed in on a kiosk, whose session and kiosk
        device cookies this client sends (a prisoner's session is bound to the kiosk)."""
        self.host, port = live_server.url.removeprefix("http://").split(":")
        self.port = int(port)
        self.csrf = secrets.token_hex(16)
        self.cookie = "; ".join(
            [
                f"{settings.SESSION_COOKIE_NAME}={signed_in.cookies[settings.SESSION_COOKIE_NAME].value}",
                f"{settings.KIOSK_DEVICE_COOKIE}={signed_in.cookies[settings.KIOSK_DEVICE_COOKIE].value}",
                f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
            ]
        )
        self.attempts: list[int] = []

    def post(self, path: str, body: str = "", *, ok: int) -> int:
        status = 0
        for attempt in range(1, 40):
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=15)
                conn.request(
                    "POST",
                    path,
                    body=body.encode(),
                    headers={
                        "Cookie": self.cookie,
                        "X-CSRFToken": self.csrf,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Content-Length": str(len(body.encode())),
                    },
                )
                status = conn.getresponse().status
                conn.close()
            except OSError:
                status = 0
            if status == ok:
                self.attempts.append(attempt)
                return status
            time.sleep(0.25)
        return status


@contextlib.contextmanager
def database_behind_a_cuttable_proxy():
    """New server connections go through a TCP proxy that the test can cut."""
    db = connection.settings_dict
    proxy = CuttableProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    original = (db["HOST"], db["PORT"])
    db["HOST"], db["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        db["HOST"], db["PORT"] = original
        proxy.stop()


def cutting(proxy, items, *, first_at: int, second_at: int):
    """Yield ``items``; cut the database for 2 s before ``first_at`` and for 0.5 s after
    ``second_at``."""
    cutter = None
    for number, item in enumerate(items):
        if number == first_at:
            cutter = threading.Thread(target=proxy.cut, args=(2.0,))
            cutter.start()
        yield item
        if number == second_at and cutter is not None:
            cutter.join(timeout=10)
            threading.Thread(target=proxy.cut, args=(0.5,)).start()


def test_progress_writes_survive_a_database_cut_with_no_duplicate(live_server, client, facility_a):
    celery_app.conf.task_always_eager = True
    learner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(lessons=12)
    course.issues_certificate = True
    course.save()
    enrolment_create(actor=learner, learner=learner, course=course)
    lessons = list(course.lessons())
    sign_in(client, learner)
    kiosk = KioskClient(live_server, client)
    with database_behind_a_cuttable_proxy() as proxy:
        for lesson in cutting(proxy, lessons, first_at=4, second_at=8):
            assert kiosk.post(f"/learn/lessons/{lesson.pk}/done/", ok=302) == 302
        assert proxy.cuts == 2
    assert max(kiosk.attempts) > 1, "the cut never hit a request: the test proved nothing"
    progress = LessonProgress.objects.filter(learner=learner)
    assert progress.count() == 12
    assert all(row.completed_at for row in progress)
    assert AuditEvent.objects.filter(action="lesson.complete", actor=learner).count() == 12
    assert CourseCompletion.objects.filter(learner=learner).count() == 1
    assert Certificate.objects.filter(learner=learner).count() == 1


def test_time_reports_sent_again_through_a_database_cut_count_once(live_server, client, facility_a):
    """Each report is retried with its own id until it is answered: some retries come
    after the server stored the report but the answer was lost; none counts twice."""
    learner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(lessons=12)
    enrolment_create(actor=learner, learner=learner, course=course)
    lessons = list(course.lessons())
    sign_in(client, learner)
    kiosk = KioskClient(live_server, client)
    report_ids = [uuid.uuid4() for _ in lessons]
    with database_behind_a_cuttable_proxy() as proxy:
        for lesson, report_id in cutting(
            proxy, list(zip(lessons, report_ids, strict=True)), first_at=4, second_at=8
        ):
            body = f"id={report_id}&seconds=5"
            assert kiosk.post(f"/learn/lessons/{lesson.pk}/time/", body, ok=204) == 204
        assert proxy.cuts == 2
    assert max(kiosk.attempts) > 1, "the cut never hit a request: the test proved nothing"
    stored = LessonTimeReport.objects.filter(learner=learner)
    assert sorted(stored.values_list("client_id", flat=True)) == sorted(report_ids)
    # A lesson's first report is credited in full: 5 s each, once.
    assert (
        sorted(
            LessonProgress.objects.filter(learner=learner).values_list("seconds_spent", flat=True)
        )
        == [5] * 12
    )
