"""Render limits: time (Celery soft/hard limits), memory (worker recycling), size."""

from dataclasses import replace

import pytest
from django.conf import settings

from certificates.preview import sample_data
from certificates.rendering import RenderRefused, render_certificate_pdf
from certificates.tasks import certificate_issue_task
from lms.celery import app


def test_workers_are_recycled_past_the_memory_limit():
    assert app.conf.worker_max_memory_per_child == settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD
    assert app.conf.worker_max_memory_per_child > 0


def test_the_render_task_has_a_soft_and_a_hard_time_limit():
    assert certificate_issue_task.soft_time_limit == settings.CERTIFICATE_RENDER_TIMEOUT
    assert certificate_issue_task.time_limit > certificate_issue_task.soft_time_limit


def test_a_certificate_running_to_many_pages_is_refused():
    data = sample_data(None, "en")
    with pytest.raises(RenderRefused):
        render_certificate_pdf(replace(data, holder_name="Name " * 4000))
