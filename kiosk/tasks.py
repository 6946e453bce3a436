"""Celery tasks for kiosks: thin and idempotent."""

from lms.celery import housekeeping_task

from .services.retention import sign_in_failures_purge


@housekeeping_task
def sign_in_failures_purge_task() -> int:
    """Periodic (Celery beat, daily by default): delete failed kiosk sign-ins past
    ``KIOSK_FAILURE_RETENTION_DAYS``. Returns how many went. Safe to run twice or on two
    beats at once: the second finds nothing older than the cut-off."""
    return sign_in_failures_purge(actor=None)
