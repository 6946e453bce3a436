"""No combination of the published figures gives back a suppressed count.

A world of small facilities (two units each, three courses, three months; counts from 0
to 12 per facility, unit, course and month, many of 1 to 4) is reported every way a
monitor can read it: the overview for several periods (overlapping ones included), its
CSV and XLSX exports, every breakdown (unit, programme type, course) and its exports, the
monitoring pack's figures (national and per facility) and an officer's exports.

Each count is a sum of unknown true cells: one per indicator, month, facility, unit and
course (the finest split any table makes). Every published number is a linear equation
over them (a rate over a published denominator gives its numerator back; a part that a
breakdown does not list is a published zero). A hidden count is given back exactly when
its row of coefficients lies in the row space of the published equations: that is
checked by exact rational Gaussian elimination, for every hidden figure and for every
set of true cells (a fine cell, any figure) whose count is from 1 to 4. Differences of
overlapping periods are covered: both periods are equations over the same monthly cells.

The check is linear: it does not try the bounds an attacker also knows (a hidden count is
at least 1; no count is negative).
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
import shutil
import subprocess
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from lms.core.models import User
from lms.core.policy import ProgrammeType
from lms.core.suppression import threshold
from reports.breakdowns import BY, report_breakdown
from reports.packs import monitors_view, render_pack
from reports.periods import Period
from reports.selectors import report_figures
from tests import factories
from tests.reports.conftest import _enrol

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
MONTHS = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
#: (first month index, number of months): overlapping periods, single months, the whole.
PERIODS = [(0, 3), (0, 2), (1, 2), (0, 1), (1, 1), (2, 1)]
#: The counts drawn for each cell: small ones often, zero often, some large.
DRAWS = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12]
INDICATORS = ("enrolments", "completions", "enrolled_completed", "issued")
COLUMNS = ("enrolments", "completions", "rate", "issued")


def _period(first: int, months: int) -> Period:
    return Period(first=MONTHS[first], months=months)


def _query(period: Period) -> str:
    return f"?from={period.first:%Y-%m}&to={period.last:%Y-%m}"


@pytest.fixture
def small_world(db):
    """Three facilities (two units each), two vocational courses and a general one, and
    a faith-based programme; every fine count drawn from ``DRAWS`` (seeded)."""
    rng = random.Random(17)
    facilities = [
        factories.FacilityFactory(code=code, name=name)
        for code, name in (("kappa", "Kappa"), ("lambda", "Lambda"), ("mu", "Mu"))
    ]
    units = {
        f.pk: [factories.UnitFactory(facility=f, name=f"{f.name} {side}") for side in "AB"]
        for f in facilities
    }
    courses = [
        factories.make_course(title="Carpentry", lessons=1),
        factories.make_course(title="Welding", lessons=1),
        factories.make_course(title="Literacy", programme_type="general_education", lessons=1),
    ]
    faith = factories.make_course(title="Paths", programme_type="faith_based", lessons=1)
    # truth[indicator][(month index, facility code, unit name, course title)]
    truth: dict[str, dict[tuple, int]] = {name: {} for name in (*INDICATORS, "voluntary")}
    for m, month in enumerate(MONTHS):
        when = datetime.datetime.combine(month, datetime.time(12), tzinfo=ALMATY)
        when += datetime.timedelta(days=9)
        for facility in facilities:
            for unit in units[facility.pk]:
                for course in courses:
                    n = rng.choice(DRAWS)
                    done = rng.randint(0, n)
                    if n:
                        _enrol(course, facility, when, n, completed=done, unit=unit)
                    key = (m, facility.code, unit.name, course.title)
                    truth["enrolments"][key] = n
                    for name in ("completions", "enrolled_completed", "issued"):
                        truth[name][key] = done
            voluntary = rng.choice([0, 1, 2, 3, 6])
            truth["voluntary"][(m, facility.code, "", faith.title)] = voluntary
            if voluntary:
                _enrol(faith, facility, when, voluntary, unit=units[facility.pk][0])
    return {
        "facilities": facilities,
        "units": units,
        "courses": courses,
        "truth": truth,
        "monitor": factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "officer": factories.OfficerFactory(facility=facilities[1]),
    }


class Published:
    """What a reader learns: ``(indicator, frozenset of fine keys, value)``; value None
    for a hidden count."""

    def __init__(self, world):
        self.world = world
        self.keys = sorted(world["truth"]["enrolments"])
        self.facility_of_name = {f.name: f.code for f in world["facilities"]}
        self.figures: list[tuple[str, frozenset, int | None, str]] = []

    def select(self, months, facilities=None, unit=None, course=None, programme_type=None):
        titles = None
        if programme_type is not None:
            titles = {c.title for c in self.world["courses"] if c.programme_type == programme_type}
        return frozenset(
            k
            for k in self.keys
            if k[0] in months
            and (facilities is None or k[1] in facilities)
            and (unit is None or k[2] == unit)
            and (course is None or k[3] == course)
            and (titles is None or k[3] in titles)
        )

    def voluntary(self, months, facilities) -> frozenset:
        return frozenset(
            k for k in self.world["truth"]["voluntary"] if k[0] in months and k[1] in facilities
        )

    def add(self, name: str, cells: frozenset, value, where: str) -> None:
        self.figures.append((name, cells, value, where))

    def add_row(self, cells: frozenset, values: dict[str, object], where: str) -> None:
        """One published row: three counts and a rate (a rate over a published
        denominator gives the numerator back: 100 * n / d to one decimal, d < 1000)."""
        for name in ("enrolments", "completions", "issued"):
            self.add(name, cells, values[name], where)
        rate, enrolments = values["rate"], values["enrolments"]
        if enrolments == 0:
            # Of no enrolments none completed: the reader knows it.
            self.add("enrolled_completed", cells, 0, where)
        elif enrolments is not None:
            if rate is None:
                self.add("enrolled_completed", cells, None, where)
            else:
                numerator = round(rate * enrolments / 100)
                assert round(100 * numerator / enrolments, 1) == rate
                self.add("enrolled_completed", cells, numerator, where)


def _value(text):
    """A count as an export writes it: a number, or the words of a hidden count."""
    if isinstance(text, int | float):
        return int(text)
    text = str(text)
    if text.isdigit():
        return int(text)
    assert text == f"fewer than {threshold()}", text
    return None


def _rate(text):
    if text in ("", None):
        return None
    return float(text)


def _read_export(response) -> list[list]:
    body = response.content
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _row_values(cells: list) -> dict[str, object]:
    enrolments, completions, rate, issued = cells
    return {
        "enrolments": _value(enrolments),
        "completions": _value(completions),
        "rate": _rate(rate),
        "issued": _value(issued),
    }


def _months_of(label: str, period: Period, first: int) -> set[int]:
    slugs = [f"{m:%Y-%m}" for m in period.month_starts]
    if label in slugs:
        return {first + slugs.index(label)}
    assert label == f"{slugs[0]} to {slugs[-1]}", label
    return set(range(first, first + period.months))


def _export_figures(pub: Published, rows: list[list], period, first, shown, by=None) -> None:
    """Equations of one export: the overview's (facility, month, ...) or a breakdown's
    (facility, part, month, ...) rows."""
    part_of = _part_filters(pub, by) if by else {}
    for row in rows:
        facility, rest = row[0], row[1:]
        facilities = (
            shown if facility == "All facilities shown" else {pub.facility_of_name[facility]}
        )
        where = {}
        if by:
            where = part_of[rest[0]]
            rest = rest[1:]
        months = _months_of(rest[0], period, first)
        pub.add_row(pub.select(months, facilities, **where), _row_values(rest[1:]), str(row))


def _part_filters(pub: Published, by: str) -> dict[str, dict]:
    world = pub.world
    if by == "unit":
        return {u.name: {"unit": u.name} for us in world["units"].values() for u in us}
    if by == "course":
        return {c.title: {"course": c.title} for c in world["courses"]}
    return {str(label): {"programme_type": value} for value, label in ProgrammeType.choices}


def _figures_of(figures) -> dict[str, object]:
    return {
        "enrolments": figures.enrolments.value,
        "completions": figures.completions.value,
        "rate": figures.completion_rate,
        "issued": figures.issued.value,
    }


def _report_figures(pub: Published, report, first: int, where: str) -> None:
    """Equations of a report as a page or a pack shows it."""
    shown = {row.facility.code for row in report.rows}
    for row in report.rows:
        for m, figures in enumerate(row.months):
            cells = pub.select({first + m}, {row.facility.code})
            pub.add_row(cells, _figures_of(figures), f"{where} {row.facility.code} {m}")
        months = set(range(first, first + len(row.months)))
        pub.add_row(pub.select(months, {row.facility.code}), _figures_of(row.total), where)
    for m, figures in enumerate(report.month_totals):
        pub.add_row(pub.select({first + m}, shown), _figures_of(figures), f"{where} all {m}")
    months = set(range(first, first + len(report.month_totals)))
    pub.add_row(pub.select(months, shown), _figures_of(report.total), f"{where} all")
    # Voluntary programmes: each facility over the period, and all shown together.
    for facility, cell in report.voluntary:
        pub.add("voluntary", pub.voluntary(months, {facility.code}), cell.value, where)
    pub.add("voluntary", pub.voluntary(months, shown), report.voluntary_total.value, where)


def _breakdown_figures(pub: Published, result, by: str, first: int, where: str) -> None:
    """Equations of a breakdown page, with a published zero for every part it does not
    list (the page says there is none)."""
    part_of = _part_filters(pub, by)
    months = range(first, first + result.period.months)
    groups = [({one.facility.code}, one.parts) for one in result.facilities]
    shown = {one.facility.code for one in result.facilities}
    if result.together:
        groups.append((shown, result.together))
    for facilities, parts in groups:
        listed = set()
        for part in parts:
            listed.add(part.label)
            filters = part_of[part.label]
            for m, figures in zip(months, part.months, strict=True):
                pub.add_row(pub.select({m}, facilities, **filters), _figures_of(figures), where)
            pub.add_row(
                pub.select(set(months), facilities, **filters), _figures_of(part.total), where
            )
        for label, filters in part_of.items():
            cells = pub.select(set(months), facilities, **filters)
            if label not in listed and cells:
                for name in INDICATORS:
                    pub.add(name, cells, 0, f"{where} unlisted {label}")


COUNT = r"(\d+|fewer than \d+)"


def _pack_figures(pub: Published, world) -> None:
    """Equations of the national pack of the whole period, read back from its PDF with
    pdftotext: the months' table, the facilities' and the voluntary programmes'."""
    period = _period(0, 3)
    pdf = render_pack(actor=monitors_view(), period=period, facility=None, language="en").pdf
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    everyone = {f.code for f in world["facilities"]}
    month_of = {f"{m:%b %Y}": i for i, m in enumerate(MONTHS)}
    code_of = {f.name: f.code for f in world["facilities"]}
    row = re.compile(rf"^\s*(.+?)\s+{COUNT}\s+{COUNT}\s+([\d.]+%|—)\s+{COUNT}\s*$")
    single = re.compile(rf"^\s*(.+?)\s+{COUNT}\s*$")
    read = {"months": 0, "facilities": 0, "voluntary": 0}
    for line in text.splitlines():
        if match := row.match(line):
            label, *values = match.groups()
            values[2] = values[2].rstrip("%").replace("—", "")
            figures = _row_values(values)
            if label in month_of or label == "Whole period":
                months = {month_of[label]} if label in month_of else {0, 1, 2}
                pub.add_row(pub.select(months, everyone), figures, f"pdf {line}")
                read["months"] += 1
            else:
                pub.add_row(pub.select({0, 1, 2}, {code_of[label]}), figures, f"pdf {line}")
                read["facilities"] += 1
        elif (match := single.match(line)) and match[1] in (*code_of, "All facilities shown"):
            facilities = {code_of[match[1]]} if match[1] in code_of else everyone
            pub.add("voluntary", pub.voluntary({0, 1, 2}, facilities), _value(match[2]), line)
            read["voluntary"] += 1
    assert read == {"months": 4, "facilities": 3, "voluntary": 4}, text


