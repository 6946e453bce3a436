from __future__ import annotations

import io

import pytest

from h5p.importer import h5p_content_import
from lms.core.models import User
from tests import factories

from . import builders


@pytest.fixture(autouse=True)
def h5p_root(settings, tmp_path):
    settings.H5P_ROOT = tmp_path / "h5p"
    return settings.H5P_ROOT


@pytest.fixture
def administrator(db):
    return factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None)


@pytest.fixture
def trainer(db):
    return factories.UserFactory(role=User.Role.TRAINER, facility=None)


@pytest.fixture
def tiny_content(administrator):
    return h5p_content_import(actor=administrator, upload=io.BytesIO(builders.tiny_package()))


@pytest.fixture
def h5p_lesson(tiny_content):
    """A prisoner course whose first lesson holds the tiny activity (pass mark 60,
    required), and the block's id."""
    course = factories.make_course(title="Metalwork", audience="prisoners", lessons=2)
    lesson = course.get_children().specific().first()
    lesson.body = [
        ("heading", "Tools"),
        ("h5p", {"content": tiny_content, "pass_mark": 60, "required": True}),
    ]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = next(block.id for block in lesson.body if block.block_type == "h5p")
    return lesson, block_id
