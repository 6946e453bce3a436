"""Small-cell suppression (``lms.core.suppression``): primary, secondary over every line of
a grid, derived sums and rates."""

from __future__ import annotations

import itertools

from django.utils import translation

from lms.core.suppression import (
    TOTAL,
    Cell,
    Grid,
    derived_sum,
    hidden_positions,
    rate,
    suppress_grid,
    suppress_row,
)


def test_a_small_cell_is_suppressed_and_so_is_the_next_smallest():
    cells = suppress_row([10, 3, 7, 0])
    assert [c.value for c in cells] == [10, None, None, 0]
    with translation.override("en"):
        assert str(cells[1]) == "fewer than 5"


def test_a_rate_needs_a_denominator_at_the_threshold():
    assert rate(2, 4) is None
    assert rate(6, 12) == 50.0
    assert rate(0, 6) == 0.0


def test_a_rate_that_would_give_back_a_small_count_is_not_published():
    # 25% of 12 people is 3 people: the rate would publish a suppressed count.
    assert rate(3, 12) is None
    assert rate(5, 12) == 41.7
    # Unless the viewer sees the counts anyway.
    assert rate(3, 12, exact=True) == 25.0


def test_a_lone_small_cell_hides_its_total():
    result = suppress_grid(Grid(rows=[0, 1], cols=[0], values={(0, 0): 3}, row_totals=False))
    assert result.cell(0, 0).value is None and result.cell(TOTAL, 0).value is None
    assert result.cell(1, 0).value == 0


def test_two_hidden_cells_that_add_up_to_less_than_the_threshold_hide_a_third():
    cells = suppress_row([1, 2, 9, 30])
    assert [c.value for c in cells] == [None, None, None, 30]


def test_a_grid_with_both_totals_holds_in_every_row_and_column():
    grid = Grid(
        rows=[0, 1, 2],
        cols=[0, 1],
        values={(0, 0): 3, (0, 1): 8, (1, 0): 6, (1, 1): 7, (2, 0): 9, (2, 1): 10},
    )
    hidden = hidden_positions(grid)
    values = grid.full()
    for members, total in grid.lines():
        inside = [m for m in members if m in hidden]
        if total not in hidden:
            assert not inside or (len(inside) >= 2 and sum(values[m] for m in inside) >= 5)


def test_no_column_of_small_facilities_gives_a_hidden_cell_back():
    """Every column of three or four facilities with counts 0..7: never exactly one hidden
    cell under a shown total, and the hidden cells together never below the threshold."""
    for size in (3, 4):
        for counts in itertools.product(range(8), repeat=size):
            grid = Grid(
                rows=list(range(size)),
                cols=[0],
                values={(i, 0): c for i, c in enumerate(counts)},
                row_totals=False,
            )
            result = suppress_grid(grid)
            hidden = [counts[i] for i in range(size) if result.cell(i, 0).suppressed]
            for i, c in enumerate(counts):
                if 0 < c < 5:
                    assert result.cell(i, 0).suppressed, counts
            if not result.cell(TOTAL, 0).suppressed and hidden:
                assert len(hidden) >= 2 and sum(hidden) >= 5, counts


def test_a_sum_that_no_grid_publishes_shows_only_when_every_part_does():
    assert derived_sum([Cell(6), Cell(7)]).value == 13
    assert derived_sum([Cell(6), Cell(None)]).value is None
