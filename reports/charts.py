"""The report's trend chart as plain SVG data for a template: two bars a month
(enrolments and completions, over the facilities shown), drawn by the server, no script
and no style element (the strict CSP), with a text description; the report's table is
its data table. A hidden count draws no bar and says "fewer than N" instead."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.core.suppression import Cell, threshold

from .selectors import Report

PLOT_HEIGHT, BAR_WIDTH, GROUP_GAP, LEFT, TOP, BOTTOM, MIN_WIDTH = 200, 30, 34, 48, 24, 36, 360


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    series: str
    text_y: int


@dataclass(frozen=True)
class MonthLabel:
    x: int
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    top: int
    largest: int
    bars: list[Bar]
    months: list[MonthLabel]
    description: str


def trend_chart(report: Report) -> Chart:
    """Enrolments and completions per month of ``report``, as bars scaled to the largest
    shown count."""
    pairs = [(t.enrolments, t.completions) for t in report.month_totals]
    largest = max([c.value or 0 for pair in pairs for c in pair] + [1])
    bars, labels, parts = [], [], []
    group = 2 * BAR_WIDTH + GROUP_GAP
    baseline = TOP + PLOT_HEIGHT
    for index, (month, (enrolled, completed)) in enumerate(
        zip(report.period.month_starts, pairs, strict=True)
    ):
        x = LEFT + GROUP_GAP // 2 + index * group
        name = date_format(month, "M Y")
        labels.append(MonthLabel(x=x + BAR_WIDTH, text=name))
        for offset, (series, cell) in enumerate(
            (("enrolments", enrolled), ("completions", completed))
        ):
            height = round(PLOT_HEIGHT * (cell.value or 0) / largest)
            bars.append(
                Bar(
                    x=x + offset * BAR_WIDTH,
                    y=baseline - height,
                    width=BAR_WIDTH - 2,
                    height=height,
                    label=_short(cell),
                    series=series,
                    text_y=baseline - height - 4,
                )
            )
        parts.append(
            _("%(month)s: %(enrolled)s enrolments, %(completed)s completions")
            % {"month": name, "enrolled": enrolled, "completed": completed}
        )
    return Chart(
        width=max(MIN_WIDTH, LEFT + GROUP_GAP + group * len(pairs)),
        height=baseline + BOTTOM,
        baseline=baseline,
        top=TOP,
        largest=largest,
        bars=bars,
        months=labels,
        description="; ".join(parts) + ".",
    )


def _short(cell: Cell) -> str:
    """The label over a bar: the count, or "<N" for a hidden one (the legend says why)."""
    return str(cell.value) if cell.value is not None else f"<{threshold()}"
