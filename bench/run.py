"""`make bench`: how fast, as ratios against baselines measured in the same run.

Bounded: every load runs a fixed few seconds on loopback with wrk; certificate runs have
fixed counts. Needs PostgreSQL (DATABASE_URL, a database of its own: it is dropped and
created again) and Redis (CELERY_BROKER_URL). Writes bench/results/latest.json and the
table in bench/README.md. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8090"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = int(os.environ.get("BENCH_SECONDS", "6"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# --- Database ------------------------------------------------------------------------------


def recreate_database() -> None:
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not db["ENGINE"].endswith("postgresql"):
        sys.exit("make bench needs PostgreSQL in DATABASE_URL")
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_hit (id bigserial PRIMARY KEY, learner_id bigint NOT NULL,"
            " lesson_key uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )


def session_cookie(user, device=None) -> str:
    """A signed-in session of ``user`` in the configured session store; on ``device`` (a
    kiosk) the session is a kiosk session and the cookie carries the device's cookie too."""
    import time as clock
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from kiosk import kiosk_session as ks
    from lms.core.backends import KIOSK_BACKEND

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backends sessions really name (a session naming a backend that is not in
    # AUTHENTICATION_BACKENDS opens signed out: the floor would measure a redirect).
    store[BACKEND_SESSION_KEY] = (
        KIOSK_BACKEND if device is not None else "lms.core.backends.StaffPasswordBackend"
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    cookie = ""
    if device is not None:
        device, token = device
        now = clock.time()
        store[ks.DEVICE_KEY] = str(device.pk)
        store[ks.DEVICE_TOKEN_KEY] = device.token_hash
        store[ks.SIGNED_IN_AT_KEY] = now
        store[ks.ACTIVITY_KEY] = now
        store[ks.PIN_CHANGE_KEY] = False
        store.set_expiry(settings.KIOSK_SESSION_MAX_SECONDS)
        cookie = f"; {settings.KIOSK_DEVICE_COOKIE}={token}"
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}{cookie}"


def seed() -> dict:
    from courses.services import enrolment_create, lesson_complete
    from kiosk.services import devices as kiosk_devices
    from tests import factories

    facility = factories.FacilityFactory(code="bench", name="Bench facility")
    admin = factories.UserFactory(role="administrator", facility=None, username="benchadmin")
    _row, code = kiosk_devices.registration_code_create(
        actor=admin, facility=facility, unit=None, device_name="Bench kiosk"
    )
    device = kiosk_devices.device_register(code=code)
    reader = factories.PrisonerFactory(facility=facility)
    course = factories.make_course(title="Kiosk course", lessons=20, slug="kiosk")
    enrolment_create(actor=reader, learner=reader, course=course)
    lessons = list(course.lessons().specific())
    for lesson in lessons[:5]:
        lesson_complete(actor=reader, lesson=lesson)
    writers_course = factories.make_course(
        title="Progress course", lessons=20, slug="progress", issues_certificate=False
    )
    writers = [factories.PrisonerFactory(facility=facility) for _ in range(100)]
    for writer in writers:
        enrolment_create(actor=writer, learner=writer, course=writers_course)
    h5p_path = _h5p_activity(admin, list(writers_course.lessons().specific())[0])
    return {
        "lesson_url": lessons[10].url,
        "reader": reader,
        "device": device,
        "reader_cookie": session_cookie(reader, device),
        "writers": writers,
        "write_paths": [f"/learn/lessons/{lesson.pk}/time/" for lesson in writers_course.lessons()],
        "facility": facility,
        "xapi_path": h5p_path,
    }


def _h5p_activity(admin, lesson) -> str:
    """Put the tests' tiny H5P package in ``lesson``; return its statements URL."""
    import io

    from django.urls import reverse

    from h5p.importer import h5p_content_import
    from tests.h5p.builders import tiny_package

    content = h5p_content_import(actor=admin, upload=io.BytesIO(tiny_package()))
    lesson.body = [("h5p", {"content": content, "pass_mark": 60, "required": False})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return reverse("h5p:xapi", args=[lesson.pk, lesson.body[0].id])


# --- Web load with wrk -----------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(workers: int = 2):
    log_file = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["curl", "-sf", "-o", "/dev/null", f"{BASE}/bench/bare/"], check=False
                ).returncode
                == 0
            ):
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log_file.close()


