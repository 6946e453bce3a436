"""The employability record: what a person takes with them at release.

Certificates, training hours and skills are read from ``certificates`` and ``courses``;
this app stores only what officers record by hand (prison work and vocational
placements, goals) and the person's own choice about faith-based programmes. Every row
hangs off the person, never a facility, so the record follows them on transfer.

Personal data held here: the person's work and placements (role, description, dates),
their goals, and whether they chose to show faith-based programmes (which reveals
religious belief: special category; never shown or exported unless they chose it).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordPreference(models.Model):
    """The person's own choices about their record. Absent means the defaults (voluntary
    programmes, every faith-based one among them, left out)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_preference"
    )
    include_faith_based = models.BooleanField(
        _("show voluntary programmes (such as faith-based ones) in my record"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("record preference")
        verbose_name_plural = _("record preferences")

    def __str__(self) -> str:
        return str(self.person)


class Placement(models.Model):
    """Prison work or a vocational placement, recorded by an officer. Written for an
    employer: the role and what the person did, never the name of the facility."""

    class Kind(models.TextChoices):
        WORK = "work", _("Work")
        PLACEMENT = "placement", _("Vocational placement")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    role = models.CharField(
        _("role"), max_length=150, help_text=_("For example: Kitchen assistant.")
    )
    description = models.TextField(
        _("what the person did"),
        max_length=1000,
        blank=True,
        help_text=_("Tasks and tools, in plain words. Do not name the facility."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("work or placement")
        verbose_name_plural = _("work and placements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} ({self.started_on:%Y-%m})"


class Goal(models.Model):
    """A goal the person set with an officer (a job, a qualification, a next step)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goals"
    )
    text = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("by when"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["achieved_on", "target_date", "created_at"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text
