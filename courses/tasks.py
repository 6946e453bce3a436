"""Celery tasks for courses: thin and idempotent."""

from lms.celery import housekeeping_task

from .time_reports import time_reports_purge


@housekeeping_task
def time_reports_purge_task() -> int:
    """Periodic (Celery beat, daily): delete lesson time reports past
    ``LESSON_TIME_REPORT_DAYS``. Safe to run twice: the second finds nothing."""
    return time_reports_purge()
