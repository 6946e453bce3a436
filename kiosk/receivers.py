"""Kiosks follow their facility: a facility's new kiosk language reaches the kiosks that
still start in its old one (a kiosk set to a language of its own keeps it)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from lms.core.models import Facility

from .models import Device


@receiver(pre_save, sender=Facility, dispatch_uid="kiosk.facility_language_before")
def facility_language_before(sender: type[Facility], instance: Facility, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    instance._kiosk_language_before = (  # type: ignore[attr-defined]
        Facility.objects.filter(pk=instance.pk).values_list("language", flat=True).first()
    )


@receiver(post_save, sender=Facility, dispatch_uid="kiosk.facility_language_after")
def facility_language_after(sender: type[Facility], instance: Facility, **kwargs: Any) -> None:
    before = getattr(instance, "_kiosk_language_before", None)
    if kwargs.get("raw") or before is None or before == instance.language:
        return
    from lms.core.serving import access_version_bump

    if Device.objects.filter(facility=instance, language=before).update(
        language=instance.language
    ):
        access_version_bump()  # kiosks are kept per process (lms.core.access_memo)
