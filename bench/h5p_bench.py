"""H5P costs on this machine: import, refusals, and the xAPI endpoint.

Run: .venv/bin/pytest bench/h5p_bench.py -s -p no:cacheprovider
(not part of the suite: no timed assertions; it prints figures).
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from courses.services import enrolment_create
from h5p.importer import h5p_content_import
from h5p.validation import PackageRefused
from lms.core.models import Facility, User
from tests import factories
from tests.h5p import builders

pytestmark = pytest.mark.django_db


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:55s} median {statistics.median(times):8.1f} ms  (n={len(times)})")


def test_h5p_costs(settings, tmp_path):
    settings.H5P_ROOT = tmp_path / "h5p"
    admin = factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)
    tiny = builders.tiny_package()
    report(
        "import tiny package (library already installed)",
        timed(lambda: h5p_content_import(actor=admin, upload=io.BytesIO(tiny)), 30),
    )

    def refuse(data: bytes) -> None:
        with contextlib.suppress(PackageRefused):
            h5p_content_import(actor=admin, upload=io.BytesIO(data))

    many = builders.many_entries_package(100_000)
    report("refuse 100,000 entries (before unpacking)", timed(lambda: refuse(many), 3))
    settings.H5P_MAX_FILE_BYTES = 50 * 1024 * 1024
    bomb = builders.bomb_package(200 * 1024 * 1024, lie=False)
    print(f"  (bomb: {len(bomb) / 1024:.0f} KB zipped, 200 MB unpacked)")
    report("refuse a 200 MB zip bomb at 50 MB unpacked", timed(lambda: refuse(bomb), 3))
    liar = builders.bomb_package(200 * 1024 * 1024, lie=True)
    report("refuse the same bomb with lying sizes", timed(lambda: refuse(liar), 3))

    content = h5p_content_import(actor=admin, upload=io.BytesIO(tiny))
    course = factories.make_course(title="Bench", audience="prisoners", lessons=1)
    lesson = course.get_children().specific().get()
    lesson.body = [("h5p", {"content": content, "pass_mark": 60, "required": True})]
    lesson.save_revision().publish()
    block_id = next(block.id for block in lesson.body)
    learner = factories.PrisonerFactory(facility=Facility.objects.create(code="z", name="Z"))
    enrolment_create(actor=learner, learner=learner, course=course)
    client = Client()
    client.force_login(learner)
    url = reverse("h5p:xapi", args=[lesson.pk, block_id])
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "x"},
        "result": {"score": {"raw": 1, "max": 1}},
    }

    def post() -> None:
        response = client.post(
            url,
            data=json.dumps({"id": str(uuid.uuid4()), "statement": statement}),
            content_type="application/json",
        )
        assert response.status_code == 201

    report("xAPI POST, scored top-level statement (test client)", timed(post, 200))
    report(
        "lesson page with one H5P block (test client)",
        timed(lambda: client.get(lesson.get_url()), 50),
    )
    library = reverse("h5p:library_file", args=[1, f"{builders.TINY_FOLDER}/tiny.js"])
    report(
        "library file (test client)",
        timed(lambda: b"".join(client.get(library).streaming_content), 200),
    )
