"""The monitoring pack: the report of a period as a printable PDF, in Kazakh, Russian or
English, with the definitions, the suppression rule, the trend chart and the tables.

A pack leaves the system (it is handed to the ministry and the donors), so its figures
are always the suppressed ones (``report_figures(export=True)``), whoever makes it: the
same cells an export shows, so no pack and export together give back a hidden count.
The monthly run makes the national pack as a monitor sees it (every facility). Rendering
goes through ``certificates.rendering.render_document``: bundled assets only, no fetch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from certificates.rendering import render_document
from lms.core.audit import audit_record
from lms.core.models import Facility, User

from . import charts, selectors
from .models import MonitoringPack
from .periods import Period, add_months

STYLESHEETS = ("css/report-pack.css",)


class PackRefused(ValueError):
    """A pack was asked for something its maker may not see."""


def monitors_view() -> User:
    """Who the monthly national pack is made for: a monitor (every facility, figures
    only). Not saved; the policy core decides what it sees, as for any monitor."""
    return User(role=User.Role.MONITOR, is_active=True, username="monitoring-pack")


@dataclass(frozen=True)
class RenderedPack:
    pdf: bytes
    pages: int


def pack_html(*, actor: User, period: Period, facility: Facility | None, language: str) -> str:
    """The pack's HTML in ``language``: ``actor``'s report of ``period`` (one facility or
    all they may see), suppressed."""
    only = {facility.pk} if facility else None
    with translation.override(language):
        report = selectors.report_figures(actor=actor, period=period, export=True, only=only)
        if facility is not None and not report.rows:
            raise PackRefused(facility.code)
        chart = charts.trend_chart(report)
        return render_to_string(
            "reports/pack.html",
            {
                "report": report,
                "chart": chart,
                "facility": facility,
                "language": language,
                "month_names": [date_format(m, "M Y") for m in period.month_starts],
                "first": date_format(period.first, "YEAR_MONTH_FORMAT"),
                "last": date_format(period.last, "YEAR_MONTH_FORMAT"),
                "title": pack_title(period, facility),
                "made_on": date_format(timezone.localdate(), "DATE_FORMAT"),
                "site": settings.QADAM_BASE_URL,
                "chart_svg": mark_safe(  # noqa: S308 - our template, every value escaped
                    render_to_string("reports/_chart.svg", {"chart": chart, "report": report})
                ),
            },
        )


def render_pack(
    *, actor: User, period: Period, facility: Facility | None, language: str
) -> RenderedPack:
    document = render_document(
        pack_html(actor=actor, period=period, facility=facility, language=language),
        stylesheets=STYLESHEETS,
    )
    # PDF/UA-1 (tagged: headings, tables, the language and the title), as certificates:
    # screen readers and text extraction read it in order.
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return RenderedPack(pdf=pdf, pages=len(document.pages))


def pack_title(period: Period, facility: Facility | None) -> str:
    """The pack's title in the active language."""
    from django.utils.translation import gettext as _

    where = facility.name if facility else _("all facilities")
    return _("Monitoring pack: %(where)s, %(first)s to %(last)s") % {
        "where": where,
        "first": date_format(period.first, "YEAR_MONTH_FORMAT"),
        "last": date_format(period.last, "YEAR_MONTH_FORMAT"),
    }


def pack_make(
    *,
    actor: User | None,
    period: Period,
    facility: Facility | None = None,
    language: str,
) -> MonitoringPack:
    """Make and keep a pack (``actor`` None: the monthly national pack, as a monitor sees
    it). Audited. The file is written before the row that names it, in one transaction
    with it: a render that fails keeps nothing."""
    if language not in dict(settings.LANGUAGES):
        raise PackRefused(language)
    reader = actor or monitors_view()
    rendered = render_pack(actor=reader, period=period, facility=facility, language=language)
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    where = facility.code if facility else "all"
    with transaction.atomic():
        pack = MonitoringPack(
            first_month=period.first,
            last_month=period.last,
            facility=facility,
            language=language,
            pages=rendered.pages,
            sha256=digest,
            made_by=actor,
        )
        pack.pdf.save(
            f"pack-{period.slug}-{where}-{language}.pdf", ContentFile(rendered.pdf), save=False
        )
        pack.save()
        audit_record(
            actor=actor,
            action="reports.pack_made",
            obj=pack,
            after={
                "from": f"{period.first:%Y-%m}",
                "to": f"{period.last:%Y-%m}",
                "facility": where,
                "language": language,
                "sha256": digest,
            },
            facility=facility,
        )
    return pack


def monthly_packs_make(*, today=None) -> int:
    """Make last month's national pack in each language, once (the unique constraint
    turns a second run into nothing). Returns how many were made."""
    today = today or timezone.localdate()
    last = add_months(today.replace(day=1), -1)
    period = Period(first=last, months=1)
    made = 0
    for language, _name in settings.LANGUAGES:
        exists = MonitoringPack.objects.filter(
            first_month=period.first,
            last_month=period.last,
            facility=None,
            made_by=None,
            language=language,
        ).exists()
        if exists:
            continue
        pack_make(actor=None, period=period, language=language)
        made += 1
    return made


def reads_national_packs(actor: User) -> bool:
    """Monitors and administrators read (and make) the national pack; an officer's packs
    are of their facilities only (a national one sets them beside the others')."""
    from lms.core.policy import may_manage_learners, may_see_reports

    return may_see_reports(actor) and (actor.is_administrator or not may_manage_learners(actor))


def packs_visible_to(actor: User):
    """The packs ``actor`` may read: every one for monitors and administrators; for an
    officer, those of the facilities they manage (never the national one, which sets
    their facilities beside the others')."""
    from lms.core.policy import may_see_reports, report_facilities

    if not may_see_reports(actor):
        return MonitoringPack.objects.none()
    if reads_national_packs(actor):
        return MonitoringPack.objects.select_related("facility")
    return MonitoringPack.objects.filter(facility__in=report_facilities(actor)).select_related(
        "facility"
    )
