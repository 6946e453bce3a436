"""Fixtures of the course tests: a course with translations, an image, a document and a
quiz, and a trainer to move it (the archive tests).
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale

from lms.core.models import User
from tests import factories


@pytest.fixture
def trainer():
    return factories.UserFactory(role=User.Role.TRAINER, facility=None)


@pytest.fixture
def rich_course():
    course = factories.make_course(title="Tiling", lessons=2)
    course.skills.add("tiling", "measuring")
    course.save_revision().publish()
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), "red").save(buffer, "PNG")
    image = Image.objects.create(title="Tile", file=ImageFile(buffer, name="tile.png"))
    document = Document.objects.create(
        title="Grout guide", file=ContentFile(b"%PDF-1.4 grout", name="grout.pdf")
    )
    lesson = course.lessons().specific().first()
    lesson.body = [
        ("image", {"image": image, "alt_text": "A red tile", "caption": ""}),
        ("document", {"document": document, "description": "Read it"}),
        (
            "quiz",
            {
                "title": "Check",
                "pass_mark": 50,
                "required": True,
                "questions": [
                    {
                        "kind": "true_false",
                        "prompt": "Tiles are flat.",
                        "answers": [],
                        "statement_is_true": True,
                        "explanation": "",
                    }
                ],
            },
        ),
    ]
    lesson.save_revision().publish()
    russian = Locale.objects.create(language_code="ru")
    course_ru = course.copy_for_translation(russian, copy_parents=True)
    course_ru.title = "Укладка плитки"
    course_ru.save_revision().publish()
    for item in course.lessons():
        item.copy_for_translation(russian).save_revision().publish()
    return course
