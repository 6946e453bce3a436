"""Methodological guidelines for staff: versioned pages, never shown to prisoners.

Pages hold no personal data. The audience is fixed to staff (``audience`` is a constant,
not a field), so no editor can open a guideline to prisoners by mistake.
``GuidelineAcknowledgement`` holds personal data: which staff member declared, and when,
that they read and understood which version.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms.core.policy import Audience


class GuidelineIndexPage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("intro"))

    audience = Audience.STAFF
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["guidelines.GuidelinePage"]
    max_count_per_parent = 1
    template = "guidelines/guideline_index_page.html"

    class Meta:
        verbose_name = _("guideline index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["guidelines"] = GuidelinePage.objects.child_of(self).live().order_by("title")
        return context


class GuidelinePage(Page):
    """A methodological guideline with a version, an effective date and an owner."""

    version = models.CharField(
        _("version"),
        max_length=20,
        default="1.0",
        validators=[RegexValidator(r"^\d+(\.\d+)*$", _("Use numbers like 2 or 2.1."))],
        help_text=_("A new major version (the first number) asks staff to acknowledge again."),
    )
    requires_acknowledgement = models.BooleanField(
        _("staff must acknowledge it"),
        default=True,
        help_text=_("Staff confirm they have read and understood the current major version."),
    )
    effective_date = models.DateField(_("effective date"))
    department = models.CharField(_("owning department"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    body = RichTextField(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
        verbose_name=_("body"),
    )

    audience = Audience.STAFF
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("version"),
                FieldPanel("effective_date"),
                FieldPanel("department"),
                FieldPanel("requires_acknowledgement"),
            ],
            heading=_("Version"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Attached documents")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["guidelines.GuidelineIndexPage"]
    subpage_types: list[str] = []
    template = "guidelines/guideline_page.html"

    class Meta:
        verbose_name = _("guideline")

    @property
    def major_version(self) -> int:
        return int(self.version.split(".")[0])

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["acknowledgement"] = (
            GuidelineAcknowledgement.objects.filter(
                user=request.user,
                guideline_key=self.translation_key,
                major_version=self.major_version,
            ).first()
            if request.user.is_authenticated
            else None
        )
        return context


class GuidelineDocument(Orderable):
    page = ParentalKey(GuidelinePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("label")]


class GuidelineAcknowledgement(models.Model):
    """A staff member's "read and understood" for one major version of a guideline (all
    language versions share ``guideline_key``). Never changed; a new major version needs a
    new row."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    guideline_key = models.UUIDField()
    major_version = models.PositiveIntegerField()
    version = models.CharField(max_length=20)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("guideline acknowledgement")
        verbose_name_plural = _("guideline acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "guideline_key", "major_version"],
                name="acknowledgement_once_per_major_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.guideline_key} v{self.major_version}"
