"""Per-client rate limit for public verification, counted in a Django cache.

The cache is ``settings.VERIFY_RATE_LIMIT_CACHE`` ("default"): LocMem per process in
development; with several web processes set ``CACHE_URL`` (Redis) so they share the
count. The client is ``lms.core.addresses.client_address`` (behind a reverse proxy, the
forwarded address: set ``QADAM_TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lms.core.addresses import client_address

WINDOW_SECONDS = 60


def rate_limited(request: HttpRequest, scope: str = "verify") -> bool:
    """Count this request; True if the client went over the limit in this minute."""
    cache = caches[settings.VERIFY_RATE_LIMIT_CACHE]
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
    return count > settings.VERIFY_RATE_LIMIT


def verify_rate_limit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if rate_limited(request):
            response = render(request, "certificates/too_many.html", status=429)
            response["Retry-After"] = str(WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)

    return wrapped
