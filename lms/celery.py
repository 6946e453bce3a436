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
