"""Sample data for template previews: a name with Kazakh letters, realistic lengths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings

from .models import CertificateTemplate
from .rendering import CertificateData, render_certificate_pdf

SAMPLE_NAMES = {
    "kk": "Әсел Нұрланқызы Жұмабаева",
    "ru": "Анна Сергеевна Петрова",
    "en": "Aigerim Tokhtarova",
}
SAMPLE_COURSES = {
    "kk": "Электр дәнекерлеу: негізгі дағдылар",
    "ru": "Электросварка: основные навыки",
    "en": "Electric welding: core skills",
}


def sample_data(template: CertificateTemplate | None, language: str) -> CertificateData:
    from .services.documents import template_data

    return CertificateData(
        holder_name=SAMPLE_NAMES[language],
        course_title=SAMPLE_COURSES[language],
        provider=(template.issuing_provider if template else "") or "Almaty Polytechnic College",
        hours=Decimal("72"),
        completed_on=date(2026, 11, 20),
        serial_number="Q-00001234",
        display_code="7K2M-9QXD-4T8B-HN3C",
        verify_url=f"{settings.QADAM_BASE_URL}/verify/7K2M9QXD4T8BHN3C/",
        language=language,
        template=template_data(template, language),
        rule=_sample_rule(language),
    )


def _sample_rule(language: str) -> tuple[str, ...]:
    from django.utils import translation

    from .models import rule_sentences

    with translation.override(language):
        return tuple(
            rule_sentences(
                Decimal("72"), {"lessons": 12, "activities": True, "minutes_measured": 4230}
            )
        )


def template_preview_pdf(template: CertificateTemplate | None, language: str) -> bytes:
    return render_certificate_pdf(sample_data(template, language))
