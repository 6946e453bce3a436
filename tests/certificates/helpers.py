import io
import subprocess

from pypdf import PdfReader

from certificates.models import Certificate
from courses.services import enrolment_create, lesson_complete


def complete(learner, course):
    enrolment_create(actor=learner, learner=learner, course=course)
    if course.requires_consent:  # faith-based programmes: the person agreed to take part
        from consent.services import consent_give

        consent_give(actor=learner, course=course)
    for lesson in course.lessons().specific():
        lesson_complete(actor=learner, lesson=lesson)
    return Certificate.objects.get(learner=learner, course_key=course.translation_key)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_png(data: bytes, dpi: int = 150) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
