"""Dates in Kazakh write the month in lower case ("23 қараша 2026 ж."), on the staff web,
in certificate PDFs and in the CV."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from certificates.models import Certificate
from certificates.rendering import render_certificate_pdf
from employability.rendering import CvData, CvEntry, render_cv_pdf
from tests.certificates.helpers import complete, pdf_text
from tests.certificates.test_rendering import data as certificate_data

KAZAKH_MONTHS = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
]


def test_every_kazakh_month_is_written_in_lower_case_inside_a_date():
    with translation.override("kk"):
        written = [date_format(date(2026, month, 23)) for month in range(1, 13)]
        assert date_format(datetime(2026, 11, 23, 9, 5), "DATETIME_FORMAT") == (
            "23 қараша 2026 ж. 09:05"
        )
        assert date_format(date(2026, 11, 1), "YEAR_MONTH_FORMAT") == "қараша 2026 ж."
    assert written == [f"23 {month} 2026 ж." for month in KAZAKH_MONTHS]


def test_russian_dates_keep_their_genitive_month_names():
    with translation.override("ru"):
        assert date_format(date(2026, 11, 23)) == "23 ноября 2026 г."


@pytest.mark.django_db
def test_the_officers_certificate_list_in_kazakh_writes_the_month_in_lower_case(
    client, officer, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    Certificate.objects.filter(pk=certificate.pk).update(completed_on=date(2026, 11, 23))
    client.force_login(officer)
    client.cookies["django_language"] = "kk"
    page = client.get(reverse("certificates:manage_list")).content.decode()
    assert "23 қараша 2026 ж." in page
    assert "Қараша" not in page


def test_a_kazakh_certificate_pdf_writes_the_month_in_lower_case():
    pdf = render_certificate_pdf(
        certificate_data(completed_on=date(2026, 11, 23), expires_on=date(2027, 3, 5))
    )
    text = " ".join(pdf_text(pdf).split())
    assert "23 қараша 2026 ж." in text and "5 наурыз 2027 ж." in text
    assert "Қараша" not in text and "Наурыз" not in text


def test_a_kazakh_cv_writes_the_month_in_lower_case():
    entry = CvEntry(
        title="Дәнекерлеу қауіпсіздігі",
        provider="Колледж",
        completed_on=date(2026, 11, 23),
        hours=Decimal("12"),
        code="7K2M-9QXD-4T8B-HN3C",
        verify_url="http://127.0.0.1:8000/verify/7K2M9QXD4T8BHN3C/",
        expires_on=date(2027, 3, 5),
    )
    pdf = render_cv_pdf(CvData(name="Әсел Нұрланқызы", language="kk", entries=(entry,)))
    text = " ".join(pdf_text(pdf).split())
    assert "қараша 2026 ж." in text and "5 наурыз 2027 ж." in text
    assert "Қараша" not in text and "Наурыз" not in text
