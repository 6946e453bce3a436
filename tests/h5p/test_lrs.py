"""Optional forwarding to an external LRS, against a small LRS on the loopback address."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from h5p.lrs import LRSError, lrs_statement_put

from .test_endpoints import answered, client_for, post_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs():
    received: list[dict] = []
    answer = {"status": 204}

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):  # the HTTP verb, as the base class names it
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(body),
                }
            )
            self.send_response(answer["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/xapi/", received, answer
    server.shutdown()
    server.server_close()


def test_stored_statements_are_forwarded_once_with_our_id(
    lrs, settings, prisoner, h5p_lesson, django_capture_on_commit_callbacks
):
    endpoint, received, _answer = lrs
    settings.H5P_LRS_ENDPOINT = endpoint
    settings.H5P_LRS_USERNAME, settings.H5P_LRS_PASSWORD = "qadam", "secret"
    lesson, block_id = h5p_lesson
    with django_capture_on_commit_callbacks(execute=True):
        response = post_statement(client_for(prisoner), lesson, block_id, answered(1))
    stored_id = response.json()["id"]
    assert len(received) == 1
    sent = received[0]
    assert sent["path"] == f"/xapi/statements?statementId={stored_id}"
    assert sent["headers"]["authorization"] == "Basic cWFkYW06c2VjcmV0"
    assert sent["headers"]["x-experience-api-version"] == "1.0.3"
    assert sent["body"]["actor"]["account"]["name"] == str(prisoner.public_id)


def test_nothing_is_sent_without_an_endpoint(
    lrs, settings, prisoner, h5p_lesson, django_capture_on_commit_callbacks
):
    _endpoint, received, _answer = lrs
    settings.H5P_LRS_ENDPOINT = ""
    lesson, block_id = h5p_lesson
    with django_capture_on_commit_callbacks(execute=True):
        post_statement(client_for(prisoner), lesson, block_id, answered(1))
    assert received == []


def test_an_lrs_error_is_raised_for_a_retry_and_a_known_statement_is_fine(lrs, settings):
    endpoint, _received, answer = lrs
    settings.H5P_LRS_ENDPOINT = endpoint
    answer["status"] = 503
    with pytest.raises(LRSError):
        lrs_statement_put(statement_id="1", statement={})
    answer["status"] = 409
    assert lrs_statement_put(statement_id="1", statement={}) == 409
    settings.H5P_LRS_ENDPOINT = "http://127.0.0.1:9/xapi/"  # nothing listens there
    with pytest.raises(LRSError):
        lrs_statement_put(statement_id="1", statement={})


def test_an_lrs_down_past_every_retry_still_gets_each_statement_once_from_the_sweep(
    lrs, settings, prisoner, h5p_lesson, django_capture_on_commit_callbacks
):
    """The task's retries are bounded (hours); an LRS down over a weekend must not lose
    statements: what is undelivered stays recorded and the sweep sends it when it is back."""
    from h5p.models import StatementForward
    from h5p.tasks import xapi_forward_sweep_task

    endpoint, received, answer = lrs
    settings.H5P_LRS_ENDPOINT = endpoint
    settings.H5P_LRS_SWEEP_AFTER = 0
    answer["status"] = 503  # down
    lesson, block_id = h5p_lesson
    client = client_for(prisoner)
    with django_capture_on_commit_callbacks(execute=True):
        for score in (0, 1):
            post_statement(client, lesson, block_id, answered(score))
    pending = StatementForward.objects.filter(delivered_at__isnull=True)
    assert pending.count() == 2 and all(row.attempts >= 1 for row in pending)
    assert "503" in pending.first().last_error
    assert xapi_forward_sweep_task() == 0  # still down: kept, nothing lost
    assert pending.count() == 2

    answer["status"] = 204  # back
    received.clear()
    assert xapi_forward_sweep_task() == 2
    assert xapi_forward_sweep_task() == 0  # delivered ones are not sent again
    assert len(received) == 2
    assert not StatementForward.objects.filter(delivered_at__isnull=True).exists()


def test_a_broker_down_at_the_answer_leaves_the_statement_to_the_sweep(
    lrs, settings, prisoner, h5p_lesson, django_capture_on_commit_callbacks, monkeypatch
):
    from h5p.models import StatementForward
    from h5p.tasks import xapi_forward_sweep_task, xapi_statement_forward_task

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    endpoint, received, _answer = lrs
    settings.H5P_LRS_ENDPOINT = endpoint
    settings.H5P_LRS_SWEEP_AFTER = 0
    monkeypatch.setattr(xapi_statement_forward_task, "delay", broker_down)
    lesson, block_id = h5p_lesson
    with django_capture_on_commit_callbacks(execute=True):
        response = post_statement(client_for(prisoner), lesson, block_id, answered(1))
    assert response.status_code == 201  # the learner's answer is stored and told so
    assert received == [] and StatementForward.objects.filter(delivered_at=None).count() == 1
    assert xapi_forward_sweep_task() == 1 and len(received) == 1
