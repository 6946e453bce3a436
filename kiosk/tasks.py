"""Celery tasks for kiosks: thin and idempotent."""

from celery import shared_task
from django.db import DatabaseError

from .services import sign_in_failures_purge


@shared_task(
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=5,
)
def sign_in_failures_purge_task() -> int:
    """Periodic (Celery beat, daily by default): delete failed kiosk sign-ins past
    ``KIOSK_FAILURE_RETENTION_DAYS``. Returns how many went. Safe to run twice or on two
    beats at once: the second finds nothing older than the cut-off."""
    return sign_in_failures_purge(actor=None)