@contextlib.contextmanager
def nginx(upstream_port: int, port: int):
    """nginx in front of gunicorn, as in production (docs/deploy.md): it reads each
    request whole before handing it on, so a kiosk that connected but has not sent its
    request yet never holds a sync worker."""
    conf = RESULTS / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {RESULTS / "nginx.pid"};
error_log {RESULTS / "nginx-error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path /tmp/qadam-bench-nginx-body;
    proxy_temp_path /tmp/qadam-bench-nginx-proxy;
    upstream app {{ server 127.0.0.1:{upstream_port}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $http_host;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
""")
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        url = f"http://127.0.0.1:{port}/bench/bare/"
        while time.monotonic() < deadline:
            status = subprocess.run(["curl", "-sf", "-o", "/dev/null", url], check=False)
            if status.returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("nginx did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def proc_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def settle(limit_s: float = 30, base: str = BASE) -> None:
    """Wait until the server has drained the previous load's queued requests, so one
    figure's backlog never counts against the next."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", f"{base}/bench/bare/"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if out and float(out) < 0.05:
            return
        time.sleep(0.5)


def wrk(
    path: str,
    *,
    connections: int,
    seconds: int = DURATION,
    cookie: str | None = None,
    script: Path | None = None,
    base: str = BASE,
) -> dict:
    settle(base=base)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, base + path], capture_output=True, text=True, timeout=seconds + 60
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found:
        raise RuntimeError(f"wrk said: {out[-2000:]}")
    rps = float(found.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    log(f"  {path[:40]} c={connections}: {rps:.0f} req/s")
    if rps == 0:
        log(out[-1500:])
    return {
        "rps": round(rps, 1),
        "p50_ms": latency("50%"),
        "p99_ms": latency("99%"),
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def progress_script(cookies: list[str], paths: list[str], csrf: str) -> Path:
    """Time reports as a kiosk's lesson page sends them: background requests, each with
    an id of its own (so each is new: the idempotency check finds nothing and the summary
    row is updated), spread over 100 learners and 20 lessons."""
    script = RESULTS / "progress.lua"
    lua_cookies = ",".join(f'"{c}; csrftoken={csrf}"' for c in cookies)
    lua_paths = ",".join(f'"{p}"' for p in paths)
    script.write_text(f"""
local cookies = {{{lua_cookies}}}
local paths = {{{lua_paths}}}
local n = 0
local thread_id = 0
local created = 0
function setup(thread)
  created = created + 1
  thread:set("offset", math.random(0, 100000))
  thread:set("thread_id", created)
end
function request()
  n = n + 1
  local i = n + offset
  local cookie = cookies[(i % #cookies) + 1]
  local path = paths[(math.floor(i / #cookies) % #paths) + 1]
  local id = string.format("%08x-%04x-4000-8000-%012x", math.random(0, 0x7fffffff),
    thread_id, n)
  return wrk.format("POST", path, {{["Cookie"] = cookie, ["X-CSRFToken"] = "{csrf}",
    ["X-Qadam-Background"] = "1",
    ["Content-Type"] = "application/x-www-form-urlencoded"}}, "seconds=5&id=" .. id)
end
""")
    return script


def xapi_script(cookies: list[str], path: str, csrf: str) -> Path:
    """H5P statements as the player sends them while a learner works (an "interacted"
    statement, the most frequent kind), each with its own id, from 100 kiosk learners."""
    script = RESULTS / "xapi.lua"
    lua_cookies = ",".join(f'"{c}; csrftoken={csrf}"' for c in cookies)
    script.write_text(f"""
local cookies = {{{lua_cookies}}}
local n = 0
local created = 0
function setup(thread)
  created = created + 1
  thread:set("thread_id", created)
end
function request()
  n = n + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", math.random(0, 0x7fffffff),
    thread_id, n)
  local body = '{{"id": "' .. id .. '", "statement": {{"verb": {{"id": ' ..
    '"http://adlnet.gov/expapi/verbs/interacted"}}, "object": {{"id": "x"}}}}}}'
  return wrk.format("POST", "{path}", {{["Cookie"] = cookies[(n % #cookies) + 1],
    ["X-CSRFToken"] = "{csrf}", ["X-Qadam-Background"] = "1",
    ["Content-Type"] = "application/json"}}, body)
end
""")
    return script


def paced_script(path: Path, milliseconds: int) -> Path:
    """Each connection waits about ``milliseconds`` between requests: kiosks with people
    reading, not a closed loop (wrk's latency excludes the wait)."""
    low, high = milliseconds // 2, milliseconds * 3 // 2
    path.write_text(f"function delay() return math.random({low}, {high}) end\n")
    return path


def expect_signed_in(path: str, cookie: str) -> None:
    """The floor answers 200 only to a signed-in kiosk session (a redirect or a 403
    would be measured as fast as anything)."""
    status = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Cookie: {cookie}"]
        + [BASE + path],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if status != "200":
        raise RuntimeError(f"{path} answered {status} to the bench's session, not 200")


def floor_benchmarks(data: dict) -> dict:
    """Only the signed-in floor and its bare baseline (``BENCH_ONLY=floor``)."""
    reader = data["reader_cookie"]
    with gunicorn(workers=2):
        expect_signed_in("/learn/bench-signed-in/", reader)
        wrk("/bench/bare/", connections=16, seconds=2)  # warm both processes
        wrk("/learn/bench-signed-in/", connections=16, seconds=2, cookie=reader)
        bare = wrk("/bench/bare/", connections=64)
        floor = wrk("/learn/bench-signed-in/", connections=64, cookie=reader)
        lesson = wrk(data["lesson_url"], connections=64, cookie=reader)
    return {
        "bare_view": bare,
        "signed_in_view": floor,
        "lesson_page_64": lesson,
        "signed_in_ratio": round(floor["rps"] / bare["rps"], 3),
        "lesson_page_ratio": round(lesson["rps"] / bare["rps"], 3),
    }


def web_benchmarks(data: dict) -> dict:
    results: dict = {}
    csrf = "b" * 32
    reader = data["reader_cookie"]
    with gunicorn(workers=2) as server:
        expect_signed_in("/learn/bench-signed-in/", reader)
        wrk("/bench/bare/", connections=16, seconds=2)  # warm both processes
        wrk(data["lesson_url"], connections=16, seconds=2, cookie=reader)
        bare = wrk("/bench/bare/", connections=64)
        lesson = wrk(data["lesson_url"], connections=64, cookie=reader)
        floor = wrk("/learn/bench-signed-in/", connections=64, cookie=reader)
        results["bare_view"] = bare
        results["signed_in_view"] = floor
        results["lesson_page_64"] = lesson
        results["lesson_page_ratio"] = round(lesson["rps"] / bare["rps"], 3)
        results["signed_in_ratio"] = round(floor["rps"] / bare["rps"], 3)
        for connections in (50, 200):
            results[f"lesson_page_{connections}"] = wrk(
                data["lesson_url"], connections=connections, cookie=reader
            )
        with nginx(PORT, PORT + 1) as proxied:
            results["lesson_page_200_paced"] = wrk(
                data["lesson_url"],
                connections=200,
                cookie=reader,
                script=paced_script(RESULTS / "paced.lua", 1000),
                base=proxied,
            )
        select_insert = wrk(
            "/bench/select-insert/", connections=64, script=_post_script(RESULTS / "post.lua")
        )
        writers = [session_cookie(writer, data["device"]) for writer in data["writers"]]
        progress = wrk(
            "/learn/",
            connections=64,
            script=progress_script(writers, data["write_paths"], csrf),
        )
        xapi = wrk(
            data["xapi_path"], connections=64, script=xapi_script(writers, data["xapi_path"], csrf)
        )
        results["select_insert_view"] = select_insert
        results["progress_write"] = progress
        results["progress_write_ratio"] = round(progress["rps"] / select_insert["rps"], 3)
        results["xapi_statement"] = xapi
        results["xapi_statement_ratio"] = round(xapi["rps"] / select_insert["rps"], 3)
        pids = worker_pids(server.pid)
        results["web_process_peak_rss_mb"] = round(
            max(proc_kb(pid, "VmHWM") for pid in pids) / 1024, 1
        )
    results["progress_reports_stored"] = _reports_stored()
    return results


def _reports_stored() -> int:
    from courses.models import LessonTimeReport
    from h5p.models import XAPIStatement

    stored = XAPIStatement.objects.count()
    if not stored:
        raise RuntimeError("no xAPI statement was stored: the load measured refusals")
    return LessonTimeReport.objects.count()


def _post_script(path: Path) -> Path:
    path.write_text('wrk.method = "POST"\nwrk.headers["Content-Length"] = "0"\n')
    return path


# --- Query counts and the profile --------------------------------------------------------------


def query_counts() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.services import enrolment_create
    from tests import factories

    facility = factories.FacilityFactory(code="counts", name="Counts")
    client = Client()

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured.captured_queries)

    counts = {}
    for lessons in (1, 50):
        learner = factories.PrisonerFactory(facility=facility)
        course = factories.make_course(lessons=lessons, slug=f"count-{lessons}")
        enrolment_create(actor=learner, learner=learner, course=course)
        client.force_login(learner)
        counts[f"lesson_page_{lessons}_lessons"] = count(list(course.lessons())[0].url)
        counts[f"course_page_{lessons}_lessons"] = count(course.url)
    courses = [factories.make_course(lessons=1, slug=f"many-{n}") for n in range(50)]
    for enrolled in (1, 50):
        learner = factories.PrisonerFactory(facility=facility)
        for course in courses[:enrolled]:
            enrolment_create(actor=learner, learner=learner, course=course)
        client.force_login(learner)
        counts[f"learning_home_{enrolled}_enrolments"] = count(reverse("learning:home"))
    return counts


def profile_lesson_page(data: dict) -> str:
    from django.test import Client

    client = Client()
    for part in data["reader_cookie"].split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    assert client.get(data["lesson_url"]).status_code == 200
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        client.get(data["lesson_url"])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(45)
    (RESULTS / "profile-lesson-page.txt").write_text(out.getvalue())
    return out.getvalue()


# --- Certificates --------------------------------------------------------------------------------


def completions(count: int, facility, prefix: str) -> None:
    """``count`` completed enrolments (one lesson each) whose certificates are pending."""
    from courses.services import enrolment_create, lesson_complete
    from tests import factories

    per_learner = 20
    courses = [factories.make_course(lessons=1, slug=f"{prefix}-{n}") for n in range(per_learner)]
    learners = [
        factories.PrisonerFactory(facility=facility)
        for _ in range((count + per_learner - 1) // per_learner)
    ]
    done = 0
    for learner in learners:
        for course in courses:
            if done == count:
                return
            enrolment_create(actor=learner, learner=learner, course=course)
            lesson_complete(actor=learner, lesson=course.lessons().specific()[0])
            done += 1


def certificate_benchmarks(facility) -> dict:
    from django.db import transaction

    from certificates.models import Certificate
    from certificates.rendering import _renderer, certificate_html
    from certificates.services.documents import certificate_data
    from certificates.services.issuing import certificate_issue
    from lms.celery import app

    results: dict = {}
    app.conf.task_always_eager = False
    purge()
    # 1. Per worker, in one process: raw WeasyPrint on the same HTML vs the whole issue.
    sample = 60
    with _no_publish():
        completions(sample, facility, "sample")
    pending = list(Certificate.objects.filter(status="pending").order_by("serial")[:sample])
    from weasyprint import HTML

    font_config, fetcher, stylesheets = _renderer()
    htmls = [certificate_html(certificate_data(c)) for c in pending]
    HTML(string=htmls[0], base_url="https://assets.qadam.invalid/", url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )  # warm
    started = time.perf_counter()
    for html in htmls:
        HTML(string=html, base_url="https://assets.qadam.invalid/", url_fetcher=fetcher).write_pdf(
            stylesheets=stylesheets, font_config=font_config
        )
    raw_rate = sample / (time.perf_counter() - started)
    started = time.perf_counter()
    for certificate in pending:
        certificate_issue(serial=certificate.serial)
    issue_rate = sample / (time.perf_counter() - started)
    results["raw_weasyprint_per_s"] = round(raw_rate, 1)
    results["issued_per_s_per_worker"] = round(issue_rate, 1)
    results["certificate_ratio"] = round(issue_rate / raw_rate, 3)

    # 2. CERTIFICATES through Redis by one worker node with 2 processes, with its memory.
    log(f"preparing {CERTIFICATES} completions")
    with _no_publish():
        completions(CERTIFICATES, facility, "batch")
    waiting = list(Certificate.objects.filter(status="pending").values_list("serial", flat=True))
    from certificates.tasks import certificate_issue_task

    with transaction.atomic():
        for serial in waiting:
            certificate_issue_task.delay(serial)
    log(f"{len(waiting)} certificates queued; starting 2 worker processes")
    worker_log = open(RESULTS / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--queues=certificates",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    first_issue = rss_half = None
    half = len(waiting) // 2
    deadline = started + 300
    try:
        while time.monotonic() < deadline:
            issued = Certificate.objects.filter(serial__in=waiting, status="issued").count()
            if issued and first_issue is None:
                first_issue = time.monotonic()
            children = worker_pids(worker.pid)
            if rss_half is None and issued >= half and children:
                rss_half = sum(proc_kb(pid, "VmRSS") for pid in children) / len(children)
            if issued == len(waiting):
                break
            time.sleep(0.25)
        finished = time.monotonic()
        children = worker_pids(worker.pid)
        rss_end = sum(proc_kb(pid, "VmRSS") for pid in children) / max(len(children), 1)
        peak = max(proc_kb(pid, "VmHWM") for pid in children) if children else 0
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        worker_log.close()
    results["batch"] = len(waiting)
    results["batch_issued"] = issued
    results["batch_seconds_from_worker_start"] = round(finished - started, 1)
    results["batch_seconds_first_to_last"] = round(finished - (first_issue or started), 1)
    results["worker_rss_mb_after_first_half"] = round((rss_half or 0) / 1024, 1)
    results["worker_rss_mb_after_all"] = round(rss_end / 1024, 1)
    results["worker_peak_rss_mb"] = round(peak / 1024, 1)
    results["worker_growth_second_half"] = round(rss_end / rss_half - 1, 3) if rss_half else None
    return results


@contextlib.contextmanager
def _no_publish():
    """Prepare certificates without publishing (the batch is published in one go)."""
    from certificates import tasks

    original = tasks.certificate_issue_task.delay
    tasks.certificate_issue_task.delay = lambda *args, **kwargs: None
    try:
        yield
    finally:
        tasks.certificate_issue_task.delay = original


def purge() -> None:
    from lms.celery import app

    with app.connection_for_write() as conn:
        for queue in ("default", "certificates"):
            with contextlib.suppress(Exception):
                conn.default_channel.queue_purge(queue)


# --- Report ---------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown cpu"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = proc_kb_total()
    return f"{os.cpu_count()} cores, {cpu}, {mem} GiB RAM, {platform.system()} {platform.release()}"


def proc_kb_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024)
    return 0


def commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return out.stdout.strip() + ("+dirty" if dirty else "")


def write_report(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    web, cert, counts = result["web"], result["certificates"], result["query_counts"]
    paced = web["lesson_page_200_paced"]
    rows = [
        (
            "lesson_page_ratio (goal >= 0.30)",
            web["lesson_page_ratio"],
            f"{web['lesson_page_64']['rps']} vs bare {web['bare_view']['rps']} req/s, 64 conns",
        ),
        (
            "signed-in floor (kiosk session, no page) / bare",
            web["signed_in_ratio"],
            f"{web['signed_in_view']['rps']} req/s: the most any signed-in kiosk page can do",
        ),
        (
            "lesson page p50 / p99, 200 kiosks each opening a page every ~1 s",
            f"{paced['p50_ms']} / {paced['p99_ms']} ms",
            f"{paced['rps']} req/s served",
        ),
        (
            "lesson page p50 / p99 at 50 conns",
            f"{web['lesson_page_50']['p50_ms']} / {web['lesson_page_50']['p99_ms']} ms",
            f"{web['lesson_page_50']['rps']} req/s",
        ),
        (
            "lesson page p50 / p99 at 200 conns, closed loop (goal p99 < 150 ms)",
            f"{web['lesson_page_200']['p50_ms']} / {web['lesson_page_200']['p99_ms']} ms",
            f"{web['lesson_page_200']['rps']} req/s",
        ),
        (
            "progress_write_ratio (goal >= 0.70)",
            web["progress_write_ratio"],
            f"{web['progress_write']['rps']} vs select+insert {web['select_insert_view']['rps']}"
            f" req/s; {web['progress_reports_stored']} reports stored",
        ),
        (
            "H5P statements / select+insert (no goal)",
            web["xapi_statement_ratio"],
            f"{web['xapi_statement']['rps']} statements/s stored (each new, not scored)",
        ),
        (
            "certificate_ratio (goal >= 0.80)",
            cert["certificate_ratio"],
            f"{cert['issued_per_s_per_worker']} issued/s vs raw WeasyPrint "
            f"{cert['raw_weasyprint_per_s']}/s, one process",
        ),
        (
            f"{cert['batch']} certificates, 2 worker processes (goal < 60 s)",
            f"{cert['batch_seconds_from_worker_start']} s",
            f"{cert['batch_issued']} of {cert['batch']} issued; "
            f"{cert['batch_seconds_first_to_last']} s from first to last issue",
        ),
        (
            "worker RSS after first half / after all (goal growth <= 10%)",
            f"{cert['worker_rss_mb_after_first_half']} / {cert['worker_rss_mb_after_all']} MB",
            f"growth {cert['worker_growth_second_half']}",
        ),
        ("web process peak RSS", f"{web['web_process_peak_rss_mb']} MB", "after all web loads"),
        (
            "queries: lesson page, 1 vs 50 lessons",
            f"{counts['lesson_page_1_lessons']} / {counts['lesson_page_50_lessons']}",
            "",
        ),
        (
            "queries: course page, 1 vs 50 lessons",
            f"{counts['course_page_1_lessons']} / {counts['course_page_50_lessons']}",
            "",
        ),
        (
            "queries: learning home, 1 vs 50 enrolments",
            f"{counts['learning_home_1_enrolments']} / {counts['learning_home_50_enrolments']}",
            "",
        ),
    ]
    table = [
        f"Run {result['date']} on {result['machine']}, commit `{result['commit']}`.",
        "",
        "| figure | value | detail |",
        "|---|---|---|",
    ]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    readme.write_text(before + start + "\n" + "\n".join(table) + "\n" + end + after)


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench-deps` (Debian package wrk)")
    RESULTS.mkdir(exist_ok=True)
    log("recreating the bench database")
    recreate_database()
    setup_django()
    log("seeding")
    data = seed()
    if os.environ.get("BENCH_ONLY") == "floor":
        log("the signed-in floor only (BENCH_ONLY=floor)")
        floor = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit()}
        floor |= floor_benchmarks(data)
        (RESULTS / "floor.json").write_text(json.dumps(floor, indent=2) + "\n")
        log(json.dumps({k: floor[k] for k in ("signed_in_ratio", "lesson_page_ratio")}))
        return
    log("web loads (wrk, loopback)")
    web = web_benchmarks(data)
    log("query counts and the lesson page profile")
    counts = query_counts()
    profile_lesson_page(data)
    log("certificates")
    cert = certificate_benchmarks(data["facility"])
    purge()
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "commit": commit(),
        "settings": {
            "web": "gunicorn, 2 sync workers",
            "cache": "Redis (CACHE_URL), sessions cached_db",
            "wrk": f"2 threads, {DURATION}s",
            "database": "PostgreSQL, CONN_MAX_AGE=600",
            "broker": "Redis",
        },
        "lesson_page_ratio": web["lesson_page_ratio"],
        "progress_write_ratio": web["progress_write_ratio"],
        "certificate_ratio": cert["certificate_ratio"],
        "web": web,
        "certificates": cert,
        "query_counts": counts,
    }
    write_report(result)
    log(
        json.dumps(
            {
                k: result[k]
                for k in ("lesson_page_ratio", "progress_write_ratio", "certificate_ratio")
            }
        )
    )


if __name__ == "__main__":
    main()
