"""Certificates per minute per worker, against raw WeasyPrint on the same HTML.

Run: ``DJANGO_SETTINGS_MODULE=lms.settings.test .venv/bin/python bench/certificates.py [N]``
(``make bench`` runs it). It builds a throwaway test database, prepares N pending
certificates, and times, in one process and one run:

- measured: ``certificate_issue`` for each (what one worker does per task: lock the row,
  render, store the PDF, sign the Open Badges credential, audit), in certificates/minute;
- baseline: WeasyPrint rendering the very same HTML N times with one reused
  ``FontConfiguration`` and pre-parsed CSS (the best plain version of the work).

``ratio`` = measured / baseline (1.0 would mean our issuing costs nothing beyond the
render). Writes bench/results/certificates.json:
``{"name", "ratio", "baseline", "measured", "unit", ...}``. Broker round trips (~2.6 ms
per task on Redis here) are not included; PERFORMANCE.md has that figure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("QADAM_TEST_DB", str(ROOT / "var" / "test" / "bench-certificates.sqlite3"))


def main(count: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(count: int) -> dict:
    from django.test.utils import CaptureQueriesContext  # noqa: F401 - keeps test env
    from weasyprint import HTML

    from certificates.models import Certificate
    from certificates.rendering import ASSET_BASE_URL, AssetFetcher, _renderer, certificate_html
    from certificates.services.documents import certificate_data
    from certificates.services.issuing import certificate_issue
    from courses.services import enrolment_create, lesson_complete
    from lms.celery import app as celery_app
    from tests import factories

    celery_app.conf.task_always_eager = False
    # Pending certificates without running their tasks: on_commit hooks are dropped.
    from django.db import transaction

    facility = factories.FacilityFactory(code="bench", name="Bench")
    course = factories.make_course(title="Электр дәнекерлеу: негізгі дағдылар", lessons=1)
    lesson = course.lessons().specific().get()
    for _ in range(count):
        person = factories.PrisonerFactory(facility=facility)
        with transaction.atomic():
            transaction.on_commit = lambda *a, **k: None  # bench only: no Celery
            enrolment_create(actor=person, learner=person, course=course)
            lesson_complete(actor=person, lesson=lesson)
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert len(serials) == count, len(serials)

    # Warm both paths (font configuration, stylesheets, issuer key) outside the timing.
    font_config, _, stylesheets = _renderer()
    sample = certificate_data(Certificate.objects.get(serial=serials[0]))
    html = certificate_html(sample)
    HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=AssetFetcher()).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )
    certificate_issue(serial=serials[0])

    htmls = [
        certificate_html(certificate_data(Certificate.objects.get(serial=s))) for s in serials[1:]
    ]
    # Interleaved, so load from other processes on the machine hits both sides alike.
    raw_seconds = ours_seconds = 0.0
    for document, serial in zip(htmls, serials[1:], strict=True):
        start = time.perf_counter()
        HTML(string=document, base_url=ASSET_BASE_URL, url_fetcher=AssetFetcher()).write_pdf(
            stylesheets=stylesheets, font_config=font_config
        )
        raw_seconds += time.perf_counter() - start
        start = time.perf_counter()
        certificate_issue(serial=serial)
        ours_seconds += time.perf_counter() - start

    done = len(serials) - 1
    baseline = 60 * done / raw_seconds
    measured = 60 * done / ours_seconds
    return {
        "name": "certificates",
        "ratio": round(measured / baseline, 3),
        "baseline": round(baseline, 1),
        "measured": round(measured, 1),
        "unit": "certificates/minute/worker",
        "samples": done,
        "baseline_is": "raw WeasyPrint, same HTML, one FontConfiguration, pre-parsed CSS",
        "measured_is": "certificate_issue: lock, render, store PDF, sign VC-JWT, audit",
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
    out = ROOT / "bench" / "results" / "certificates.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False))
