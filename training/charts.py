"""The compliance chart: horizontal bars as plain SVG data for a template (no script, no
library: a handful of rectangles), with the figures as its text alternative."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 10, 0, 400


@dataclass
class Bar:
    label: str
    percent: int | None
    y: int
    width: int
    text_y: int


@dataclass
class Chart:
    bars: list[Bar]
    height: int
    width: int
    description: str


def compliance_bars(figures: list) -> Chart:
    """One bar per requirement, as long as its percent compliant (none where the percent
    is not published: too few people)."""
    bars = []
    for index, figure in enumerate(figures):
        y = index * (BAR_HEIGHT * 2 + GAP)
        bars.append(
            Bar(
                label=figure.requirement.name,
                percent=figure.percent,
                y=y + BAR_HEIGHT,
                width=round(BAR_WIDTH * (figure.percent or 0) / 100),
                text_y=y + BAR_HEIGHT - 6,
            )
        )
    description = "; ".join(
        _("%(name)s: %(percent)s%% compliant") % {"name": b.label, "percent": b.percent}
        if b.percent is not None
        else _("%(name)s: too few people to publish") % {"name": b.label}
        for b in bars
    )
    return Chart(
        bars=bars,
        height=max(1, len(bars)) * (BAR_HEIGHT * 2 + GAP),
        width=BAR_WIDTH + 60,
        description=description,
    )
