"""The monitoring pack: a PDF of the report, read back with pdftotext, in each language;
the same suppressed cells as the exports, no name; kept, audited, made monthly once, and
by a command for any range."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.core.models import AuditEvent, User
from reports.models import MonitoringPack
from reports.packs import monthly_packs_make

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]


def text_of(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def make(client, user, **fields):
    client.force_login(user)
    data = {"from": "2026-09", "to": "2026-10", "facility": "", "language": "en", **fields}
    return client.post(reverse("reports:packs"), data, follow=True).content.decode()


def download(client, pack) -> bytes:
    response = client.get(reverse("reports:pack_download", args=[pack.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_a_monitor_makes_the_national_pack_and_it_reads_back_suppressed(client, world):
    page = make(client, world["monitor"])
    assert "The pack is ready" in page
    pack = MonitoringPack.objects.get()
    text = text_of(download(client, pack))
    assert "Monitoring pack: all facilities, September 2026 to October 2026" in text
    assert "How these figures protect people" in text and "Definitions" in text
    # The whole period per facility: Beta's September 2 is hidden, so its total is too.
    beta = next(line for line in text.splitlines() if line.strip().startswith("Beta"))
    assert "fewer than 5" in beta
    lines = text.splitlines()
    assert any(line.strip().startswith("Sep 2026") and " 16 " in line for line in lines)
    names = User.objects.filter(role=User.Role.PRISONER_LEARNER).values_list("username", flat=True)
    assert "Secretname" not in text and not any(name in text for name in names)
    listed = client.get(reverse("reports:packs")).content.decode()
    assert "<td>All facilities</td>" in listed
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "reports.pack_made" in actions and "reports.pack_download" in actions


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", ["Мониторинг", "меньше"]), ("ru", ["Мониторинг", "меньше"])],
)
def test_the_pack_speaks_kazakh_and_russian(client, world, language, words):
    make(client, world["administrator"], language=language)
    text = text_of(download(client, MonitoringPack.objects.get()))
    expected = {"kk": ["Мониторинг", "-ден аз", "Анықтамалар"], "ru": ["Мониторинг", "меньше"]}
    for word in expected[language]:
        assert word in text, (language, word)
    assert "Enrolments" not in text  # nothing left in English


def test_an_officer_makes_packs_of_their_facility_only(client, world):
    officer = world["officer_beta"]
    page = make(client, officer)  # all facilities: not theirs to make
    assert "Choose a facility of yours." in page
    page = make(client, officer, facility="alpha")
    assert "Choose a facility of yours." in page
    assert not MonitoringPack.objects.exists()
    page = make(client, officer, facility="beta")
    assert '<option value="">All facilities</option>' not in page
    pack = MonitoringPack.objects.get()
    text = text_of(download(client, pack))
    assert "Beta" in text and "Alpha" not in text and "Gamma" not in text
    national = MonitoringPack.objects.create(
        first_month=pack.first_month,
        last_month=pack.last_month,
        language="en",
        sha256="x",
        pdf=pack.pdf.name,
    )
    client.force_login(officer)
    assert client.get(reverse("reports:pack_download", args=[national.pk])).status_code == 404
    assert str(national.pk) not in client.get(reverse("reports:packs")).content.decode()


def test_the_monthly_run_makes_last_months_pack_in_each_language_once(world):
    assert monthly_packs_make(today=datetime.date(2026, 11, 5)) == 3
    packs = MonitoringPack.objects.all()
    assert sorted(p.language for p in packs) == ["en", "kk", "ru"]
    assert {(p.first_month, p.last_month, p.facility_id, p.made_by_id) for p in packs} == {
        (datetime.date(2026, 10, 1), datetime.date(2026, 10, 1), None, None)
    }
    assert monthly_packs_make(today=datetime.date(2026, 11, 20)) == 0
    assert "Gamma" in text_of(packs[0].pdf.read())


def test_the_command_makes_the_pack_of_a_range_to_a_file(world, tmp_path):
    out = tmp_path / "pack.pdf"
    call_command(
        "report_pack",
        "--from",
        "2026-09",
        "--to",
        "2026-10",
        "--language",
        "ru",
        "--by",
        world["monitor"].username,
        "--out",
        str(out),
    )
    assert "Мониторинг" in text_of(out.read_bytes())
    assert MonitoringPack.objects.get().made_by == world["monitor"]
    prisoner = User.objects.filter(role=User.Role.PRISONER_LEARNER).first()
    with pytest.raises(CommandError, match="may not read reports"):
        call_command(
            "report_pack", "--from", "2026-09", "--to", "2026-10", "--by", prisoner.username
        )
    with pytest.raises(CommandError, match="may not see alpha"):
        call_command(
            "report_pack",
            "--from",
            "2026-09",
            "--to",
            "2026-10",
            "--by",
            world["officer_beta"].username,
            "--facility",
            "alpha",
        )
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command(
            "report_pack",
            "--from",
            "September",
            "--to",
            "2026-10",
            "--by",
            world["monitor"].username,
        )
