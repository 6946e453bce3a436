from typing import Any

from django.dispatch import receiver

from courses.signals import course_completed

from .services.issuing import certificate_prepare


@receiver(course_completed, dispatch_uid="certificates.prepare_on_completion")
def prepare_certificate(sender: Any, completion: Any, course: Any, **kwargs: Any) -> None:
    certificate_prepare(completion=completion, course=course)
