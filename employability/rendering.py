"""The CV-style PDF of an employability record: data in, bytes out.

Written for an employer: the person's name, training with its verification codes,
skills, work experience. No facility, no prisoner number, no Qadam or prison branding.
Same locked-down fetcher and Debian Noto fonts as certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django_stubs_ext import StrOrPromise

from certificates.rendering import render_document

STYLESHEETS = ("css/cv.css",)


@dataclass(frozen=True)
class CvEntry:
    title: str
    provider: str
    completed_on: date
    hours: Decimal
    code: str
    verify_url: str
    expires_on: date | None = None


@dataclass(frozen=True)
class CvPlacement:
    role: str
    description: str
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class CvData:
    name: str
    language: str
    entries: tuple[CvEntry, ...] = ()
    hours: tuple[tuple[StrOrPromise, Decimal], ...] = ()  # labels stay lazy (the CV's language)
    skills: tuple[str, ...] = ()
    placements: tuple[CvPlacement, ...] = ()


def cv_html(data: CvData) -> str:
    with translation.override(data.language):
        return render_to_string("employability/pdf/cv.html", {"data": data})


def render_cv_pdf(data: CvData) -> bytes:
    return render_document(cv_html(data), stylesheets=STYLESHEETS).write_pdf()
