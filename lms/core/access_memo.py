"""The people and kiosks every signed-in request loads, kept per process under the
access version.

Every signed-in request loads the person behind its session and, on a kiosk, the kiosk
behind its cookie: two queries that answer the same for hours. Each process keeps those
rows in memory under the access token it read (``lms.core.serving.access_version``, read
in the same query as the content token: one query per request for both). Every change
that decides who may be signed in as whom replaces the token in the same transaction as
the change (``access_version_bump``; ``lms.core.signals`` and ``kiosk.apps`` connect it
to saves and deletes of people, kiosks and kiosk PINs; ending someone's staff session
calls it), so every process loads them again from the database on its next request.

Rules that keep it safe (docs/decisions/0046):

- Deny by default: nothing is kept without a token (a database with no version row), a
  token read before the row is the only one a row is kept under (so a row is never older
  than its token), unknown or revoked kiosks and unknown people are never kept (each such
  request asks the database, as before), and a save that touches anything but the fields
  listed as harmless replaces the token.
- What is kept are column values, never instances: every request gets instances of its
  own (django-otp and views set attributes on ``request.user``; one session's verified
  second factor must never be another session's).
- The session itself is not kept here: it is read from its store on every request (it
  holds the idle clock and is ended by sign-out in any process).

Side effects: none (reads; the memo is per process). Holds personal data in memory: the
``User`` rows of people signed in recently (names, role, facility, password hash), for at
most ``QADAM_ACCESS_MEMO_ENTRIES`` rows per process, dropped at every access change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .serving import _MISSING, VersionedMemo, access_version

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

# User, kiosk and second-factor device rows and facts about them (QADAM_ACCESS_MEMO_ENTRIES).
# Apart from the content memo: an access change must not empty the pages, nor a page save
# the people.
access_memo = VersionedMemo(max_entries=settings.QADAM_ACCESS_MEMO_ENTRIES)


def _values(instance: models.Model) -> tuple:
    columns = tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)
    return (instance._state.db, columns)


def _instance(model: type[M], kept: tuple) -> M:
    """A new instance of ``model`` from kept column values, as if just loaded."""
    db, columns = kept
    fields = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(db, fields, columns)


def remembered(model: type[M], key: Hashable, load: Callable[[], M | None]) -> M | None:
    """The row ``load()`` finds, kept per process and access version under ``key``; a new
    instance on every call. Nothing found (None) is never kept."""
    token = access_version()
    values = access_memo.get(token, (model._meta.label, key))
    if values is not _MISSING:
        return _instance(model, values)
    instance = load()
    if instance is not None:
        access_memo.set(token, (model._meta.label, key), _values(instance))
    return instance


def fact_remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """A plain value about who may do what (a bool, a number: never an instance),
    computed at most once per process and access version. Only for facts whose every
    input replaces the access token when it changes (``lms.core.signals``)."""
    return access_memo.get_or_compute(access_version(), ("fact", key), compute)


def user_remembered(user_id: object) -> models.Model | None:
    """The person with primary key ``user_id`` (as a session keeps it), or None."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(user_id)
    except (TypeError, ValueError, ValidationError):
        return None

    def load() -> models.Model | None:
        try:
            return user_model._default_manager.get(pk=pk)
        except user_model.DoesNotExist:
            return None

    return remembered(user_model, pk, load)
