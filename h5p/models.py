"""H5P libraries, content packages, learners' xAPI statements and saved state.

Libraries are stored once per machine name and major.minor version and shared by every
content package; content is stored per package. Files live under ``settings.H5P_ROOT``
(never under MEDIA_ROOT): they are served only through views that check access.

Personal data: ``XAPIStatement`` (a learner's answers and scores, append-only) and
``ContentUserData`` (a learner's answers so far) belong to one learner. ``H5PContent`` and
``H5PLibrary`` record which staff member uploaded or installed them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.core.append_only import AppendOnlyModel


def h5p_root() -> Path:
    return Path(settings.H5P_ROOT)


class H5PLibrary(models.Model):
    """One installed library (machine name + major.minor), at its newest installed patch."""

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("runnable"), default=False)
    metadata = models.JSONField(_("library.json"), default=dict)
    installed_at = models.DateTimeField(_("installed at"), default=timezone.now)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_unique_version",
            )
        ]
        permissions = [("install_library", _("Can install or upgrade H5P library code"))]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder_name(self) -> str:
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def path(self) -> Path:
        return h5p_root() / "libraries" / self.folder_name


class H5PContent(models.Model):
    """One uploaded H5P package: its ``h5p.json`` and its ``content/`` folder."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the title inside the package."),
    )
    main_library = models.ForeignKey(
        H5PLibrary, on_delete=models.PROTECT, related_name="+", verbose_name=_("content type")
    )
    libraries = models.ManyToManyField(H5PLibrary, related_name="contents", editable=False)
    h5p_json = models.JSONField(default=dict, editable=False)
    external_urls = models.JSONField(
        _("internet addresses"),
        default=list,
        editable=False,
        help_text=_("Addresses on the internet the content loads from (kiosks cannot reach them)."),
    )
    internet_reason = models.TextField(
        _("why internet addresses are allowed"), blank=True, editable=False
    )
    size_bytes = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def path(self) -> Path:
        return h5p_root() / "content" / str(self.public_id)


class XAPIStatement(AppendOnlyModel):
    """One xAPI statement a learner's browser sent, as we stored it (append-only).

    The actor, id, timestamp, version and object id are the server's, never the browser's.
    ``client_id`` (a UUID made by our page script) makes a re-sent statement a no-op.
    ``counted`` says whether it was a top-level scored result passed to completion.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.ForeignKey(H5PContent, on_delete=models.PROTECT, related_name="statements")
    lesson_key = models.UUIDField(db_index=True)
    activity_key = models.CharField(max_length=64)
    client_id = models.UUIDField()
    verb = models.CharField(max_length=255)
    score = models.FloatField(null=True)
    max_score = models.FloatField(null=True)
    counted = models.BooleanField(default=False)
    statement = models.JSONField()
    stored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-stored_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "client_id"], name="h5p_statement_unique_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.verb} ({self.stored_at:%Y-%m-%d %H:%M})"


class StatementForward(models.Model):
    """Whether one stored statement has reached the external LRS (one row per statement
    while forwarding is switched on). Holds no personal data of its own.

    The statement stays append-only; this row is what changes. A statement is forwarded
    until the LRS has it, however long the LRS is down: the task retries with backoff,
    and the sweep (``xapi_forward_sweep_task``) sends again what is still undelivered."""

    statement = models.OneToOneField(
        XAPIStatement, on_delete=models.CASCADE, primary_key=True, related_name="forward"
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("statement forwarded to the LRS")
        verbose_name_plural = _("statements forwarded to the LRS")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="h5p_forward_undelivered",
            )
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class ContentUserData(models.Model):
    """A learner's saved state in one H5P activity (what they answered so far), so they can
    resume on any kiosk. One row per learner, content, lesson (its translation key, shared
    by the lesson's languages), activity (the block), data type and sub-content: the same
    content used in two lessons keeps two states."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    content = models.ForeignKey(H5PContent, on_delete=models.CASCADE, related_name="+")
    lesson_key = models.UUIDField()
    activity_key = models.CharField(max_length=64)
    data_type = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "learner",
                    "content",
                    "lesson_key",
                    "activity_key",
                    "data_type",
                    "sub_content_id",
                ],
                name="h5p_user_data_unique_per_lesson",
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_type} ({self.updated_at:%Y-%m-%d %H:%M})"
