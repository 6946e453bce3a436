"""Small-cell suppression: no published figure may reveal a count below the threshold.

A cell below ``REPORTS_SUPPRESSION_THRESHOLD`` (default 5) is shown as "fewer than N". When
exactly one cell of a row with a published total is suppressed, the next smallest cell is
suppressed too (secondary suppression), so the total minus the others cannot give it back.
A rate is published only over a denominator at or above the threshold and when its
numerator could be published too: 25% of 12 would give back 3.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


def threshold() -> int:
    """The smallest count that may be published."""
    return int(getattr(settings, "REPORTS_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Cell:
    """One published count: ``value`` is None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return _("fewer than %(n)d") % {"n": threshold()}
        return str(self.value)


def suppress_row(counts: list[int], *, with_total: bool = True) -> list[Cell]:
    """Suppress small cells, then (when a total is published) enough others that no
    suppressed cell can be worked out from the total. Zero is published: it reveals no one."""
    limit = threshold()
    hidden = {i for i, c in enumerate(counts) if 0 < c < limit}
    if with_total and len(hidden) == 1 and len(counts) > 1:
        others = sorted((c, i) for i, c in enumerate(counts) if i not in hidden and c > 0)
        if others:
            hidden.add(others[0][1])
    return [Cell(None if i in hidden else c) for i, c in enumerate(counts)]


def suppress_total(total: int) -> Cell:
    """A total is itself a cell: below the threshold it is suppressed."""
    return Cell(None if 0 < total < threshold() else total)


def rate(numerator: int, denominator: int) -> float | None:
    """A rate only over a denominator at or above the threshold, and only when the count it
    gives back (numerator = rate x denominator) could itself be published (else None)."""
    if denominator < threshold() or 0 < numerator < threshold():
        return None
    return round(100 * numerator / denominator, 1)
