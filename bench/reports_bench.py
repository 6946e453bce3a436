"""`make bench-reports`: the reports (issue 17, "Scale") on generated history.

Sizes (``BENCH_REPORTS_SIZE``): ``national`` (100 facilities, 50,000 learners, 500,000
enrolments, 5 million lesson progress rows) or ``pilot`` (3 facilities, 2,000 learners,
20,000 enrolments, 200,000 progress rows); ``BENCH_REPORTS_LEARNERS`` scales either (10
enrolments and 100 progress rows a learner). Three years of history: enrolments spread
evenly, about 45% completed (a completion within 90 days), certificates for 80% of the
completions.

Measures, as server time through Django's test client (median of 5 after a warm-up, with
the queries of one more run): the national overview as an administrator and as a monitor,
a facility's overview as its education officer, the breakdown by course as an
administrator; and the time to build the national pack (``reports.packs.render_pack`` for
``monitors_view()``, in English) of one month and of twelve.

Needs DATABASE_URL pointing at a database of its own: PostgreSQL (dropped and created
again) or SQLite (``sqlite:////tmp/x.sqlite3``, the file removed first). Rows are loaded
with COPY on PostgreSQL and executemany on SQLite, not through the ORM, so that five
million rows take minutes. Writes bench/results/reports-<size>-<vendor>.json.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SIZES = {
    "national": {"facilities": 100, "learners": 50_000},
    "pilot": {"facilities": 3, "learners": 2_000},
}
SIZE = os.environ.get("BENCH_REPORTS_SIZE", "national")
FACILITIES = SIZES[SIZE]["facilities"]
LEARNERS = int(os.environ.get("BENCH_REPORTS_LEARNERS", SIZES[SIZE]["learners"]))
ENROLMENTS_EACH = 10  # distinct courses a learner is enrolled on
LESSONS = 10  # per course: ENROLMENTS_EACH * LESSONS progress rows a learner
COURSES = 40
HISTORY_DAYS = 3 * 365


def log(message: str) -> None:
    print(f"[bench-reports {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def recreate() -> str:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    db = dj_database_url.parse(url)
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(db["NAME"] + suffix).unlink(missing_ok=True)
        return "sqlite"
    from bench.run import recreate_database

    recreate_database()
    return "postgresql"


class Loader:
    """Bulk rows into a model's table: COPY on PostgreSQL, executemany on SQLite. Rows are
    dicts of column values; the other columns get the field's (constant) default."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor

    def _convert(self, field):
        from django.db import models

        if field.is_relation:
            field = field.target_field
        if self.vendor == "postgresql":
            if isinstance(field, models.JSONField):
                return lambda v: None if v is None else json.dumps(v)
            return None
        if isinstance(field, models.UUIDField):
            return lambda v: None if v is None else v.hex
        if isinstance(field, models.DateTimeField):
            return lambda v: (
                None if v is None else v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            )
        if isinstance(field, models.DateField):
            return lambda v: None if v is None else v.isoformat()
        if isinstance(field, models.JSONField):
            return lambda v: None if v is None else json.dumps(v)
        if isinstance(field, models.DecimalField):
            return lambda v: None if v is None else str(v)
        return None

    def insert(self, model, rows, batch: int = 50_000) -> int:
        from django.db.models import NOT_PROVIDED

        fields = model._meta.concrete_fields
        columns = [f.column for f in fields]
        defaults = []
        for f in fields:
            if f.default is NOT_PROVIDED and f.empty_strings_allowed and not f.null:
                defaults.append("")  # a blank text field
            elif f.default is NOT_PROVIDED or callable(f.default):
                defaults.append(None)
            else:
                defaults.append(f.default)
        converters = [self._convert(f) for f in fields]
        table = model._meta.db_table
        count = 0

        def as_tuple(row):
            out = []
            for f, default, conv in zip(fields, defaults, converters, strict=True):
                value = row.get(f.column, default)
                out.append(conv(value) if conv else value)
            return tuple(out)

        raw = self.connection.connection
        if self.vendor == "postgresql":
            names = ", ".join(f'"{c}"' for c in columns)
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                for row in rows:
                    cp.write_row(as_tuple(row))
                    count += 1
            return count
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - our names
        cursor = raw.cursor()
        chunk = []
        for row in rows:
            chunk.append(as_tuple(row))
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
        raw.commit()
        return count


