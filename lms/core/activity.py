"""Which requests the person made, and which a page made on its own.

Idle timeouts (kiosk sessions, staff sessions) count only the person's requests: a screen
left open must still time out, however often its page polls or its video buffers.
"""

from __future__ import annotations

from django.http import HttpRequest

# Requests our pages make on their own (progress retries, time reports, the certificate
# status poll) say so with this header.
BACKGROUND_HEADER = "HTTP_X_QADAM_BACKGROUND"


def is_background(request: HttpRequest) -> bool:
    """Whether ``request`` says it was made by the page, not the person: the
    ``X-Qadam-Background`` header, or a range request (a video or audio player fetching
    as it plays: a film left running must not hold an abandoned session open)."""
    return request.META.get(BACKGROUND_HEADER) == "1" or "HTTP_RANGE" in request.META
