"""A date field that reads and writes dates the way the user's language does.

A browser's ``<input type="date">`` shows dates in the browser's own locale (an English
browser shows 03/25/2026 to an officer working in Russian) and ignores the page's
language. This widget is a text box in the active language's first input format
(``DATE_INPUT_FORMATS``: 25.03.2026 in Kazakh and Russian), with that format as its
placeholder; Django parses what is typed in that format, or as an ISO date."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext


def date_placeholder() -> str:
    """The active language's date input format spelled out ("ДД.ММ.ГГГГ")."""
    pattern = formats.get_format("DATE_INPUT_FORMATS")[0]
    return (
        pattern.replace("%d", gettext("DD"))
        .replace("%m", gettext("MM"))
        .replace("%Y", gettext("YYYY"))
        .replace("%y", gettext("YY"))
    )


class LocalDateInput(forms.DateInput):
    """A text box for a date in the user's language (see the module docstring)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", date_placeholder())
        return context
