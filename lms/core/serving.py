"""Serving Wagtail pages without walking the page tree on every request.

Wagtail finds the site with a query and resolves a page URL segment by segment (a query
per segment, then one for ``.specific``) on every request. What a learning page needs
besides the learner's own records (the route, the page, its course and lessons, their
translations, the rendered teaching content) is the same for everyone and changes only
when somebody saves, publishes, moves or deletes a page.

Each process keeps that in memory (``memo``) under the content version it read: a
random token in one database row (``ContentVersion``) that every such change replaces,
in the same transaction as the change. Reading the token is one small query per request,
so a change made by any process (the admin, a scheduled publish, an import) is seen by
every process on its next request; nothing is ever served from a version older than the
database's. What is kept holds no personal data: routes, pages and rendered content.

The same mechanism, with a second token (``access_version``) read in the same query,
keeps the people and kiosks every signed-in request loads (``lms.core.access_memo``).

Side effects: ``content_version_bump`` and ``access_version_bump`` write their row;
nothing else here writes.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, connection, transaction
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone, translation
from wagtail import hooks
from wagtail.models import Page

from .models import ContentVersion

T = TypeVar("T")

_MISSING = object()
# Within an HTTP request the tokens are read once, when first needed, and kept for the
# rest of the request, so that all a page asks for is consistent (and costs one query in
# all, for both tokens). Outside requests (Celery tasks, commands) every call reads them:
# a long-running worker must never hold on to a token.
_in_request: ContextVar[bool] = ContextVar("qadam_in_request", default=False)
_request_tokens: ContextVar[dict[int, str] | None] = ContextVar(
    "qadam_version_tokens", default=None
)


@receiver(request_started, dispatch_uid="core.serving.request_started")
@receiver(request_finished, dispatch_uid="core.serving.request_finished")
def _request_boundary(sender: Any, signal: Any, **kwargs: Any) -> None:
    _in_request.set(signal is request_started)
    _request_tokens.set(None)


def content_version() -> str:
    """The current content token (read once per HTTP request, with the access token)."""
    return _version_tokens().get(ContentVersion.CONTENT, "")


def access_version() -> str:
    """The current access token (``lms.core.access_memo``): replaced by every change
    that decides who is signed in as whom (read once per HTTP request, with the content
    token)."""
    return _version_tokens().get(ContentVersion.ACCESS, "")


def _version_tokens() -> dict[int, str]:
    if not _in_request.get():
        return _read_tokens()
    tokens = _request_tokens.get()
    if tokens is None:
        tokens = _read_tokens()
        _request_tokens.set(tokens)
    return tokens


def _read_tokens() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, token FROM {ContentVersion._meta.db_table} WHERE id IN (%s, %s)",  # noqa: S608
            [ContentVersion.CONTENT, ContentVersion.ACCESS],
        )
        return {int(row[0]): str(row[1]) for row in cursor.fetchall()}


def content_version_bump() -> None:
    """Give published content a new token: every process drops what it kept."""
    _version_bump(ContentVersion.CONTENT)


def access_version_bump() -> None:
    """Give access a new token: every process drops the people and kiosks it kept
    (``lms.core.access_memo``) and loads them from the database on its next request.
    Call it inside the transaction of the change (signals of ``save`` and ``delete``
    do; ``QuerySet.update()`` and raw SQL must call it themselves)."""
    _version_bump(ContentVersion.ACCESS)


def _version_bump(version: int) -> None:
    values = {"token": uuid.uuid4(), "changed_at": timezone.now()}
    _request_tokens.set(None)  # this request's later reads see the new token
    if ContentVersion.objects.filter(pk=version).update(**values):
        return
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=version, **values)
    except IntegrityError:  # created by a concurrent change: replace its token
        ContentVersion.objects.filter(pk=version).update(**values)


class VersionedMemo:
    """Values computed at most once per process and content token.

    Bounded: past ``max_entries`` the least recently used value goes (a token change
    empties it). Safe under threads: at worst two threads compute the same value.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._token: str | None = None
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def _items_for(self, token: str) -> OrderedDict[Hashable, Any]:
        if token != self._token:
            with self._lock:
                if token != self._token:
                    self._items = OrderedDict()
                    self._token = token
        return self._items

    def get(self, token: str, key: Hashable) -> Any:
        items = self._items_for(token)
        value = items.get(key, _MISSING)
        if value is not _MISSING:
            with contextlib.suppress(KeyError):  # another thread may have dropped it
                items.move_to_end(key)
        return value

    def set(self, token: str, key: Hashable, value: Any) -> None:
        if not token:
            return  # no version row (a flushed test database): keep nothing
        items = self._items_for(token)
        with self._lock:
            items[key] = value
            while len(items) > self.max_entries:
                items.popitem(last=False)

    def get_or_compute(self, token: str, key: Hashable, compute: Callable[[], T]) -> T:
        value = self.get(token, key)
        if value is _MISSING:
            value = compute()
            self.set(token, key, value)
        return value


