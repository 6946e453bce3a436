"""Recording a lesson time report in as few database round trips as the database allows.

Kiosks send a report every 30 seconds from every open lesson, so on an exam morning this
is the most frequent write of the system. One report, in one transaction:

1. the learner's enrolment on the course must be open for progress (active or completed);
2. the report is stored unless a report with the same id was (``ON CONFLICT DO
   NOTHING``): a report sent again counts once;
3. only a new report adds to the learner's summary row for the lesson, crediting no more
   than the report says and no more than the wall-clock time since the previous report.

On PostgreSQL the three are one statement (data-modifying CTEs); elsewhere (SQLite, the
embedded default) three statements in a transaction. The rules are the same; tests run
on both.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Enrolment, LessonProgress, LessonTimeReport

logger = logging.getLogger(__name__)

OPEN_STATUSES = [Enrolment.Status.ACTIVE.value, Enrolment.Status.COMPLETED.value]


@dataclass(frozen=True)
class TimeReportOutcome:
    enrolment_id: object  # the enrolment's id; None: not enrolled (nothing stored)
    enrolment_status: str | None
    created: bool  # False: a repeat of a stored report (nothing changed)
    seconds_spent: int | None  # the lesson's total after this report, when created


def _tables() -> dict[str, str]:
    return {
        "enrolment": Enrolment._meta.db_table,
        "report": LessonTimeReport._meta.db_table,
        "progress": LessonProgress._meta.db_table,
    }


# The credit: what the report says, but no more than the wall-clock time since the lesson's
# time watermark, which then moves on by the credit (not to "now": reports flushed together
# after a dropped connection are each credited, within the time that really passed) and
# never lags "now" by more than one report's limit (no more unused time than that can be
# claimed later). The first report of a lesson is capped by the report's own limit only.
_PG_CREDIT = """LEAST(%(seconds)s, GREATEST(0, COALESCE(
    FLOOR(EXTRACT(EPOCH FROM (EXCLUDED.time_reported_at - p.time_reported_at)))::integer,
    %(seconds)s)))"""
_POSTGRES = """
WITH enrolment AS (
    SELECT id, status FROM {enrolment}
    WHERE learner_id = %(learner)s AND course_key = %(course_key)s
      AND status = ANY(%(open)s)
), report AS (
    INSERT INTO {report} (learner_id, client_id, lesson_key, seconds, received_at)
    SELECT %(learner)s, %(client_id)s, %(lesson_key)s, %(seconds)s, %(now)s FROM enrolment
    ON CONFLICT (learner_id, client_id) DO NOTHING
    RETURNING 1
), progress AS (
    INSERT INTO {progress} AS p
        (learner_id, enrolment_id, lesson_id, lesson_key, seconds_spent, time_reported_at,
         created_at)
    SELECT %(learner)s, enrolment.id, %(lesson)s, %(lesson_key)s, %(seconds)s, %(now)s,
        %(now)s
    FROM enrolment, report
    ON CONFLICT (learner_id, lesson_key) DO UPDATE SET
        seconds_spent = p.seconds_spent + CREDIT,
        time_reported_at = CASE WHEN p.time_reported_at IS NULL THEN EXCLUDED.time_reported_at
            ELSE GREATEST(p.time_reported_at + make_interval(secs => CREDIT),
                          EXCLUDED.time_reported_at - make_interval(secs => %(limit)s)) END
    RETURNING p.seconds_spent
)
SELECT (SELECT id FROM enrolment), (SELECT status FROM enrolment),
       (SELECT count(*) FROM report), (SELECT seconds_spent FROM progress)
