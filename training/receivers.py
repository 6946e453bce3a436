"""What re-evaluates whom: a change to a person, their HR record or pauses, a completion
or acknowledgement, an officer's target date on an enrolment, a requirement saved, and a
guideline published with a new major version. Each enqueues a thin task when the transaction
commits (never inside it)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from courses.signals import course_completed, enrolment_target_set
from guidelines.models import GuidelineAcknowledgement, GuidelinePage
from lms.celery import enqueue_on_commit
from lms.core.models import User

from .models import Pause, Requirement, StaffRecord

_IGNORED_USER_FIELDS = {"last_login", "password"}
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("training_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No re-evaluation on events inside: for bulk changes (an import) that re-evaluate
    everyone once at the end."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _person_later(person_id: int | None) -> None:
    if person_id is None or _quiet.get():
        return
    from .tasks import evaluate_person_task

    enqueue_on_commit(evaluate_person_task, person_id)


@receiver(post_save, sender=User, dispatch_uid="training.person_changed")
def person_changed(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= _IGNORED_USER_FIELDS:
        return  # signing in changes nothing that training depends on
    _person_later(instance.pk)


@receiver(post_save, sender=StaffRecord, dispatch_uid="training.record_changed")
def record_changed(sender: Any, instance: StaffRecord, **kwargs: Any) -> None:
    _person_later(instance.person_id)


@receiver(post_save, sender=Pause, dispatch_uid="training.pause_saved")
@receiver(post_delete, sender=Pause, dispatch_uid="training.pause_deleted")
def pause_changed(sender: Any, instance: Pause, **kwargs: Any) -> None:
    if instance.person_id:
        _person_later(instance.person_id)
        return
    from .tasks import evaluate_all_task

    enqueue_on_commit(evaluate_all_task)  # a lockdown: everyone it may cover


@receiver(course_completed, dispatch_uid="training.course_completed")
def completion_recorded(sender: Any, completion: Any, **kwargs: Any) -> None:
    _person_later(completion.learner_id)


@receiver(enrolment_target_set, dispatch_uid="training.target_set")
def target_set(sender: Any, enrolment: Any, **kwargs: Any) -> None:
    _person_later(enrolment.learner_id)  # a pause already going moves the new date


@receiver(post_save, sender=GuidelineAcknowledgement, dispatch_uid="training.acknowledged")
def acknowledged(
    sender: Any, instance: GuidelineAcknowledgement, created: bool, **kwargs: Any
) -> None:
    if created:
        _person_later(instance.user_id)


@receiver(post_save, sender=Requirement, dispatch_uid="training.requirement_saved")
def requirement_saved(sender: Any, instance: Requirement, **kwargs: Any) -> None:
    from .tasks import evaluate_requirement_task

    if _quiet.get():
        return
    pk = instance.pk
    # On commit: the admin saves the lists (positions, facilities...) after the row.
    enqueue_on_commit(evaluate_requirement_task, pk)


@receiver(page_published, dispatch_uid="training.guideline_published")
def guideline_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not issubclass(sender, GuidelinePage):
        return
    from .tasks import evaluate_requirement_task

    keys = list(
        Requirement.objects.filter(
            guideline__translation_key=instance.translation_key, is_active=True
        ).values_list("pk", flat=True)
    )
    for pk in keys:
        enqueue_on_commit(evaluate_requirement_task, pk)