# Routes, pages, course lessons and rendered lesson bodies (QADAM_MEMO_ENTRIES).
memo = VersionedMemo(max_entries=settings.QADAM_MEMO_ENTRIES)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per process and content version (``key`` names what it is)."""
    return memo.get_or_compute(content_version(), key, compute)


# --- Routing -------------------------------------------------------------------------------


def route_for_request(request: HttpRequest, path: str) -> Any:
    """Wagtail's ``Page.route_for_request``, remembered per host, language and path.

    Only plain routes (a page with no extra arguments) are kept; anything else, and
    every miss, goes through Wagtail's own routing.
    """
    token = content_version()
    hostname = split_domain_port(request._get_raw_host())[0]
    key = ("route", hostname, request.get_port(), translation.get_language(), path)
    hit = memo.get(token, key)
    if hit is not _MISSING:
        site, page = hit
        request._wagtail_site = site
        request._wagtail_route_for_request = (page, [], {})
        return request._wagtail_route_for_request
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        if not args and not kwargs and page.live:
            memo.set(token, key, (getattr(request, "_wagtail_site", None), page))
    return result


def is_served_page(request: HttpRequest | None, page: Any) -> bool:
    """Whether ``page`` is the live page this request is serving through our routes, the
    only page whose renderings may be remembered. Previews (a draft, a revision, an
    unsaved page) render the same templates with another object of the same id: never
    remembered, and never given what was remembered."""
    if request is None or page is None or page.pk is None:
        return False
    if getattr(request, "is_preview", False):
        return False
    route = getattr(request, "_wagtail_route_for_request", None)
    return route is not None and route[0] is page


def view_restrictions_pass(request: HttpRequest, page: Any) -> bool:
    """Whether ``request`` passes every view restriction (password, groups, sign-in) on
    ``page`` and its ancestors, as serving the page itself would require. For endpoints
    that act on a page without serving it (its files, statements, time reports)."""
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """``wagtail.views.serve`` with remembered routes: the same hooks, in the same order."""
    route = route_for_request(request, path)
    if route is None:
        raise Http404
    page, args, kwargs = route

    def serve_chain(page: Page, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


class RememberedPageMixin:
    """For page classes: what Wagtail works out again on every request, remembered per
    content version (saving or deleting a page, site or restriction changes the version):

    - the view restrictions (two queries per serve), returned as Wagtail returns them, a
      queryset, already evaluated;
    - the page's address as seen from a host (``{% pageurl %}``: site root paths and a URL
      reverse each time).
    """

    def get_url(self, request: HttpRequest | None = None, current_site: Any = None) -> str:
        parent = super(RememberedPageMixin, self)  # noqa: UP008 - used in a lambda
        if (
            request is None
            or current_site is not None
            or self.pk is None
            or getattr(request, "is_preview", False)
        ):
            return parent.get_url(request=request, current_site=current_site)
        hostname = split_domain_port(request._get_raw_host())[0]
        key = (
            "page_url",
            self.pk,
            hostname,
            request.get_port(),
            request.META.get("SCRIPT_NAME"),
            translation.get_language(),  # Wagtail may use the active variant of a language
        )
        return memoised(key, lambda: parent.get_url(request=request))

    def get_view_restrictions(self):  # Wagtail's signature, untyped
        from wagtail.models import PageViewRestriction

        parent = super(RememberedPageMixin, self)  # noqa: UP008 - used in a lambda
        if self.pk is None:
            return parent.get_view_restrictions()
        restrictions = memoised(
            ("view_restrictions", self.pk), lambda: list(parent.get_view_restrictions())
        )
        queryset = PageViewRestriction.objects.filter(pk__in=[r.pk for r in restrictions])
        queryset._result_cache = list(restrictions)
        return queryset
