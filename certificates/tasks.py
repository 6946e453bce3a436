"""Celery tasks for certificates: thin, idempotent, retried with backoff."""

from celery import shared_task
from django.conf import settings

from .services.bulk_issuing import bulk_issue_run
from .services.issuing import certificate_issue
from .services.sweeper import certificate_sweep


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=settings.CERTIFICATE_RENDER_TIMEOUT,
    time_limit=settings.CERTIFICATE_RENDER_TIMEOUT + 30,
)
def certificate_issue_task(self, serial: int) -> None:
    """Render and store certificate ``serial``. Running it twice issues it once."""
    certificate_issue(serial=serial)


@shared_task(bind=True, acks_late=True, max_retries=0)
def bulk_issue_task(self, public_id: str) -> None:
    """Run bulk issue ``public_id``; progress is counted on its row."""
    bulk_issue_run(public_id=public_id)


@shared_task(ignore_result=True)
def certificate_sweep_task() -> int:
    """Periodic (Celery beat): enqueue again the certificates that are stuck. Returns how
    many were re-enqueued. Safe to run on several beats at once: rows are taken with
    SKIP LOCKED and issuing is idempotent."""
    return len(certificate_sweep())