""".replace("CREDIT", _PG_CREDIT)

_OTHER_ENROLMENT = """
SELECT id, status FROM {enrolment}
WHERE learner_id = %s AND course_key = %s AND status IN (%s, %s)
"""
_OTHER_REPORT = """
INSERT INTO {report} (learner_id, client_id, lesson_key, seconds, received_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (learner_id, client_id) DO NOTHING
RETURNING 1
"""
# SQLite keeps datetimes as ISO text; julianday() turns them into days (a double, good to
# a fraction of a millisecond: the 1 ms added keeps 5.000 s from flooring to 4).
_SQLITE_CREDIT = """MIN(%(seconds)s, MAX(0, COALESCE(
    CAST((julianday(excluded.time_reported_at) - julianday(p.time_reported_at)) * 86400
         + 0.001 AS INTEGER),
    %(seconds)s)))"""
_OTHER_PROGRESS = """
INSERT INTO {progress} AS p
    (learner_id, enrolment_id, lesson_id, lesson_key, seconds_spent, time_reported_at,
     created_at)
VALUES (%(learner)s, %(enrolment)s, %(lesson)s, %(lesson_key)s, %(seconds)s, %(now)s,
        %(now)s)
ON CONFLICT (learner_id, lesson_key) DO UPDATE SET
    seconds_spent = p.seconds_spent + CREDIT,
    time_reported_at = CASE WHEN p.time_reported_at IS NULL THEN excluded.time_reported_at
        ELSE strftime('%%Y-%%m-%%d %%H:%%M:%%f', MAX(
            julianday(p.time_reported_at) + CREDIT / 86400.0,
            julianday(excluded.time_reported_at) - %(limit)s / 86400.0)) END
RETURNING seconds_spent
""".replace("CREDIT", _SQLITE_CREDIT)


def time_report_store(
    *,
    learner_id: int,
    course_key: uuid.UUID,
    lesson_id: int,
    lesson_key: uuid.UUID,
    client_id: uuid.UUID,
    seconds: int,
    now: datetime,
    limit: int,
) -> TimeReportOutcome:
    """Store one report and add its credit to the summary row (see the module); ``limit``
    is the most one report may claim. Writes no audit event (time reports are not
    decisions about anyone); idempotent per ``client_id``."""
    tables = _tables()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _POSTGRES.format(**tables),
                {
                    "learner": learner_id,
                    "course_key": course_key,
                    "open": OPEN_STATUSES,
                    "client_id": client_id,
                    "lesson_key": lesson_key,
                    "lesson": lesson_id,
                    "seconds": seconds,
                    "now": now,
                    "limit": limit,
                },
            )
            enrolment_id, status, stored, total = cursor.fetchone()
        return TimeReportOutcome(enrolment_id, status, bool(stored), total)
    ops = connection.ops
    when = ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _OTHER_ENROLMENT.format(**tables), [learner_id, course_key.hex, *OPEN_STATUSES]
        )
        row = cursor.fetchone()
        if row is None:
            return TimeReportOutcome(None, None, False, None)
        enrolment_id, status = row
        cursor.execute(
            _OTHER_REPORT.format(**tables),
            [learner_id, client_id.hex, lesson_key.hex, seconds, when],
        )
        if cursor.fetchone() is None:
            return TimeReportOutcome(enrolment_id, status, False, None)
        cursor.execute(
            _OTHER_PROGRESS.format(**tables),
            {
                "learner": learner_id,
                "enrolment": enrolment_id,
                "lesson": lesson_id,
                "lesson_key": lesson_key.hex,
                "seconds": seconds,
                "now": when,
                "limit": limit,
            },
        )
        (total,) = cursor.fetchone()
    return TimeReportOutcome(enrolment_id, status, True, total)


def time_reports_purge(*, retention_days: int | None = None, batch: int = 5000) -> int:
    """Delete lesson time reports older than ``LESSON_TIME_REPORT_DAYS``; return how many.

    A report's id matters only while its page may still send it again, which ends with
    the kiosk session (an hour at most); the credited time stays in the summary rows.
    Deleted in batches of ``batch`` rows, each its own statement, so a first purge of a
    long backlog never holds locks for long. Idempotent. Not audited: it removes a raw
    log by age, no decision about anyone (the count is logged).
    """
    days = settings.LESSON_TIME_REPORT_DAYS if retention_days is None else retention_days
    cutoff = timezone.now() - timedelta(days=max(1, days))
    total = 0
    while True:
        ids = list(
            LessonTimeReport.objects.filter(received_at__lt=cutoff)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            break
        deleted, _by_model = LessonTimeReport.objects.filter(pk__in=ids).delete()
        total += deleted
    if total:
        logger.info("Deleted %d lesson time reports received before %s", total, cutoff)
    return total
