"""Celery tasks for H5P: thin, idempotent, retried with backoff.

Forwarding to the LRS never gives up on a statement: the task retries with backoff and,
once its retries are spent (or its message was never sent because the broker was down),
the sweep sends again every statement the LRS does not have yet."""

from celery import shared_task
from django.conf import settings

from .lrs import LRSError, lrs_enabled, statement_forward, statements_undelivered


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
    statement_forward(statement_id=statement_id)


@shared_task
def xapi_forward_sweep_task() -> int:
    """Send again, oldest first, the statements the LRS does not have yet (a batch per
    run); returns how many were sent. Stops at the first failure: the LRS is still down,
    and the next run tries again."""
    if not lrs_enabled():
        return 0
    sent = 0
    for statement_id in statements_undelivered(
        older_than_seconds=settings.H5P_LRS_SWEEP_AFTER, limit=settings.H5P_LRS_SWEEP_BATCH
    ):
        try:
            sent += statement_forward(statement_id=statement_id)
        except LRSError:
            break
    return sent
