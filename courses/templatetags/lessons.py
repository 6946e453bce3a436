"""The lesson body, rendered once per published revision and language.

A lesson's teaching content (text, media, documents, glossary) is the same for every
learner: it is rendered once per process, content version, language and theme, with a
context that holds nothing of the person (no request, no user), so nothing personal can
end up in what is kept. Scored activities (quizzes, H5P) show the learner's own answers and
results and are rendered on every request.
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from lms.core.serving import is_served_page, memoised

from ..blocks import activity_block_names

register = template.Library()


def _shared_parts(page, kiosk: bool) -> list[str | None]:
    """Rendered HTML of each learner-independent block; None where an activity goes."""
    activities = activity_block_names()
    parts: list[str | None] = []
    for block in page.body:
        if block.block_type in activities:
            parts.append(None)
        else:
            context = {"page": page, "block_id": block.id, "kiosk_theme": kiosk}
            parts.append(str(block.render_as_block(context=context)))
    return parts


@register.simple_tag(takes_context=True)
def lesson_body(context: template.Context) -> SafeString:
    page = context["page"]
    kiosk = context.get("kiosk") is not None
    if is_served_page(context.get("request"), page):
        key = ("lesson_body", page.pk, page.live_revision_id, translation.get_language(), kiosk)
        parts = memoised(key, lambda: _shared_parts(page, kiosk))
    else:  # a preview of a draft or a revision: its own body, kept nowhere
        parts = _shared_parts(page, kiosk)
    html: list[str] = []
    for index, part in enumerate(parts):
        if part is not None:
            html.append(part)
            continue
        block = page.body[index]
        if block.block_type == "quiz":
            quiz_form = context.template.engine.get_template("courses/blocks/quiz_form.html")
            with context.push(block=block):
                html.append(quiz_form.render(context))
        else:
            html.append(
                str(block.render_as_block(context={**context.flatten(), "block_id": block.id}))
            )
    return mark_safe("".join(html))  # noqa: S308 - every part is rendered by templates
