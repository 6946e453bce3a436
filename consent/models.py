"""Consent to take part in voluntary programmes (faith-based and disengagement courses).

Personal data held here: SPECIAL CATEGORY. That a person agreed to (or stopped) a
faith-based programme reveals religious belief. ``ConsentRecord`` is append-only history
(given / withdrawn, when, by whom it was recorded); it is shown to the person themself and
to need-to-know staff only, and every staff read goes through
``consent.selectors.consent_history_for_staff``, which writes an audit row. It never
appears in a certificate, an export or an employability record.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.core.append_only import AppendOnlyModel


class ConsentRecord(AppendOnlyModel):
    """One consent event for one learner and course (all language versions, by the
    course's ``translation_key``). The newest row is the current state."""

    class Action(models.TextChoices):
        GIVEN = "given", _("Agreed to take part")
        WITHDRAWN = "withdrawn", _("Stopped taking part")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_records"
    )
    course_key = models.UUIDField(db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    # The plain-language notice the person saw, by version, so it can be shown again.
    notice_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["learner", "course_key", "at"], name="consent_current_idx")]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
