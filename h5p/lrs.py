"""Forwarding stored xAPI statements to an external Learning Record Store (optional).

Off unless ``H5P_LRS_ENDPOINT`` is set. Each statement is sent with
``PUT <endpoint>/statements?statementId=<our id>``, which the xAPI spec makes idempotent,
so a retried or repeated send stores it once. Only the configured endpoint is contacted;
redirects are not followed.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import StatementForward

XAPI_VERSION_HEADER = "1.0.3"


class LRSError(Exception):
    """The LRS did not accept the statement (retried by the task)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def lrs_enabled() -> bool:
    return bool(settings.H5P_LRS_ENDPOINT)


def lrs_statement_put(*, statement_id: str, statement: dict[str, Any]) -> int:
    """Send one statement; return the LRS's status (204, or 409 if it already has it)."""
    endpoint = settings.H5P_LRS_ENDPOINT.rstrip("/")
    url = f"{endpoint}/statements?" + urllib.parse.urlencode({"statementId": statement_id})
    request = urllib.request.Request(  # noqa: S310 (the administrator's configured endpoint)
        url,
        data=json.dumps(statement).encode(),
        method="PUT",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION_HEADER,
        },
    )
    if settings.H5P_LRS_USERNAME:
        token = f"{settings.H5P_LRS_USERNAME}:{settings.H5P_LRS_PASSWORD}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(token).decode())
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.H5P_LRS_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 409:  # the LRS already holds this statement id
            return 409
        raise LRSError(f"LRS answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise LRSError(f"LRS unreachable: {error}") from None


def statement_forward(*, statement_id: str) -> bool:
    """Send one stored statement to the LRS unless it already arrived; mark it delivered.

    Idempotent: a statement the LRS already holds (409) counts as delivered. Raises
    ``LRSError`` (after counting the attempt) when the LRS cannot take it now. Returns
    whether anything was sent."""
    forward = (
        StatementForward.objects.select_related("statement")
        .filter(statement_id=statement_id, delivered_at__isnull=True)
        .first()
    )
    if forward is None:
        return False
    try:
        lrs_statement_put(
            statement_id=str(forward.statement_id), statement=forward.statement.statement
        )
    except LRSError as error:
        StatementForward.objects.filter(pk=forward.pk).update(
            attempts=F("attempts") + 1, last_error=str(error)[:255]
        )
        raise
    StatementForward.objects.filter(pk=forward.pk).update(
        attempts=F("attempts") + 1, last_error="", delivered_at=timezone.now()
    )
    return True


def statements_undelivered(*, older_than_seconds: int, limit: int) -> list[str]:
    """Ids of statements not yet in the LRS whose first send is older than the given age
    (so a send in flight is not doubled), oldest first."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return [
        str(pk)
        for pk in StatementForward.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("statement_id", flat=True)[:limit]
    ]