def _collect(world, client) -> Published:
    pub = Published(world)
    if shutil.which("pdftotext"):
        _pack_figures(pub, world)
    monitor, officer = world["monitor"], world["officer"]
    everyone = {f.code for f in world["facilities"]}
    for first, months in PERIODS:
        period = _period(first, months)
        query = _query(period)
        # The monitor's pages.
        _report_figures(pub, report_figures(actor=monitor, period=period), first, "page")
        for by in BY:
            result = report_breakdown(actor=monitor, period=period, by=by)
            _breakdown_figures(pub, result, by, first, f"page by {by}")
        # The monitoring pack: national, and each facility's.
        pack_reader = monitors_view()
        report = report_figures(actor=pack_reader, period=period, export=True)
        _report_figures(pub, report, first, "pack")
        for facility in world["facilities"]:
            report = report_figures(
                actor=pack_reader, period=period, export=True, only={facility.pk}
            )
            _report_figures(pub, report, first, f"pack {facility.code}")
        # Exports, the monitor's and an officer's (their facility only).
        for reader, shown in ((monitor, everyone), (officer, {world["facilities"][1].code})):
            client.force_login(reader)
            for fmt in ("csv", "xlsx"):
                response = client.get(f"/manage/reports/export.{fmt}{query}")
                assert response.status_code == 200
                _export_figures(pub, _read_export(response), period, first, shown)
                for by in BY:
                    response = client.get(f"/manage/reports/by/{by}/{query}&format={fmt}")
                    assert response.status_code == 200
                    _export_figures(pub, _read_export(response), period, first, shown, by=by)
    return pub


