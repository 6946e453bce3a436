"""Celery tasks for mandatory training: thin, idempotent (the engine and the reminders
are), enqueued on commit by ``training.receivers`` or run by beat."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def evaluate_person_task(person_id: int) -> None:
    """Evaluate every requirement in force for one person. Idempotent."""
    from lms.core.models import User

    from .engine import evaluate

    evaluate(people=User.objects.filter(pk=person_id))


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def evaluate_requirement_task(requirement_id: int) -> None:
    """Evaluate one requirement for everyone (ends its cycles if taken out of force)."""
    from .engine import evaluate_requirement
    from .models import Requirement

    requirement = Requirement.objects.filter(pk=requirement_id).first()
    if requirement is not None:
        evaluate_requirement(requirement)


@shared_task(ignore_result=True, acks_late=True)
def evaluate_all_task() -> int:
    """Nightly (beat): every rule for everyone, in chunks. Returns how many people."""
    from .engine import evaluate

    return evaluate(chunk=settings.TRAINING_EVALUATION_CHUNK).people


@shared_task(ignore_result=True, acks_late=True)
def reminders_send_task() -> int:
    """Daily (beat): e-mail the reminder digests that are due. Each reminder is e-mailed
    at most once (``training.notifications``). Returns how many e-mails went."""
    from .notifications import reminder_digests_send

    return reminder_digests_send()


@shared_task(ignore_result=True, acks_late=True)
def officer_digests_send_task() -> int:
    """Weekly (beat): each officer's and administrator's digest of who is overdue, once
    per week."""
    from .notifications import officer_digests_send

    return officer_digests_send()
