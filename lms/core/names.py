"""People's names hold no bidirectional control characters.

A right-to-left override (U+202E) in a name makes "evil" print as "live" on a certificate
and on every screen that shows the name; the isolates, embeddings and marks do the same
in milder ways. Kazakh, Russian and English names never need them (Arabic-script names
render right to left without them), so ``User`` strips them from every name field when it
is cleaned or saved, whatever path the value came by (forms, admin, imports, the shell).
``lms.core.checks.existing_names_check`` reports rows stored before that
(``manage.py check --database default``); migration
``core.0003_names_without_bidi_controls`` cleaned those of the time.
"""

from __future__ import annotations

import re
from typing import Any

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NAME_FIELDS = ("first_name", "last_name", "position")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text or "")


def strip_name_fields(person: Any) -> None:
    """Remove bidirectional controls from ``person``'s name fields, in place."""
    for field in NAME_FIELDS:
        value = getattr(person, field, None)
        if isinstance(value, str):
            setattr(person, field, without_bidi_controls(value))


def names_with_bidi_controls_q() -> Any:
    from django.db.models import Q

    query = Q()
    for field in NAME_FIELDS:
        query |= Q(**{f"{field}__regex": BIDI_CONTROLS.pattern})
    return query
