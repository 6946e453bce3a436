"""`make bench-training`: the mandatory-training engine at planning scale, on PostgreSQL.

Generated data: 100 facilities, 20,000 staff (positions, start dates over 3 years),
15 staff courses, 30 requirements (positions, everyone, facility-limited; some renewed
yearly, some guideline-like once-only), and 3 years of completions (about 60% of people
completed each of their courses at a random moment). Measures, once each:

- the nightly evaluation of every rule for everyone, from nothing (first run) and again
  (nothing changed: the steady state a night sees), with queries per chunk and peak RSS;
- a requirement change (its audience widened to everyone) re-evaluated for its audience;
- the compliance page of the largest facility (server time through Django's test client).

Bounded: fixed sizes, one run each. Needs DATABASE_URL pointing at a database of its own
(dropped and created again). Writes bench/results/training.json.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

STAFF = int(os.environ.get("BENCH_TRAINING_STAFF", "20000"))
FACILITIES = 100
COURSES = 15
REQUIREMENTS = 30


def log(message: str) -> None:
    print(f"[bench-training {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from bench.run import recreate_database

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.models import CourseCompletion, Enrolment
    from lms.core.models import Facility, User
    from tests import factories
    from training import engine
    from training.models import Assignment, Position, Requirement, StaffRecord

    rng = random.Random(16)
    log("generating data")
    facilities = Facility.objects.bulk_create(
        [Facility(code=f"f{n:03d}", name=f"Facility {n:03d}") for n in range(FACILITIES)]
    )
    positions = Position.objects.bulk_create(
        [Position(code=f"p{n}", name=f"Position {n}") for n in range(10)]
    )
    courses = [
        factories.make_course(
            title=f"Staff course {n}",
            audience="staff",
            programme_type="staff_training",
            lessons=1,
            slug=f"staff-course-{n}",
        )
        for n in range(COURSES)
    ]
    today = date.today()
    # Facility 0 is the largest (5%); the rest share the remainder.
    weights = [0.05] + [0.95 / (FACILITIES - 1)] * (FACILITIES - 1)
    people = []
    for n in range(STAFF):
        people.append(
            User(
                username=f"staff{n:05d}",
                first_name="Staff",
                last_name=f"{n:05d}",
                role=User.Role.STAFF_LEARNER,
                facility=rng.choices(facilities, weights)[0],
                password="!",  # noqa: S106 - Django's mark for "no usable password"
            )
        )
    from training import receivers

    with receivers.quiet():
        User.objects.bulk_create(people, batch_size=2000)
    people = list(User.objects.filter(role=User.Role.STAFF_LEARNER).order_by("pk"))
    StaffRecord.objects.bulk_create(
        [
            StaffRecord(
                person=p,
                staff_number=f"S{p.pk:06d}",
                position=rng.choice(positions),
                started_on=today - timedelta(days=rng.randint(0, 3 * 365)),
            )
            for p in people
        ],
        batch_size=2000,
    )
    requirements = []
    for n in range(REQUIREMENTS):
        course = courses[n % COURSES]
        requirement = Requirement.objects.create(
            name=f"Requirement {n:02d}",
            kind="course",
            course=course,
            all_staff=(n % 10 == 0),
            due_anchor=["start", "subject", "date"][n % 3],
            due_days=30 + n,
            due_date=today + timedelta(days=60),
            valid_months=12 if n % 2 == 0 else None,
            window_days=60,
            grace_days=14,
            is_active=False,  # switched on below, once the data is in
        )
        if n % 10:
            requirement.positions.set(rng.sample(positions, 3))
        if n % 7 == 3:
            requirement.facilities.set(rng.sample(facilities, 30))
        requirements.append(requirement)
    enrolments, completions = [], []
    for p in people:
        for course in rng.sample(courses, 8):
            if rng.random() < 0.6:
                at = datetime.now(UTC) - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                enrolment = Enrolment(
                    id=uuid.uuid4(),
                    learner=p,
                    course=course,
                    course_key=course.translation_key,
                    source="assigned",
                    status="completed",
                    created_at=at,
                )
                enrolments.append(enrolment)
                completions.append(
                    CourseCompletion(
                        id=uuid.uuid4(),
                        learner=p,
                        enrolment=enrolment,
                        course=course,
                        course_key=course.translation_key,
                        completed_at=at,
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    CourseCompletion.objects.bulk_create(completions, batch_size=5000)
    Requirement.objects.update(is_active=True)
    log(f"{len(people)} staff, {len(completions)} completions, {len(requirements)} requirements")

    results: dict = {
        "staff": len(people),
        "facilities": FACILITIES,
        "requirements": REQUIREMENTS,
        "completions": len(completions),
    }

    def timed(label, fn):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            outcome = fn()
            seconds = time.perf_counter() - start
        log(f"{label}: {seconds:.1f} s, {len(queries)} queries, peak RSS {rss_mb():.0f} MB")
        return seconds, len(queries), outcome

    seconds, queries, outcome = timed("nightly evaluation, first run", engine.evaluate)
    results["nightly_first_s"] = round(seconds, 1)
    results["nightly_first_queries"] = queries
    results["nightly_first_chunks"] = outcome.chunks
    results["assignments"] = Assignment.objects.count()
    seconds, queries, outcome = timed("nightly evaluation, nothing changed", engine.evaluate)
    results["nightly_again_s"] = round(seconds, 1)
    results["nightly_again_queries"] = queries
    results["nightly_again_updated"] = outcome.updated
    results["queries_per_chunk"] = round(queries / max(outcome.chunks, 1), 1)

    # The engine's own memory, apart from the generator's lists that the process's RSS
    # includes: the peak Python allocation of a steady-state run for a quarter of the staff
    # and for all of them. Bounded means the two are about the same (one chunk at a time).
    import tracemalloc

    everyone = engine.people_to_evaluate()
    quarter = everyone.filter(pk__in=[p.pk for p in people[: len(people) // 4]])
    for label, group in (("quarter", quarter), ("all", everyone)):
        tracemalloc.start()
        engine.evaluate(people=group)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[f"engine_peak_mb_{label}"] = round(peak / 2**20, 1)
        log(f"engine peak allocation, {label} of the staff: {peak / 2**20:.1f} MB")

    Requirement.objects.filter(pk=requirements[1].pk).update(all_staff=True)  # no signal
    changed = Requirement.objects.get(pk=requirements[1].pk)
    seconds, queries, outcome = timed(
        "requirement widened to everyone", lambda: engine.evaluate_requirement(changed)
    )
    results["requirement_change_s"] = round(seconds, 1)
    results["requirement_change_created"] = outcome.created

    from django.test import Client
    from django.urls import reverse

    admin = User.objects.create(username="bench-admin", role=User.Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    largest = facilities[0]
    url = reverse("training:compliance", args=[largest.code])
    client.get(url)  # warm
    times = []
    for _ in range(5):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    results["compliance_page_ms_median"] = round(sorted(times)[2] * 1000)
    results["compliance_page_queries"] = len(queries)
    results["largest_facility_assignments"] = Assignment.objects.filter(
        facility=largest, ended_on=None
    ).count()
    results["peak_rss_mb"] = round(rss_mb())
    log(
        f"compliance page: {results['compliance_page_ms_median']} ms median, {len(queries)} queries"
    )
    out = ROOT / "bench" / "results" / "training.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
