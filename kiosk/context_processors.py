from django.conf import settings
from django.http import HttpRequest

from . import kiosk_session as ks


def kiosk(request: HttpRequest) -> dict[str, object]:
    """``base_template``: the kiosk theme on a kiosk, the staff web elsewhere; the same
    views serve both. On a kiosk, also what the page's session timer needs."""
    device = getattr(request, "kiosk", None)
    context: dict[str, object] = {
        "kiosk": device,
        "base_template": "kiosk/base.html" if device is not None else "base.html",
    }
    if device is not None and request.user.is_authenticated:
        context.update(
            kiosk_idle_seconds=settings.KIOSK_IDLE_SECONDS,
            kiosk_warning_seconds=min(
                settings.KIOSK_IDLE_WARNING_SECONDS, settings.KIOSK_IDLE_SECONDS // 2
            ),
            kiosk_cap_left=ks.cap_seconds_left(request),
            kiosk_queue_key=request.session.get("kiosk_queue_key", ""),
        )
    return context
