"""The address of the person at the other end of a request, the one place it is read.

Behind nginx every request comes from 127.0.0.1 (``REMOTE_ADDR``): lockouts by address
would lock the whole site and audit rows would all name the proxy. The proxies Qadam
stands behind append the address they saw to ``X-Forwarded-For``; with
``QADAM_TRUSTED_PROXY_COUNT`` = N (0 unless set: then the header is ignored, since anyone
can send it) the client is the right-most address no trusted proxy wrote, the N-th from
the right. Everything left of it was sent by the client and is not believed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: Any) -> str:
    """The client's IP address of ``request`` ("" if unknown): ``REMOTE_ADDR``, or, with
    ``QADAM_TRUSTED_PROXY_COUNT`` trusted proxies in front, the right-most untrusted hop of
    ``X-Forwarded-For``. Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.QADAM_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if not hops:
        return remote
    # hops + [REMOTE_ADDR]: the last `trusted` entries are our proxies.
    candidate = hops[-trusted] if len(hops) >= trusted else hops[0]
    return candidate if _valid(candidate) else remote
