"""Small-cell suppression: no published figure may reveal a count below the threshold.

The rule (also shown on every report page):

1. **Primary.** A count from 1 to ``REPORTS_SUPPRESSION_THRESHOLD - 1`` (default 5) is
   shown as "fewer than 5". Zero is shown: it reveals no one.
2. **Secondary.** A table is a grid with the totals it publishes (per row, per column,
   overall). In every line of it (the cells of a row or column with their total) either
   nothing is hidden, or at least two cells are hidden and they add up to at least the
   threshold; a hidden total needs a hidden cell under it. Where that fails, the smallest
   shown non-zero cell of the line is hidden too (with none left, the total), until every
   line holds. So no total minus the shown cells gives a hidden cell back.
3. **Sums of cells** that the grid does not publish itself (a facility over several
   months, a few facilities together) are shown only when every cell in them is shown
   (``derived_sum``), so two overlapping figures never differ by a hidden cell.
4. **Rates** only over a denominator at or above the threshold, and only when both counts
   are shown and the numerator could be published itself (a rate and its denominator give
   the numerator back: 25% of 12 is 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

#: Positions in a grid: ``(row, col)`` for a cell, ``(row, TOTAL)`` for a row's total,
#: ``(TOTAL, col)`` for a column's total, ``(TOTAL, TOTAL)`` for the overall total.
TOTAL = -1
Pos = tuple[int, int]


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


def exported(value: int | Cell) -> int | str:
    """A count as an export writes it: the number (a number cell in a spreadsheet), or the
    words of a suppressed cell."""
    if isinstance(value, Cell):
        return value.value if value.value is not None else str(value)
    return value


@dataclass
class Grid:
    """The counts of one table: ``values[(row, col)]`` (missing is zero) over ``rows`` and
    ``cols`` (indexes), with the totals that the table publishes."""

    rows: list[int]
    cols: list[int]
    values: dict[Pos, int] = field(default_factory=dict)
    row_totals: bool = True
    col_totals: bool = True

    def full(self) -> dict[Pos, int]:
        """Every cell and published total, zeros included."""
        out = {(r, c): self.values.get((r, c), 0) for r in self.rows for c in self.cols}
        if self.row_totals:
            for r in self.rows:
                out[(r, TOTAL)] = sum(out[(r, c)] for c in self.cols)
        if self.col_totals:
            for c in self.cols:
                out[(TOTAL, c)] = sum(out[(r, c)] for r in self.rows)
        if self.row_totals and self.col_totals:
            out[(TOTAL, TOTAL)] = sum(out[(r, c)] for r in self.rows for c in self.cols)
        return out

    def lines(self) -> list[tuple[list[Pos], Pos]]:
        """Each line of the table: its cells and the total they add up to."""
        lines: list[tuple[list[Pos], Pos]] = []
        if self.row_totals:
            lines += [([(r, c) for c in self.cols], (r, TOTAL)) for r in self.rows]
        if self.col_totals:
            lines += [([(r, c) for r in self.rows], (TOTAL, c)) for c in self.cols]
        if self.row_totals and self.col_totals:
            lines.append(([(r, TOTAL) for r in self.rows], (TOTAL, TOTAL)))
            lines.append(([(TOTAL, c) for c in self.cols], (TOTAL, TOTAL)))
        return lines


def hidden_positions(grid: Grid, *, already_hidden: Iterable[Pos] = ()) -> set[Pos]:
    """The positions of ``grid`` to hide: primary (rule 1), then secondary (rule 2) until
    every line holds. ``already_hidden`` are positions hidden by another table that
    publishes the same count (a breakdown's total is a cell of the facilities' grid), so
    both tables hide it. Pure; terminates because each pass hides one more position or
    stops."""
    limit = threshold()
    values = grid.full()
    hidden = {pos for pos, value in values.items() if 0 < value < limit}
    hidden |= set(already_hidden)
    lines = grid.lines()
    # After each position hidden, start again from the first line: a line is mended only
    # once those before it hold, so a hidden cell's own row total is hidden with it (its
    # row comes first) before a later line would pick some other cell to hide beside it.
    while (fix := _first_fix(lines, values, hidden, limit)) is not None:
        hidden.add(fix)
    return hidden


def _first_fix(
    lines: list[tuple[list[Pos], Pos]], values: dict[Pos, int], hidden: set[Pos], limit: int
) -> Pos | None:
    """The position to hide next: in the first line that fails rule 2, its smallest shown
    non-zero cell (with none left, its total); None when every line holds."""
    for members, total in lines:
        hidden_members = [m for m in members if m in hidden]
        shown = sorted((values[m], m) for m in members if m not in hidden and values[m] > 0)
        if total not in hidden:
            if hidden_members and (
                len(hidden_members) < 2 or sum(values[m] for m in hidden_members) < limit
            ):
                return shown[0][1] if shown else total
        elif not hidden_members and shown:
            return shown[0][1]
    return None


@dataclass
class Suppressed:
    """A grid after suppression: its values and the positions hidden (none when exact)."""

    values: dict[Pos, int]
    hidden: set[Pos]

    def cell(self, row: int, col: int) -> Cell:
        pos = (row, col)
        return Cell(None if pos in self.hidden else self.values.get(pos, 0))


def suppress_grid(
    grid: Grid, *, exact: bool = False, already_hidden: Iterable[Pos] = ()
) -> Suppressed:
    """``grid`` with rules 1 and 2 applied (``already_hidden``: see ``hidden_positions``);
    ``exact`` hides nothing (the pages of those who may see the people anyway; never
    exports, never voluntary programmes)."""
    if exact:
        return Suppressed(values=grid.full(), hidden=set())
    return Suppressed(
        values=grid.full(), hidden=hidden_positions(grid, already_hidden=already_hidden)
    )


def derived_sum(cells: Iterable[Cell]) -> Cell:
    """A sum of published cells that no grid publishes itself (rule 3): shown only when
    every cell in it is shown."""
    total = 0
    for cell in cells:
        if cell.value is None:
            return Cell(None)
        total += cell.value
    return Cell(total)


def suppress_row(counts: list[int], *, with_total: bool = True) -> list[Cell]:
    """One column of counts (with its total, when published), suppressed."""
    grid = Grid(
        rows=list(range(len(counts))),
        cols=[0],
        values={(i, 0): c for i, c in enumerate(counts)},
        row_totals=False,
        col_totals=with_total,
    )
    result = suppress_grid(grid)
    return [result.cell(i, 0) for i in range(len(counts))]


def suppress_total(total: int) -> Cell:
    """A total on its own is itself a cell: below the threshold it is suppressed."""
    return Cell(None if 0 < total < threshold() else total)


def rate(numerator: int, denominator: int, *, exact: bool = False) -> float | None:
    """A rate only over a denominator at or above the threshold, and (unless ``exact``:
    for those who see the counts anyway) only when the count it gives back (numerator =
    rate x denominator) could itself be published: 25% of 12 would give back 3."""
    if denominator < threshold():
        return None
    if not exact and 0 < numerator < threshold():
        return None
    return round(100 * numerator / denominator, 1)


def cell_rate(numerator: Cell, denominator: Cell, *, exact: bool = False) -> float | None:
    """A rate of two published cells (rule 4): None when either is hidden, or as ``rate``
    would refuse it."""
    if numerator.value is None or denominator.value is None:
        return None
    return rate(numerator.value, denominator.value, exact=exact)
