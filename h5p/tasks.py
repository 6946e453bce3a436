"""Celery tasks for H5P: thin, idempotent, retried with backoff."""

from celery import shared_task

from .lrs import LRSError, lrs_enabled, lrs_statement_put
from .models import XAPIStatement


@shared_task(
    bind=True,
    autoretry_for=(LRSError,),
    retry_backoff=10,
    retry_backoff_max=3600,
    max_retries=20,
)
def xapi_statement_forward_task(self, statement_id: str) -> None:
    """Send stored statement ``statement_id`` to the LRS. Sending twice stores it once."""
    if not lrs_enabled():
        return
    statement = XAPIStatement.objects.filter(pk=statement_id).first()
    if statement is None:
        return
    lrs_statement_put(statement_id=str(statement.pk), statement=statement.statement)
