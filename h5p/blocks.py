"""The H5P activity block for lesson bodies.

The block's id is the activity's identity; its pass mark (from ``ActivityBlock``) decides
success on the server, never the browser.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import ActivityBlock


class H5PActivityBlock(ActivityBlock):
    content = SnippetChooserBlock("h5p.H5PContent", label=_("H5P activity"))

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity.html"
        form_layout = ["content", "pass_mark", "required"]  # the activity first

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        from .player import player_context

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        overview = parent_context.get("overview")
        context.update(
            player_context(
                request=parent_context.get("request"),
                lesson=parent_context.get("page"),
                block_id=parent_context.get("block_id"),
                value=value,
                results=getattr(overview, "activity_results", None),
            )
        )
        return context
