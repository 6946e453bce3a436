"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def housekeeping_task(function):
    """A periodic clean-up task (retention purges): no result kept, retried with backoff
    when the database is unavailable. The function itself must be idempotent."""
    from celery import shared_task
    from django.db import DatabaseError

    return shared_task(
        ignore_result=True,
        autoretry_for=(DatabaseError,),
        retry_backoff=60,
        retry_backoff_max=900,
        max_retries=5,
    )(function)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` when the current transaction commits, and never let a broker that is
    down turn work already recorded into an error for the person who did it.

    Use it only for tasks that a periodic task catches up on (the certificate sweep, the
    nightly training evaluation): a message that cannot be sent is logged and left to
    that sweep, so nothing is lost."""
    import logging

    from django.db import transaction

    def send() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception:  # kombu.OperationalError, a timeout, a refused connection
            logging.getLogger("lms.celery").warning(
                "Broker unavailable: %s not sent now; its periodic sweep will catch up.",
                task.name,
                exc_info=True,
            )

    transaction.on_commit(send)
