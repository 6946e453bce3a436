"""The holder's own choice of what the public check page shows."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from lms.core.audit import audit_record
from lms.core.models import User

from ..models import Certificate
from .errors import CertificateError


def certificate_privacy_set(*, actor: User, certificate: Certificate, verify_name: str) -> None:
    """The holder (only they) chooses whether the public check page shows their full
    name or initials. Audited."""
    if actor.pk != certificate.learner_id:
        raise CertificateError(gettext("Only the holder can make this choice."))
    if verify_name not in ("full", "initials"):
        raise CertificateError(gettext("Choose full name or initials."))
    with transaction.atomic():
        before = certificate.verify_name
        Certificate.objects.filter(pk=certificate.pk).update(verify_name=verify_name)
        certificate.verify_name = verify_name
        audit_record(
            actor=actor,
            action="certificate.privacy",
            obj=certificate,
            before={"verify_name": before},
            after={"verify_name": verify_name},
            facility=None,
        )