def generate(results: dict) -> dict:
    from django.db import connection

    from certificates.models import Certificate
    from courses.models import CourseCompletion, Enrolment, LessonProgress
    from lms.core.models import Facility, User
    from tests import factories

    rng = random.Random(17)
    loader = Loader(connection)
    started = time.perf_counter()
    facilities = Facility.objects.bulk_create(
        [Facility(code=f"f{n:03d}", name=f"Facility {n:03d}") for n in range(FACILITIES)]
    )
    courses = [
        factories.make_course(
            title=f"Course {n:02d}",
            lessons=0,
            # The last one is voluntary (faith-based): left out of every figure but one.
            programme_type="faith_based"
            if n == COURSES - 1
            else ["vocational", "general_education", "life_skills"][n % 3],
            slug=f"bench-course-{n:02d}",
        )
        for n in range(COURSES)
    ]
    lesson_keys = {c.pk: [uuid.uuid4() for _ in range(LESSONS)] for c in courses}
    # Facility 0 is the largest (5% of the learners); the rest share the remainder.
    weights = [0.05] + [0.95 / max(FACILITIES - 1, 1)] * (FACILITIES - 1)
    if FACILITIES == 1:
        weights = [1.0]
    from training import receivers

    with receivers.quiet():
        User.objects.bulk_create(
            [
                User(
                    username=f"learner{n:06d}",
                    first_name="Learner",
                    last_name=f"{n:06d}",
                    role=User.Role.PRISONER_LEARNER,
                    prisoner_number=f"B{n:06d}",
                    facility=rng.choices(facilities, weights)[0],
                    password="!",  # noqa: S106 - Django's mark for "no usable password"
                )
                for n in range(LEARNERS)
            ],
            batch_size=5000,
        )
    learners = list(
        User.objects.filter(role=User.Role.PRISONER_LEARNER).values_list("pk", flat=True)
    )
    log(f"{len(learners)} learners in {time.perf_counter() - started:.0f} s")

    now = datetime.now(UTC)
    enrolments: list[tuple] = []  # (id, learner, course, created, completed_at or None)
    for learner in learners:
        for course in rng.sample(courses, ENROLMENTS_EACH):
            created = now - timedelta(seconds=rng.randint(0, HISTORY_DAYS * 86400))
            done = None
            if rng.random() < 0.45:
                done = min(created + timedelta(seconds=rng.randint(3600, 90 * 86400)), now)
            enrolments.append((uuid.uuid4(), learner, course, created, done))

    def enrolment_rows():
        for eid, learner, course, created, done in enrolments:
            yield {
                "id": eid,
                "learner_id": learner,
                "course_id": course.pk,
                "course_key": course.translation_key,
                "source": "self",
                "status": "completed" if done else "active",
                "created_at": created,
                "status_changed_at": done or created,
                "paused_days": 0,
            }

    t = time.perf_counter()
    n = loader.insert(Enrolment, enrolment_rows())
    log(f"{n} enrolments in {time.perf_counter() - t:.0f} s")
    results["enrolments"] = n

    def progress_rows():
        pk = 0
        for eid, learner, course, created, done in enrolments:
            for i, key in enumerate(lesson_keys[course.pk]):
                pk += 1
                at = created + timedelta(days=i * 3)
                finished = done is not None or i < 3
                yield {
                    "id": pk,
                    "learner_id": learner,
                    "enrolment_id": eid,
                    "lesson_id": None,
                    "lesson_key": key,
                    "completed_at": min(at, now) if finished else None,
                    "seconds_spent": 600,
                    "created_at": min(at, now),
                }

    t = time.perf_counter()
    n = loader.insert(LessonProgress, progress_rows())
    log(f"{n} lesson progress rows in {time.perf_counter() - t:.0f} s")
    results["progress"] = n

    completions: list[tuple] = []

    def completion_rows():
        for eid, learner, course, _created, done in enrolments:
            if done is None:
                continue
            cid = uuid.uuid4()
            completions.append((cid, learner, course, done))
            yield {
                "id": cid,
                "learner_id": learner,
                "enrolment_id": eid,
                "course_id": course.pk,
                "course_key": course.translation_key,
                "completed_at": done,
            }

    t = time.perf_counter()
    n = loader.insert(CourseCompletion, completion_rows())
    log(f"{n} completions in {time.perf_counter() - t:.0f} s")
    results["completions"] = n

    def certificate_rows():
        serial = 0
        for cid, learner, course, done in completions:
            if rng.random() >= 0.8:
                continue
            serial += 1
            issued = min(done + timedelta(hours=1), now)
            yield {
                "serial": serial,
                "public_id": uuid.uuid4(),
                "completion_id": cid,
                "learner_id": learner,
                "verification_code": f"B{serial:011d}",
                "serial_code": f"S{serial:09d}",
                "holder_salt": "0" * 32,
                "holder_name": f"Learner {learner}",
                "course_title": course.title,
                "provider": "City Vocational College",
                "hours": 12,
                "rule": {},
                "language": "en",
                "completed_on": done.date(),
                "status": "issued",
                "pdf": "",
                "created_at": done,
                "issued_at": issued,
                "attempts": 1,
                "last_error": "",
                "course_key": course.translation_key,
                "programme_type": course.programme_type,
                "revoked_reason": "",
            }

    t = time.perf_counter()
    n = loader.insert(Certificate, certificate_rows())
    log(f"{n} certificates in {time.perf_counter() - t:.0f} s")
    results["certificates"] = n
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('certificates_certificate', 'serial'), "
                "(SELECT max(serial) FROM certificates_certificate))"
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('courses_lessonprogress', 'id'), "
                "(SELECT max(id) FROM courses_lessonprogress))"
            )
            t = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            log(f"VACUUM ANALYZE in {time.perf_counter() - t:.0f} s")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results["generation_s"] = round(time.perf_counter() - started)
    return {"facilities": facilities}


