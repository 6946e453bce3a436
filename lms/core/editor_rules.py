"""Content that arrives by any path other than the page editor (course archives, future
APIs) is passed through the editor's own rules before it is stored.

Rich text goes through the Draftail widget of the field or block it belongs to, both
ways (HTML -> contentstate -> HTML), which is exactly what happens to what a person types
in the editor: only the field's features survive (no ``<script>``, ``<form>``, ``<div>``,
``<iframe>``, no attributes but the ones a feature defines, no ``javascript:`` links).
StreamField data then goes through the stream block's own ``clean`` (lengths, choices,
required values, the blocks' own rules). Nothing here writes anything.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.rich_text import get_rich_text_editor_widget


class ContentRefused(Exception):
    """The content breaks an editor rule; ``reasons`` are sentences for the person."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def editor_contentstate(html: str, *, widget: Any) -> str:
    """``html`` as the rich text editor ``widget`` loads it (Draftail contentstate JSON),
    ready to be posted back through that widget or the form it belongs to."""
    # The editor's HTML reader expects well-formed markup (what Wagtail itself stores);
    # anything else is first re-serialised by a forgiving parser, as a browser would.
    html = str(BeautifulSoup(html or "", "html.parser"))
    try:
        return widget.format_value(html)
    except (AssertionError, ValueError, KeyError, TypeError) as error:
        raise ContentRefused([_("A text could not be read as rich text.")]) from error


def editor_html(html: str, *, widget: Any = None, features: list[str] | None = None) -> str:
    """``html`` as the rich text editor would store it, given the editor's ``widget`` (a
    form field's or a block's) or its ``features``. Markup the editor cannot express is
    dropped, text is kept."""
    if widget is None:
        widget = get_rich_text_editor_widget(features=features)
    if not html:
        return ""
    contentstate = editor_contentstate(html, widget=widget)
    return widget.value_from_datadict({"text": contentstate}, {}, "text")


def _editor_json(block: blocks.Block, value: Any) -> Any:
    """Stream JSON with every rich text value passed through its block's editor."""
    if isinstance(block, blocks.RichTextBlock):
        return editor_html(value, widget=block.field.widget) if isinstance(value, str) else ""
    if isinstance(block, blocks.StreamBlock) and isinstance(value, list):
        for child in value:
            if isinstance(child, dict):
                child_block = block.child_blocks.get(child.get("type"))
                if child_block is not None:
                    child["value"] = _editor_json(child_block, child.get("value"))
        return value
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        for name, child_block in block.child_blocks.items():
            if name in value:
                value[name] = _editor_json(child_block, value[name])
        return value
    if isinstance(block, blocks.ListBlock) and isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item["value"] = _editor_json(block.child_block, item["value"])
            else:
                value[index] = _editor_json(block.child_block, item)
        return value
    return value


def block_error_sentences(error: Any, where: str = "") -> list[str]:
    """The messages inside a (nested) block validation error, each prefixed with where
    it is (``Text 2: ...``), instead of Wagtail's generic "Validation error in ..."."""
    if isinstance(error, ErrorList | list):
        return [sentence for item in error for sentence in block_error_sentences(item, where)]
    sentences: list[str] = []
    for key, child in (getattr(error, "block_errors", None) or {}).items():
        label = f"{where} #{key + 1}" if isinstance(key, int) else f"{where} › {key}"
        label = label.strip(" ›")
        sentences += block_error_sentences(child, label)
    for child in getattr(error, "non_block_errors", None) or []:
        sentences += block_error_sentences(child, where)
    if sentences or getattr(error, "block_errors", None) is not None:
        return sentences
    if isinstance(error, ValidationError):
        return [f"{where}: {message}" if where else message for message in error.messages]
    return [f"{where}: {error}" if where else str(error)]


def stream_from_outside(stream_block: blocks.StreamBlock, raw: Any) -> Any:
    """A StreamValue for ``raw`` (stream JSON from outside the editor) with the editor's
    rich text rules applied and the stream block's validation passed. Raises
    ``ContentRefused`` with sentences when the stream breaks a rule."""
    if not isinstance(raw, list):
        raise ContentRefused([_("A page body is not a list of blocks.")])
    value = stream_block.to_python(_editor_json(stream_block, raw))
    try:
        return stream_block.clean(value)
    except ValidationError as error:
        raise ContentRefused(block_error_sentences(error)) from error
