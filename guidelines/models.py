"""Methodological guidelines for staff: versioned pages, never shown to prisoners.

No personal data. The audience is fixed to staff (``audience`` is a constant, not a
field), so no editor can open a guideline to prisoners by mistake.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from courses.audience import Audience


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

    version = models.CharField(_("version"), max_length=20, default="1.0")
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
            [FieldPanel("version"), FieldPanel("effective_date"), FieldPanel("department")],
            heading=_("Version"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["guidelines.GuidelineIndexPage"]
    subpage_types: list[str] = []
    template = "guidelines/guideline_page.html"

    class Meta:
        verbose_name = _("guideline")
