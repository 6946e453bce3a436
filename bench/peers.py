"""`make bench-peers`: Kolibri, the peer, measured in the same run as Qadam's matching rows.

Kolibri (requirements/kolibri.txt, hash-pinned) lives in var/kolibri-venv, never in
Qadam's .venv; its home is var/kolibri-home and its database `qadam_bench_kolibri` (both
made again on every run). It is provisioned with its own commands (`kolibri manage
migrate`, `provisiondevice`) and models (bench/kolibri_peer/provision.py in `kolibri
manage shell`: a channel made locally, learners, sessions), then served as bench/run.py
serves Qadam: gunicorn, 2 sync workers, loopback; wrk, 2 threads, 64 connections. Each
side is divided by its own bare Django view measured in the same round, and the two
sides' loads alternate (Qadam, Kolibri) row by row.

Bounded: every load runs BENCH_PEERS_SECONDS (default BENCH_SECONDS, 6) seconds, every
command and start has a timeout, and every process started is stopped (process groups,
in ``finally``, on Ctrl-C and SIGTERM too). No network beyond 127.0.0.1. Writes
bench/results/peers.json, bench/results/peers.md and the table in bench/README.md.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import run

ROOT = run.ROOT
RESULTS = run.RESULTS
SECONDS = int(os.environ.get("BENCH_PEERS_SECONDS", str(run.DURATION)))
ROUNDS = int(os.environ.get("BENCH_PEERS_ROUNDS", "2"))
KOLIBRI_VENV = ROOT / "var" / "kolibri-venv"
KOLIBRI_HOME = ROOT / "var" / "kolibri-home"
KOLIBRI_PORT = int(os.environ.get("KOLIBRI_BENCH_PORT", str(run.PORT + 10)))
KOLIBRI_BASE = f"http://127.0.0.1:{KOLIBRI_PORT}"
KOLIBRI_DATABASE = os.environ.get(
    "KOLIBRI_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qadam_bench_kolibri"
)
CSRF = "b" * 32
OPEN_REQUESTS = 7  # what Kolibri's learn page asks for when a resource opens (see below)

log = run.log


# --- Kolibri: environment, provisioning, server ---------------------------------------------


def kolibri_env(extra: dict | None = None) -> dict:
    import dj_database_url

    db = dj_database_url.parse(KOLIBRI_DATABASE)
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
    return {
        **keep,
        "KOLIBRI_HOME": str(KOLIBRI_HOME),
        "KOLIBRI_DATABASE_ENGINE": "postgres",
        "KOLIBRI_DATABASE_NAME": db["NAME"],
        "KOLIBRI_DATABASE_USER": db["USER"] or "postgres",
        "KOLIBRI_DATABASE_PASSWORD": db["PASSWORD"] or "",
        "KOLIBRI_DATABASE_HOST": db["HOST"] or "127.0.0.1",
        "KOLIBRI_DATABASE_PORT": str(db["PORT"] or 5432),
        # Kolibri's own settings plus persistent connections and the baseline views.
        "DJANGO_SETTINGS_MODULE": "bench.kolibri_peer.settings",
        "PYTHONPATH": str(ROOT),
        **(extra or {}),
    }


def recreate_kolibri_database() -> None:
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(KOLIBRI_DATABASE)
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def kolibri(*args: str, timeout: float, env: dict | None = None) -> str:
    """`kolibri manage ...` in its own process group, killed with it on timeout."""
    process = subprocess.Popen(
        [str(KOLIBRI_VENV / "bin" / "kolibri"), "manage", *args],
        cwd=ROOT,
        env=env or kolibri_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    if process.returncode != 0:
        raise RuntimeError(f"kolibri manage {args[0]} failed:\n{out[-3000:]}")
    return out


def provision_kolibri() -> tuple[dict, dict]:
    """Kolibri from nothing: database, home, migrations, facility, channel, learners."""
    timings = {}
    started = time.monotonic()
    recreate_kolibri_database()
    shutil.rmtree(KOLIBRI_HOME, ignore_errors=True)
    KOLIBRI_HOME.mkdir(parents=True)
    kolibri("migrate", "--noinput", timeout=600)
    timings["migrate_s"] = round(time.monotonic() - started, 1)
    mark = time.monotonic()
    kolibri(
        "provisiondevice",
        "--facility",
        "Bench facility",
        "--superusername",
        "benchadmin",
        "--superuserpassword",
        "bench-admin-password",
        "--preset",
        "formal",
        "--language_id",
        "en",
        "--noinput",
        timeout=300,
    )
    timings["provisiondevice_s"] = round(time.monotonic() - mark, 1)
    mark = time.monotonic()
    script = ROOT / "bench" / "kolibri_peer" / "provision.py"
    out = kolibri("shell", "-c", f"import runpy; runpy.run_path({str(script)!r})", timeout=300)
    timings["channel_and_learners_s"] = round(time.monotonic() - mark, 1)
    timings["total_s"] = round(time.monotonic() - started, 1)
    line = next(x for x in out.splitlines() if x.startswith("BENCH-PROVISION "))
    return json.loads(line.split(" ", 1)[1]), timings


@contextlib.contextmanager
def kolibri_gunicorn(user_id: str, workers: int = 2):
    """Kolibri's own WSGI application (static files and content through its WhiteNoise,
    as `kolibri start` serves them) under gunicorn, exactly as bench/run.py runs Qadam."""
    log_file = open(RESULTS / "kolibri-gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(KOLIBRI_VENV / "bin" / "python"),
            "-m",
            "gunicorn",
            "kolibri.deployment.default.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{KOLIBRI_PORT}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=kolibri_env({"KOLIBRI_BENCH_USER_ID": user_id}),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("Kolibri's gunicorn exited: bench/results/kolibri-gunicorn.log")
            with contextlib.suppress(OSError):
                if call("/bench/bare/")[0] == 200:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError("Kolibri's gunicorn did not start")
        yield process
    finally:
        stop(process)
        log_file.close()


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def call(
    path: str, *, method: str = "GET", cookie: str = "", body: str | None = None
) -> tuple[int, bytes]:
    """One request to Kolibri on loopback (http.client: nothing but 127.0.0.1)."""
    headers = {"Cookie": cookie} if cookie else {}
    if method != "GET":
        headers |= {"X-CSRFToken": CSRF, "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", KOLIBRI_PORT, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_session(cookie: str, node: dict, peer: dict) -> str:
    """A learner's progress session on ``node``, as its viewer opens one; its id."""
    body = {
        "node_id": node["id"],
        "content_id": node["content_id"],
        "channel_id": peer["channel_id"],
        "kind": "html5",
    }
    code, answer = call(
        "/api/logger/trackprogress/", method="POST", cookie=signed_in(cookie), body=json.dumps(body)
    )
    if code != 200:
        raise RuntimeError(f"trackprogress answered {code}: {answer[:300]!r}")
    return json.loads(answer)["session_id"]


