"""Monitoring packs: the report of a period as a PDF, kept for the people who may read
it (monitors and administrators every pack; officers those of their facilities). A pack
holds only published figures (suppressed, as every export): no name, no number."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import private_storage


class MonitoringPack(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_month = models.DateField(_("from month"))
    last_month = models.DateField(_("to month"))
    # None: every facility (the national pack).
    facility = models.ForeignKey(
        "core.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facility"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    pdf = models.FileField(storage=private_storage, upload_to="reports/packs/%Y/")
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # None: made by the monthly run.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_month", "-made_at"]
        verbose_name = _("monitoring pack")
        verbose_name_plural = _("monitoring packs")
        constraints = [
            # The monthly run makes each national pack once, however often it runs.
            models.UniqueConstraint(
                fields=["first_month", "last_month", "language"],
                condition=Q(made_by__isnull=True, facility__isnull=True),
                name="pack_monthly_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_month:%Y-%m}–{self.last_month:%Y-%m} {self.language}"
