"""The employability record: contents, the faith-based rule, transfer, exports, access."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from certificates import credentials
from employability.models import Placement
from employability.selectors import employability_record
from employability.services import (
    RecordError,
    placement_create,
    record_export,
    record_preference_set,
)
from lms.core.models import AuditEvent
from tests import factories
from tests.certificates.helpers import complete, pdf_text
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def learned(prisoner, django_capture_on_commit_callbacks):
    """Two completed courses: welding (vocational, with skills) and a faith programme."""
    welding = factories.make_course(title="Welding safety", lessons=1)
    welding.skills.add("Welding", "Safety at work")
    welding.save()
    faith = factories.make_course(
        title="Theology and life", lessons=1, programme_type="faith_based"
    )
    faith.skills.add("Reflection")
    faith.save()
    with django_capture_on_commit_callbacks(execute=True):
        complete(prisoner, welding)
        complete(prisoner, faith)
    return welding, faith


def everything_text(record) -> str:
    return " ".join(
        [c.course_title for c in record.certificates]
        + [str(label) for label, _ in record.hours_by_programme]
        + record.skills
    )


def test_the_record_gathers_certificates_hours_skills_and_work(prisoner, learned, officer):
    placement_create(
        actor=officer,
        person=prisoner,
        kind=Placement.Kind.WORK,
        role="Kitchen assistant",
        started_on=date(2026, 1, 5),
    )
    record = employability_record(person=prisoner)
    assert [c.course_title for c in record.certificates] == ["Welding safety"]
    assert record.hours_by_programme == [("Vocational training", 12)]
    assert record.skills == ["Safety at work", "Welding"]
    assert [p.role for p in record.placements] == ["Kitchen assistant"]
    assert AuditEvent.objects.filter(action="employability.placement_create").count() == 1


def test_faith_based_entries_are_left_out_unless_the_person_chooses(prisoner, learned, officer):
    record = employability_record(person=prisoner)
    assert record.has_voluntary
    for word in ("Theology", "Faith", "Reflection"):
        assert word not in everything_text(record)
    bundle = json.loads(
        record_export(actor=officer, person=prisoner, kind="credentials", language="en")[0]
    )
    assert len(bundle["verifiableCredential"]) == 1
    cv = pdf_text(record_export(actor=officer, person=prisoner, kind="cv", language="en")[0])
    assert "Theology" not in cv and "Faith" not in cv

    with pytest.raises(RecordError):  # only the person decides
        record_preference_set(actor=officer, person=prisoner, include_faith_based=True)
    record_preference_set(actor=prisoner, person=prisoner, include_faith_based=True)
    record = employability_record(person=prisoner)
    assert "Theology and life" in everything_text(record)
    assert "Reflection" in record.skills
    assert "Faith-based programme" in everything_text(record)
    cv = pdf_text(record_export(actor=officer, person=prisoner, kind="cv", language="en")[0])
    assert "Theology and life" in cv


def test_the_cv_has_no_prison_branding_and_the_bundle_verifies(prisoner, learned, officer):
    cv = pdf_text(record_export(actor=officer, person=prisoner, kind="cv", language="ru")[0])
    assert "Nurlan Abenov" in cv and "Welding safety" in cv
    assert prisoner.prisoner_number not in cv
    assert "Facility A" not in cv and "prison" not in cv.lower() and "Qadam" not in cv
    content, content_type = record_export(
        actor=officer, person=prisoner, kind="credentials", language="en"
    )
    assert content_type == "application/json"
    presentation = json.loads(content)
    assert presentation["type"] == ["VerifiablePresentation"]
    assert credentials.proof_verify(presentation, purpose="authentication") in (
        credentials.our_issuer_dids()
    )
    for document in presentation["verifiableCredential"]:
        result = credentials.credential_check(json.dumps(document))
        assert result.ok and result.form == "data-integrity", result.problems
    exports = AuditEvent.objects.filter(action__startswith="employability.export_")
    assert {e.action for e in exports} == {
        "employability.export_cv",
        "employability.export_credentials",
    }
    assert all(e.actor == officer for e in exports)


def test_the_record_follows_the_person_on_transfer(prisoner, learned, officer, facility_b, client):
    placement_create(
        actor=officer, person=prisoner, kind="placement", role="Joiner", started_on=date(2026, 3, 1)
    )
    new_officer = factories.OfficerFactory(facility=facility_b)
    url = reverse("employability:manage", args=[prisoner.public_id])
    client.force_login(new_officer)
    assert client.get(url).status_code == 404
    prisoner.facility = facility_b
    prisoner.save()
    page = client.get(url).content.decode()
    assert "Joiner" in page and "Welding safety" in page
    client.force_login(officer)
    assert client.get(url).status_code == 404


def test_an_officer_records_work_and_goals_on_the_staff_web(client, prisoner, officer):
    client.force_login(officer)
    url = reverse("employability:manage", args=[prisoner.public_id])
    response = client.post(
        url,
        {
            "action": "placement",
            "placement-kind": "work",
            "placement-role": "Laundry operator",
            "placement-started_on": "2026-02-01",
            "placement-ended_on": "2026-01-01",
        },
    )
    assert "The end date is before the start date." in response.content.decode()
    assert not Placement.objects.exists()
    client.post(url, {"action": "goal", "goal-text": "Forklift licence"})
    assert "Forklift licence" in client.get(url).content.decode()


def test_the_person_sees_their_record_and_makes_the_choice(client, prisoner, learned):
    sign_in(client, prisoner)
    url = reverse("employability:mine")
    page = client.get(url).content.decode()
    assert "Welding safety" in page and "Theology and life" not in page
    assert "Show voluntary programmes" in page
    client.post(url, {"include_faith_based": "1"})
    assert "Theology and life" in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["staff_learner", "trainer", "monitor", "other_officer"])
def test_nobody_else_reaches_a_record_or_its_export(client, prisoner, facility_b, role):
    from lms.core.models import User

    users = {
        "staff_learner": lambda: factories.UserFactory(facility=prisoner.facility),
        "trainer": lambda: factories.UserFactory(role=User.Role.TRAINER, facility=None),
        "monitor": lambda: factories.UserFactory(role=User.Role.MONITOR, facility=None),
        "other_officer": lambda: factories.OfficerFactory(facility=facility_b),
    }
    sign_in(client, users[role]())
    manage = reverse("employability:manage", args=[prisoner.public_id])
    export = reverse("employability:export", args=[prisoner.public_id])
    assert client.get(manage).status_code in (403, 404)
    assert client.post(export, {"kind": "cv", "language": "en"}).status_code in (403, 404)
    assert client.get(reverse("employability:mine")).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="employability.export").exists()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_an_officer_types_dates_as_their_language_writes_them(client, prisoner, officer, language):
    client.force_login(officer)
    client.cookies["django_language"] = language
    url = reverse("employability:manage", args=[prisoner.public_id])
    with translation.override("en"):  # the language the request turns on ends with it
        page = client.get(url).content.decode()
        client.post(
            url,
            {
                "action": "placement",
                "placement-kind": "work",
                "placement-role": "Laundry operator",
                "placement-started_on": "25.03.2026",
            },
        )
    assert 'type="date"' not in page  # the browser's date box shows the browser's locale
    placeholder = {"ru": "ДД.ММ.ГГГГ", "kk": "КК.АА.ЖЖЖЖ"}[language]
    assert f'placeholder="{placeholder}"' in page
    assert Placement.objects.get().started_on == date(2026, 3, 25)