def _echelon(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """A reduced basis of the rows' span: ``{pivot column: row}`` with each row's pivot
    coefficient 1 and no other basis row holding that column."""
    basis: dict[int, dict[int, Fraction]] = {}
    for row in rows:
        row = _reduce(row, basis)
        if not row:
            continue
        pivot = min(row)
        scale = row[pivot]
        row = {c: v / scale for c, v in row.items()}
        for other in basis.values():
            factor = other.get(pivot)
            if factor:
                for c, v in row.items():
                    value = other.get(c, Fraction(0)) - factor * v
                    if value:
                        other[c] = value
                    else:
                        other.pop(c, None)
        basis[pivot] = row
    return basis


def _reduce(row: dict[int, Fraction], basis: dict[int, dict[int, Fraction]]) -> dict:
    row = dict(row)
    for pivot, base in basis.items():
        factor = row.get(pivot)
        if factor:
            for c, v in base.items():
                value = row.get(c, Fraction(0)) - factor * v
                if value:
                    row[c] = value
                else:
                    row.pop(c, None)
    return row


def _determined(cells: frozenset, basis, index) -> bool:
    """Whether the published equations fix the sum of ``cells``."""
    return not _reduce({index[k]: Fraction(1) for k in cells}, basis)


def test_the_method_finds_a_leak_when_there_is_one():
    # A total and one shown part give back the other part; two hidden parts stay hidden.
    index = {"a": 0, "b": 1, "c": 2}
    total = {0: Fraction(1), 1: Fraction(1), 2: Fraction(1)}
    basis = _echelon([total, {0: Fraction(1)}])
    assert _determined(frozenset({"b", "c"}), basis, index)
    assert not _determined(frozenset({"b"}), basis, index)
    basis = _echelon([total, {0: Fraction(1)}, {1: Fraction(1), 0: Fraction(1)}])
    assert _determined(frozenset({"c"}), basis, index)


def test_no_combination_of_pages_and_exports_gives_back_a_hidden_count(small_world, client):
    world = small_world
    pub = _collect(world, client)
    limit = threshold()
    truth = world["truth"]
    index = {k: i for i, k in enumerate(sorted({k for cells in truth.values() for k in cells}))}
    # The world is small, as the test needs: hidden counts and small true cells abound.
    small_cells = [k for k, v in truth["enrolments"].items() if 0 < v < limit]
    assert len(small_cells) >= 10
    hidden_count = sum(1 for _n, _c, value, _w in pub.figures if value is None)
    assert hidden_count >= 50
    leaks = []
    for name in (*INDICATORS, "voluntary"):
        published = [(c, v, w) for n, c, v, w in pub.figures if n == name]
        for cells, value, where in published:
            if value is not None:
                # Every published number is the true count of the cells read for it.
                assert value == sum(truth[name][k] for k in cells), where
        basis = _echelon(
            [
                {index[k]: Fraction(1) for k in cells}
                for cells, value, _w in published
                if value is not None
            ]
        )
        candidates = {(cells, where) for cells, value, where in published if value is None}
        candidates |= {
            (cells, where)
            for cells, _v, where in published
            if 0 < sum(truth[name][k] for k in cells) < limit
        }
        candidates |= {
            (frozenset({k}), "fine cell") for k, v in truth[name].items() if 0 < v < limit
        }
        seen = set()
        for cells, where in sorted(candidates, key=lambda c: (len(c[0]), c[1])):
            if cells in seen:
                continue
            seen.add(cells)
            if _determined(cells, basis, index):
                true = sum(truth[name][k] for k in cells)
                leaks.append((name, true, sorted(cells), where))
    assert not leaks, "\n".join(map(str, leaks[:20]))
