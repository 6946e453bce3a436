"""Celery tasks for courses: thin and idempotent."""

from celery import shared_task
from django.db import DatabaseError

from .time_reports import time_reports_purge


@shared_task(
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=5,
)
def time_reports_purge_task() -> int:
    """Periodic (Celery beat, daily): delete lesson time reports past
    ``LESSON_TIME_REPORT_DAYS``. Safe to run twice: the second finds nothing."""
    return time_reports_purge()
