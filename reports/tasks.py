"""Celery tasks of the reports: the monthly monitoring packs (beat), idempotent (each
national pack is made once: ``MonitoringPack``'s constraint)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def monthly_packs_task() -> int:
    """Make last month's national pack in each language. Returns how many were made."""
    from .packs import monthly_packs_make

    return monthly_packs_make()
