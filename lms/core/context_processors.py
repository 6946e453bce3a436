from django.conf import settings
from django.http import HttpRequest

from .policy import may_manage_learners


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name, and what the header offers the user (asked of the policy core)."""
    user = getattr(request, "user", None)
    return {
        "qadam_site_name": settings.QADAM_SITE_NAME,
        "may_manage_learners": bool(user is not None and may_manage_learners(user)),
    }
