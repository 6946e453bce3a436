import io
import json
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services.issuing import certificate_issue
from courses.services import enrolment_create, lesson_complete
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def complete(learner, course):
    enrolment_create(actor=learner, learner=learner, course=course)
    for lesson in course.lessons().specific():
        lesson_complete(actor=learner, lesson=lesson)
    return Certificate.objects.get(learner=learner)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def issued(prisoner, prisoner_course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = complete(prisoner, prisoner_course)
    certificate.refresh_from_db()
    return certificate


def test_completion_issues_a_certificate_with_the_facts_and_no_prison_details(issued, prisoner):
    assert issued.status == Certificate.Status.ISSUED
    text = pdf_text(issued.pdf.read())
    assert "Nurlan Abenov" in text
    assert "Welding safety" in text
    assert "City Vocational College".lower() in text.lower()  # printed in capitals
    assert issued.display_code in text
    assert issued.serial_number in text
    assert f"/verify/{issued.verification_code}/" in text
    assert prisoner.prisoner_number not in text
    assert "Facility A" not in text
    assert "prison" not in text.lower()


def test_issuing_twice_issues_once(issued):
    path = issued.pdf.name
    again = certificate_issue(serial=issued.serial)
    assert again.pdf.name == path
    assert Certificate.objects.count() == 1


def test_the_holder_downloads_their_pdf_and_nobody_else_can(client, issued, prisoner, facility_a):
    from tests import factories

    sign_in(client, prisoner)
    listing = client.get(reverse("certificates:mine")).content.decode()
    assert "Welding safety" in listing and issued.display_code in listing
    response = client.get(reverse("certificates:download", args=[issued.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    other = factories.PrisonerFactory(facility=facility_a)
    sign_in(client, other)
    assert client.get(reverse("certificates:download", args=[issued.public_id])).status_code == 404
    assert issued.display_code not in client.get(reverse("certificates:mine")).content.decode()


def test_verify_page_says_valid_and_shows_nothing_private(client, issued, prisoner):
    response = client.get(reverse("certificates:verify", args=[issued.verification_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid" in page
    assert "Nurlan Abenov" in page and "Welding safety" in page
    assert prisoner.prisoner_number not in page
    assert "Facility A" not in page
    assert "prison" not in page.lower()


def test_verify_accepts_a_typed_code_with_dashes_and_lower_case(client, issued):
    typed = issued.display_code.lower()
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_code_is_not_found(client, issued):
    response = client.get(reverse("certificates:verify", args=["0000000000000000"]))
    assert response.status_code == 404
    assert "No certificate has this code" in response.content.decode()


def test_a_pending_certificate_is_not_valid_yet(client, prisoner, prisoner_course):
    certificate = complete(prisoner, prisoner_course)  # on_commit never ran: still pending
    assert certificate.status == Certificate.Status.PENDING
    response = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    assert response.status_code == 404


def test_the_pdf_is_tagged_its_text_extracts_and_the_verify_url_is_a_link(issued):
    data = issued.pdf.read()
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "CITY VOCATIONAL COLLEGE" in text and "CHECK THIS CERTIFICATE" in text
    assert issued.display_code in text
    page = PdfReader(io.BytesIO(data)).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert f"/verify/{issued.verification_code}/" in "".join(links)


def test_serial_numbers_are_random_and_say_nothing_of_how_many_were_issued(issued):
    assert issued.serial_number.startswith("Q-") and issued.serial_number != "Q-00000001"
    # The printed number is drawn at random, not counted: it is not the row's number, and
    # two certificates issued one after the other share no sequence.
    assert issued.serial_code != f"{issued.serial:0{len(issued.serial_code)}d}"
    assert not issued.serial_code.isdigit() or int(issued.serial_code) != issued.serial


def test_a_kazakh_credential_speaks_kazakh(issued):
    from certificates.credentials import certificate_sign

    issued.language = "kk"
    _, _, document = certificate_sign(issued)
    achievement = json.loads(document)["credentialSubject"]["achievement"]
    assert achievement["description"] == "Welding safety (12 сағ.)"
    assert achievement["criteria"]["narrative"].startswith("Аяқталған күні: ")
    assert json.loads(document)["evidence"][0]["name"] == "Тексеру"


def test_a_staff_certificate_does_not_speak_of_an_employer(
    client, staff_member, staff_course, prisoner, issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(staff_member, staff_course)
    client.force_login(staff_member)
    listing = client.get(reverse("certificates:mine")).content.decode()
    assert "When someone checks it, they see:" in listing and "employer" not in listing
    sign_in(client, prisoner)
    listing = client.get(reverse("certificates:mine")).content.decode()
    assert "When an employer checks it, they see:" in listing


def test_my_certificates_updates_itself_and_the_status_counts_only_mine(
    client, prisoner, prisoner_course, facility_a
):
    from tests import factories

    pending = complete(prisoner, prisoner_course)  # no commit: the issuing task waits
    assert pending.status == Certificate.Status.PENDING
    sign_in(client, prisoner)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "This page shows it by itself when it is ready." in html
    assert "Refresh this page" not in html
    assert "js/certificate-status.js" in html
    status_url = reverse("certificates:mine_status")
    assert f'data-certificate-status="{status_url}"' in html
    assert client.get(status_url).json() == {"preparing": 1}
    other = factories.PrisonerFactory(facility=facility_a)
    sign_in(client, other)
    assert client.get(status_url).json() == {"preparing": 0}
    certificate_issue(serial=pending.serial)
    sign_in(client, prisoner)
    assert client.get(status_url).json() == {"preparing": 0}
    assert "max-age=0" in client.get(status_url)["Cache-Control"]  # never cached


def test_a_certificate_states_what_its_rule_measured_not_hours_of_study(
    client, prisoner, prisoner_course, django_capture_on_commit_callbacks
):
    from courses.models import LessonProgress

    lessons = list(prisoner_course.lessons().specific())
    enrolment_create(actor=prisoner, learner=prisoner, course=prisoner_course)
    for lesson in lessons[:-1]:
        lesson_complete(actor=prisoner, lesson=lesson)
    # Three minutes of measured study on a course its author says takes 12 hours.
    LessonProgress.objects.filter(learner=prisoner).update(seconds_spent=90)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(actor=prisoner, lesson=lessons[-1])
    certificate = Certificate.objects.get(learner=prisoner)
    text = " ".join(pdf_text(certificate.pdf.read()).split())
    assert "hours of study" not in text
    assert "Nominal length of the course: 12 hours, as set by its author." in text
    assert f"Completed: all {len(lessons)} lessons done." in text
    assert "Active study measured: 0 h 03 min." in text
    page = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    assert "Active study measured: 0 h 03 min." in page.content.decode()


def test_a_certificate_issued_by_hand_says_nothing_was_measured(prisoner, prisoner_course):
    from certificates.services.officer_actions import certificate_issue_manual
    from tests import factories

    officer = factories.OfficerFactory(facility=prisoner.facility)
    certificate = certificate_issue_manual(
        actor=officer, learner=prisoner, course=prisoner_course, reason="Classroom course"
    )
    assert certificate.rule_sentences() == [
        "Nominal length of the course: 12 hours, as set by its author.",
        "Completion recorded by an education officer, not measured in Qadam.",
    ]