def signed_in(cookie: str) -> str:
    return f"{cookie}; kolibri_csrftoken={CSRF}"


# --- Kolibri's requests ---------------------------------------------------------------------


def open_requests(data: dict) -> list[tuple[str, str, str | None]]:
    """What Kolibri 0.19.5's learn page requests when a learner opens a resource
    (`/en/learn/#/topics/c/<id>`), recorded with Chromium: the page, the session
    heartbeat, the learner's state, the node, the channels, the node's bookmarks and the
    start of progress tracking (a new session log). Static files (cached by a browser)
    and the resource's own file (a zip served on another origin) are left out."""
    node = data["resources"][len(data["resources"]) // 2]
    heartbeat = {  # as Chromium sent it on opening
        "active": False,
        "browser": {"name": "Chrome Headless", "major": "156", "minor": "0", "patch": "0"},
        "os": {"name": "Linux", "major": ""},
    }
    start = {
        "node_id": node["id"],
        "content_id": node["content_id"],
        "channel_id": data["channel_id"],
        "kind": "html5",
    }
    return [
        ("GET", "/en/learn/", None),
        ("PUT", "/api/auth/session/current/", json.dumps(heartbeat)),
        ("GET", "/learn/api/state", None),
        ("GET", f"/api/content/contentnode/{node['id']}/", None),
        ("GET", "/api/content/channel/?available=true", None),
        ("GET", f"/api/bookmarks/bookmarks/?contentnode_id={node['id']}", None),
        ("POST", "/api/logger/trackprogress/", json.dumps(start)),
    ]


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here (ASCII)


def open_script(requests: list, cookie: str) -> Path:
    """The seven requests in turn, from one signed-in learner, as one resource opening."""
    script = RESULTS / "kolibri-open.lua"
    rows = ",".join(
        f"{{{lua_string(m)}, {lua_string(p)}, {lua_string(b or '')}}}" for m, p, b in requests
    )
    script.write_text(f"""
local requests = {{{rows}}}
local cookie = "{cookie}; kolibri_csrftoken={CSRF}"
local n = 0
function request()
  n = n + 1
  local r = requests[((n - 1) % #requests) + 1]
  local headers = {{["Cookie"] = cookie, ["X-CSRFToken"] = "{CSRF}"}}
  if r[3] ~= "" then headers["Content-Type"] = "application/json" end
  if r[3] == "" then return wrk.format(r[1], r[2], headers) end
  return wrk.format(r[1], r[2], headers, r[3])
end
""")
    return script


def write_script(cookies: list[str], sessions: list[str]) -> Path:
    """Kolibri's progress write as its viewers send it while a learner works: `PUT
    /api/logger/trackprogress/<session>/` with the seconds spent, over 100 learners' open
    sessions (each learner's own)."""
    script = RESULTS / "kolibri-write.lua"
    pairs = ",".join(
        f'{{"{c}; kolibri_csrftoken={CSRF}", "/api/logger/trackprogress/{s}/"}}'
        for c, s in zip(cookies, sessions, strict=True)
    )
    script.write_text(f"""
local pairs = {{{pairs}}}
local n = 0
function setup(thread)
  thread:set("offset", math.random(0, 1000))
end
function request()
  n = n + 1
  local p = pairs[((n + offset) % #pairs) + 1]
  return wrk.format("PUT", p[2], {{["Cookie"] = p[1], ["X-CSRFToken"] = "{CSRF}",
    ["Content-Type"] = "application/json"}}, '{{"time_spent_delta": 5}}')
end
""")
    return script


# --- The round ------------------------------------------------------------------------------


def measure(path: str, *, base: str, **kwargs) -> dict:
    result = run.wrk(path, connections=64, seconds=SECONDS, base=base, **kwargs)
    if result["non_2xx_3xx"] > 0.01 * result["rps"] * SECONDS:
        raise RuntimeError(f"{base}{path}: {result['non_2xx_3xx']} answers were not 2xx/3xx")
    return result


def expect(requests: list, cookie: str) -> None:
    for method, path, body in requests:
        code, _ = call(path, method=method, cookie=signed_in(cookie), body=body)
        if code not in (200, 201):
            raise RuntimeError(f"{method} {path} answered {code} to the bench's learner")


ROWS = ("bare", "floor", "open", "select_insert", "write")


def loads(qadam: dict, peer: dict) -> list[dict]:
    """Both servers up; ROUNDS rounds, each row measured on both sides in turn (Qadam
    first in rounds 1, 3, ..., Kolibri first in rounds 2, 4, ..., so neither always runs
    second)."""
    reader = qadam["reader_cookie"]
    learner = peer["cookies"][0]
    requests = open_requests(peer)
    with run.gunicorn(workers=2), kolibri_gunicorn(peer["user_id"], workers=2):
        run.expect_signed_in("/learn/bench-signed-in/", reader)
        expect([("GET", "/bench/signed-in/", None), *requests], learner)
        resources = peer["resources"]
        sessions = [
            start_session(cookie, resources[n % len(resources)], peer)
            for n, cookie in enumerate(peer["cookies"])
        ]
        writers = [run.session_cookie(w, qadam["device"]) for w in qadam["writers"]]
        post = run._post_script(RESULTS / "post.lua")
        targets = {
            "qadam": {
                "bare": ("/bench/bare/", {}),
                "floor": ("/learn/bench-signed-in/", {"cookie": reader}),
                "open": (qadam["lesson_url"], {"cookie": reader}),
                "select_insert": ("/bench/select-insert/", {"script": post}),
                "write": (
                    "/learn/",
                    {"script": run.progress_script(writers, qadam["write_paths"], CSRF)},
                ),
            },
            "kolibri": {
                "bare": ("/bench/bare/", {}),
                "floor": ("/bench/signed-in/", {"cookie": learner}),
                "open": ("/", {"script": open_script(requests, learner)}),
                "select_insert": ("/bench/select-insert/", {"script": post}),
                "write": ("/", {"script": write_script(peer["cookies"], sessions)}),
            },
        }
        bases = {"qadam": run.BASE, "kolibri": KOLIBRI_BASE}
        for side in ("qadam", "kolibri"):  # warm both sides' processes
            for row in ("bare", "open"):
                path, kwargs = targets[side][row]
                run.wrk(path, connections=16, seconds=2, base=bases[side], **kwargs)
        rounds = []
        for number in range(ROUNDS):
            order = ("qadam", "kolibri") if number % 2 == 0 else ("kolibri", "qadam")
            log(f"round {number + 1} of {ROUNDS}: {' then '.join(order)}, row by row")
            measured: dict = {"qadam": {}, "kolibri": {}}
            for row in ROWS:
                for side in order:
                    path, kwargs = targets[side][row]
                    measured[side][row] = measure(path, base=bases[side], **kwargs)
            rounds.append(measured)
    return rounds


def ratios(side: dict, requests_per_open: int) -> dict:
    bare = side["bare"]["rps"]
    return {
        "signed_in_floor": round(side["floor"]["rps"] / bare, 3),
        "open": round(side["open"]["rps"] / requests_per_open / bare, 3),
        "progress_write": round(side["write"]["rps"] / side["select_insert"]["rps"], 3),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def spread(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.3f}" if low == high else f"{low:.3f}-{high:.3f}"


def mean_rps(rounds: list[dict], side: str, row: str, per: int = 1) -> float:
    return round(sum(r[side][row]["rps"] for r in rounds) / len(rounds) / per, 1)


def write_report(result: dict) -> None:
    rounds = result["rounds"]
    per_round = result["ratios"]

    def cell(side: str, ratio: str, detail: str) -> str:
        return f"{spread([r[side][ratio] for r in per_round])} ({detail})"

    def rps(side: str, row: str, per: int = 1) -> float:
        return mean_rps(rounds, side, row, per)

    rows = [
        (
            "a learner opening a lesson / a resource: opens/s over the bare view",
            cell("qadam", "open", f"{rps('qadam', 'open')} pages/s"),
            cell("kolibri", "open", f"{rps('kolibri', 'open', OPEN_REQUESTS)} opens/s, 7 requests"),
            "Qadam: the kiosk lesson page, one request (session, device, user, content "
            "token, the learner's progress and enrolment; the lesson's text is in the page). "
            "Kolibri: the seven requests its learn page makes (recorded with Chromium): the "
            "page, PUT session heartbeat, learner state, the node, the channels, the node's "
            "bookmarks, POST trackprogress (a new session log); static files and the "
            "resource's own zip not counted",
        ),
        (
            "a progress write over a SELECT+INSERT view of its own database",
            cell(
                "qadam",
                "progress_write",
                f"{rps('qadam', 'write')} vs {rps('qadam', 'select_insert')} req/s",
            ),
            cell(
                "kolibri",
                "progress_write",
                f"{rps('kolibri', 'write')} vs {rps('kolibri', 'select_insert')} req/s",
            ),
            "Qadam: POST a lesson time report (5 s, with its own id: idempotent; audience "
            "and enrolment checked), 100 kiosk learners x 20 lessons. Kolibri: PUT "
            "trackprogress/<session>/ with time_spent_delta 5 (no id: a retry counts "
            "twice), 100 learners' open sessions over 20 resources",
        ),
        (
            "the signed-in floor (session + user, no page) over the bare view",
            cell("qadam", "signed_in_floor", f"{rps('qadam', 'floor')} req/s"),
            cell("kolibri", "signed_in_floor", f"{rps('kolibri', 'floor')} req/s"),
            "the bare view's template once the session and the user are loaded (Qadam: "
            "also the kiosk device and the kiosk session's checks; Kolibri: its user "
            "comes from a per-process cache)",
        ),
        (
            "the bare Django view, req/s (each side divided by its own)",
            f"{rps('qadam', 'bare')}",
            f"{rps('kolibri', 'bare')}",
            "a small template, no database, through each side's own middleware",
        ),
    ]
    lines = [
        f"Run {result['date']} on {result['machine']}, commit `{result['commit']}`; "
        f"Kolibri {result['kolibri_version']}. Both on PostgreSQL with persistent "
        "connections, gunicorn with 2 sync workers each, wrk 2 threads, 64 connections, "
        f"{result['seconds_per_load']} s a load, {len(rounds)} round(s) (ranges are the "
        "rounds' lowest-highest, req/s their mean); load average "
        f"{result['load_average_before']} before, {result['load_average_after']} after"
        f"{result['busy_note']}.",
        "",
        "| figure | Qadam | Kolibri | what is measured |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
    ]
    table = "\n".join(lines) + "\n"
    (RESULTS / "peers.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "peers.md").write_text(table)
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    start, end = "<!-- peers:start -->", "<!-- peers:end -->"
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    readme.write_text(before + start + "\n" + table + end + after)


def kolibri_version() -> str:
    out = subprocess.run(
        [str(KOLIBRI_VENV / "bin" / "python"), "-c", "import kolibri; print(kolibri.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "KOLIBRI_HOME": str(KOLIBRI_HOME)},
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench-deps` (Debian package wrk)")
    if not (KOLIBRI_VENV / "bin" / "kolibri").exists():
        sys.exit("Kolibri is missing: `make bench-peers` installs it in var/kolibri-venv")
    # Ctrl-C and SIGTERM end the run through every finally (servers stopped), even when
    # started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(exist_ok=True)
    before = load_average()
    started = time.monotonic()
    log("Kolibri: database, home, migrations, facility, channel, learners")
    peer, kolibri_timings = provision_kolibri()
    log(f"Kolibri provisioned in {kolibri_timings['total_s']} s")
    log("Qadam: recreating the bench database and seeding")
    mark = time.monotonic()
    run.recreate_database()
    run.setup_django()
    qadam = run.seed()
    qadam_seconds = round(time.monotonic() - mark, 1)
    log("loads, Qadam and Kolibri row by row (wrk, loopback)")
    rounds = loads(qadam, peer)
    after = load_average()
    busy = float(before.split()[0]) > 1.0 or float(after.split()[0]) > 1.0
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(),
        "commit": run.commit(),
        "kolibri_version": kolibri_version(),
        "seconds_per_load": SECONDS,
        "load_average_before": before,
        "load_average_after": after,
        "busy_note": (
            " (a busy shared machine: read the ratios, not the req/s, and not to two digits)"
            if busy
            else ""
        ),
        "provisioning": {"kolibri": kolibri_timings, "qadam_seed_s": qadam_seconds},
        "run_seconds": round(time.monotonic() - started, 1),
        "rounds": rounds,
        "ratios": [
            {"qadam": ratios(r["qadam"], 1), "kolibri": ratios(r["kolibri"], OPEN_REQUESTS)}
            for r in rounds
        ],
    }
    write_report(result)
    log(json.dumps(result["ratios"]))


if __name__ == "__main__":
    main()
