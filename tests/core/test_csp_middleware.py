"""The site's content security policy is built once per process and is exactly what
django-csp would write; anything a response asks for itself still goes through
django-csp."""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from lms.core.middleware import CSPMiddleware

pytestmark = pytest.mark.django_db


def through(response: HttpResponse, **request_attrs) -> HttpResponse:
    middleware = CSPMiddleware(lambda request: response)
    request = RequestFactory().get("/learn/")
    middleware.process_request(request)
    for name, value in request_attrs.items():
        setattr(request, name, value)
    return middleware.process_response(request, response)


def test_a_page_gets_the_site_policy_as_django_csp_writes_it(client):
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_what_a_response_asks_for_itself_is_still_honoured():
    updated = HttpResponse("x")
    updated._csp_update = {"img-src": ["https://tiles.invalid"]}
    assert "https://tiles.invalid" in through(updated)["Content-Security-Policy"]
    exempt = HttpResponse("x")
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in through(exempt)
    own = HttpResponse("x")
    own["Content-Security-Policy"] = "default-src 'none'"
    assert through(own)["Content-Security-Policy"] == "default-src 'none'"


def test_a_request_that_asked_for_a_nonce_gets_what_django_csp_writes():
    from csp.middleware import CSPMiddleware as DjangoCSPMiddleware

    answers = []
    for middleware_class in (CSPMiddleware, DjangoCSPMiddleware):
        response = HttpResponse("x")
        middleware = middleware_class(lambda request, response=response: response)
        request = RequestFactory().get("/")
        middleware.process_request(request)
        request._csp_nonce = "fixed-nonce"  # as asking for request.csp_nonce leaves it
        answers.append(middleware.process_response(request, response)["Content-Security-Policy"])
    assert answers[0] == answers[1]


def test_a_changed_setting_is_seen_at_once():
    first = through(HttpResponse("x"))["Content-Security-Policy"]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert through(HttpResponse("x"))["Content-Security-Policy"] == "default-src 'none'"
    assert through(HttpResponse("x"))["Content-Security-Policy"] == first
