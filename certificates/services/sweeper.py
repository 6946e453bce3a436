"""The sweeper: nothing lost.

A lost message (a broker restarted without persistence, a publish that failed after the
commit, a task that ran out of retries) leaves a certificate pending, rendering or failed.
The sweeper finds those older than a threshold and enqueues them again; issuing is
idempotent, so a certificate that was only slow costs one wasted render at most and is
still issued once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lms.core.audit import audit_record

from ..models import Certificate
from .issuing import certificate_enqueue

logger = logging.getLogger(__name__)


STUCK_STATUSES = (
    Certificate.Status.PENDING,
    Certificate.Status.RENDERING,
    Certificate.Status.FAILED,
)


def certificates_stuck(*, older_than, max_attempts: int):
    """Certificates waiting since before ``older_than`` that may still be tried."""
    return Certificate.objects.filter(
        status__in=STUCK_STATUSES, created_at__lt=older_than, attempts__lt=max_attempts
    ).order_by("created_at")


def certificate_sweep(
    *,
    stuck_after_seconds: int | None = None,
    max_attempts: int | None = None,
    limit: int | None = None,
) -> list[int]:
    """Enqueue again every certificate stuck for longer than ``stuck_after_seconds``
    (default ``CERTIFICATE_SWEEP_AFTER``) that was tried fewer than ``max_attempts`` times
    (default ``CERTIFICATE_MAX_ATTEMPTS``), at most ``limit`` per sweep; return their
    serials. A certificate that reached the attempt limit stays failed for a person to
    look at (the admin lists it with its last error).

    Side effects: one ``certificate.sweep`` audit event per certificate, and one task
    message each, published after the commit. Idempotent in effect: enqueuing twice issues
    once.
    """
    from datetime import timedelta

    stuck_after = stuck_after_seconds
    if stuck_after is None:
        stuck_after = settings.CERTIFICATE_SWEEP_AFTER
    attempts = max_attempts if max_attempts is not None else settings.CERTIFICATE_MAX_ATTEMPTS
    batch = limit if limit is not None else settings.CERTIFICATE_SWEEP_BATCH
    older_than = timezone.now() - timedelta(seconds=stuck_after)
    with transaction.atomic():
        stuck = list(
            certificates_stuck(older_than=older_than, max_attempts=attempts)
            .select_related("learner")
            .select_for_update(skip_locked=True, of=("self",))[:batch]
        )
        for certificate in stuck:
            audit_record(
                actor=None,
                action="certificate.sweep",
                obj=certificate,
                before={"status": certificate.status, "attempts": certificate.attempts},
                facility=certificate.learner.facility,
            )
            certificate_enqueue(certificate)
    if stuck:
        logger.warning("certificate sweeper re-enqueued %d certificate(s)", len(stuck))
    return [certificate.serial for certificate in stuck]
