"""Forwarding to a real LRS (Ralph, ``make lrs-test-deps``): a learner's statement arrives
once with our id; with the LRS down it waits for a retry, and arrives once when it is back."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry

from h5p.lrs import LRSError, lrs_statement_put
from h5p.models import StatementForward, XAPIStatement
from h5p.tasks import xapi_forward_sweep_task, xapi_statement_forward_task

from .ralph import PASSWORD, USERNAME, RalphLRS, ralph_or_skip
from .test_endpoints import answered, client_for, post_statement

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def ralph(tmp_path, settings):
    """A running Ralph with an empty store, and our settings pointing at it."""
    ralph_or_skip()
    server = RalphLRS(tmp_path)
    server.start()
    settings.H5P_LRS_ENDPOINT = server.endpoint
    settings.H5P_LRS_USERNAME, settings.H5P_LRS_PASSWORD = USERNAME, PASSWORD
    yield server
    server.stop()


def copies_of(ralph: RalphLRS, statement_id: str) -> int:
    return sum(1 for line in ralph.stored_lines() if line.get("id") == statement_id)


def test_a_learners_statement_reaches_the_lrs_once_with_our_id(
    ralph, prisoner, h5p_lesson, django_capture_on_commit_callbacks
):
    lesson, block_id = h5p_lesson
    with django_capture_on_commit_callbacks(execute=True):
        response = post_statement(client_for(prisoner), lesson, block_id, answered(1))
    assert response.status_code == 201
    stored_id = response.json()["id"]

    returned = ralph.statements(stored_id)
    assert [s["id"] for s in returned] == [stored_id]
    assert returned[0]["actor"]["account"]["name"] == str(prisoner.public_id)
    assert returned[0]["result"]["score"]["raw"] == 1
    assert [s["id"] for s in ralph.statements()].count(stored_id) == 1
    assert copies_of(ralph, stored_id) == 1


def test_with_the_lrs_down_the_statement_waits_and_arrives_once_when_it_is_back(
    ralph, settings, prisoner, h5p_lesson, django_capture_on_commit_callbacks
):
    lesson, block_id = h5p_lesson
    ralph.stop()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_statement(client_for(prisoner), lesson, block_id, answered(1))
    # The learner's answer is stored whatever the LRS does; the send is queued after commit.
    assert response.status_code == 201
    stored_id = response.json()["id"]
    assert XAPIStatement.objects.filter(pk=stored_id).exists()
    for callback in queued:  # the send after commit, while the LRS is down
        callback()
    forward = StatementForward.objects.get(statement_id=stored_id)
    assert forward.delivered_at is None and forward.attempts >= 1
    assert "unreachable" in forward.last_error

    # Each retry while the LRS is down raises LRSError, which the task turns into a Retry
    # (the worker puts it back on the broker with a countdown).
    with pytest.raises(Retry) as retry:
        xapi_statement_forward_task.apply(args=[stored_id], throw=True)
    assert isinstance(retry.value.exc, LRSError)

    # Back: the sweep sends what the LRS does not have yet (also after every retry of the
    # task was spent), once.
    ralph.start()
    assert copies_of(ralph, stored_id) == 0
    settings.H5P_LRS_SWEEP_AFTER = 0
    assert xapi_forward_sweep_task() == 1
    assert [s["id"] for s in ralph.statements(stored_id)] == [stored_id]
    assert xapi_forward_sweep_task() == 0

    # Delivered is recorded: a late duplicate of the task sends nothing; and a send that had
    # in fact reached the LRS (the answer lost on the way) gets 409, not an error to retry.
    xapi_statement_forward_task.apply(args=[stored_id], throw=True)
    assert lrs_statement_put(
        statement_id=stored_id, statement=XAPIStatement.objects.get(pk=stored_id).statement
    ) in (204, 409)
    assert copies_of(ralph, stored_id) == 1
    assert [s["id"] for s in ralph.statements()].count(stored_id) == 1


def test_the_lrs_refuses_a_wrong_password_and_the_send_is_retried(ralph, settings):
    settings.H5P_LRS_PASSWORD = "not-the-password"
    with pytest.raises(LRSError, match="401"):
        lrs_statement_put(statement_id="0b6a1b1e-4a1c-4b59-9d1c-0c4c8a3f4f11", statement={})
