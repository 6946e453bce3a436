from __future__ import annotations

from django import template

from ..rules import consent_is_current

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_state(context: template.Context, course: object) -> dict[str, bool]:
    """For a course page: does the course ask for consent, and has the signed-in learner
    given it (and not withdrawn it)?"""
    user = context["request"].user
    required = bool(getattr(course, "asks_for_consent", False))
    current = bool(
        required
        and user.is_authenticated
        and consent_is_current(learner_id=user.pk, course_key=course.translation_key)
    )
    return {"required": required, "current": current, "needed": required and not current}
