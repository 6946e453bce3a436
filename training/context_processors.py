"""The home page's training notice and the header's count of unread training
notifications, each read only when a template asks for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def training(request: HttpRequest) -> dict[str, Any]:
    from .selectors import home_notice, my_notifications

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "training_notice": SimpleLazyObject(lambda: home_notice(user) or False),
        "training_unread": SimpleLazyObject(lambda: my_notifications(user).count()),
    }