def measure(results: dict, facilities) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lms.core.models import User
    from reports.packs import monitors_view, render_pack
    from reports.periods import Period, add_months

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": User.Role.ADMINISTRATOR}
    )
    monitor, _ = User.objects.get_or_create(
        username="bench-monitor", defaults={"role": User.Role.MONITOR}
    )
    officer, _ = User.objects.get_or_create(
        username="bench-officer",
        defaults={"role": User.Role.EDUCATION_OFFICER, "facility": facilities[0]},
    )
    officer.managed_facilities.add(facilities[0])  # whom the policy scopes them to

    only = os.environ.get("BENCH_REPORTS_ONLY", "")  # measure only labels holding this

    def timed(label: str, fn) -> None:
        if only not in label:
            return
        fn()  # warm-up
        times = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            fn()
        median = statistics.median(times)
        results["measured"][label] = {
            "median_ms": round(median * 1000),
            "min_ms": round(min(times) * 1000),
            "max_ms": round(max(times) * 1000),
            "queries": len(queries),
            "load": load(),
        }
        log(f"{label}: {median * 1000:.0f} ms median, {len(queries)} queries, load {load()}")

    def page(user, url):
        client = Client()
        client.force_login(user)

        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert b"Facility 000" in response.content, url  # a page with figures
            return response

        return get

    overview = reverse("reports:overview")
    timed("overview (6 months), administrator", page(admin, overview))
    timed("overview (6 months), monitor", page(monitor, overview))
    timed("overview (6 months), officer of the largest facility", page(officer, overview))
    year_from = add_months(datetime.now(UTC).date().replace(day=1), -11).strftime("%Y-%m")
    timed("overview (12 months), administrator", page(admin, f"{overview}?from={year_from}"))
    timed(
        "breakdown by course (6 months), administrator",
        page(admin, reverse("reports:breakdown", args=["course"])),
    )
    last_month = add_months(datetime.now(UTC).date().replace(day=1), -1)
    for months in (1, 12):
        period = Period(first=add_months(last_month, 1 - months), months=months)
        timed(
            f"national pack ({months} month{'s' if months > 1 else ''}), render_pack",
            lambda period=period: render_pack(
                actor=monitors_view(), period=period, facility=None, language="en"
            ),
        )


def main() -> None:
    # BENCH_REPORTS_REUSE=1 measures again on the data of the last run (after a migration,
    # say), without dropping or generating anything.
    reuse = os.environ.get("BENCH_REPORTS_REUSE") == "1"
    vendor = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    if not reuse:
        vendor = recreate()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    log(f"{SIZE} size on {vendor}: migrating")
    call_command("migrate", verbosity=0)
    results: dict = {
        "size": SIZE,
        "vendor": vendor,
        "facilities": FACILITIES,
        "learners": LEARNERS,
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
        "measured": {},
    }
    if reuse:
        from courses.models import Enrolment, LessonProgress
        from lms.core.models import Facility

        facilities = list(Facility.objects.order_by("code"))
        results.update(
            reused=True,
            enrolments=Enrolment.objects.count(),
            progress=LessonProgress.objects.count(),
        )
    else:
        log(f"generating: {FACILITIES} facilities, {LEARNERS} learners, load {load()}")
        facilities = generate(results)["facilities"]
        log(f"generated in {results['generation_s']} s")
    measure(results, facilities)
    suffix = "-reused" if reuse else ""
    out = ROOT / "bench" / "results" / f"reports-{SIZE}-{vendor}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
