"""System checks of our own (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from .names import names_with_bidi_controls_q


def existing_names_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """A system check (database tag): people whose stored names still hold
    bidirectional controls."""
    from django.core.checks import Warning

    if not databases:
        return []
    from .models import User  # imported late: checks load with the app registry

    count = User.objects.filter(names_with_bidi_controls_q()).count()
    if not count:
        return []
    return [
        Warning(
            f"{count} people have bidirectional control characters in their names.",
            hint="Saving each person strips them (User.save); or run the data migration "
            "core.0003_names_without_bidi_controls again.",
            id="qadam.W001",
        )
    ]
