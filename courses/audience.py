"""Who may see what: the audience rule, in one place.

A course or guideline is for staff, for prisoners, or for both. Prisoners see only
prisoner content; every staff role sees staff content; nobody signed out sees any.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.core.models import User


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff")
    PRISONERS = "prisoners", _("Prisoners")
    BOTH = "both", _("Staff and prisoners")


def audiences_for(user: User) -> list[str]:
    """The audience values whose content ``user`` may receive."""
    if not user.is_authenticated or not user.is_active or not user.role:
        return []
    if user.is_prisoner:
        return [Audience.PRISONERS, Audience.BOTH]
    return [Audience.STAFF, Audience.BOTH]


def audience_allows(user: User, audience: str) -> bool:
    return audience in audiences_for(user)
