"""Odd bytes never make an endpoint answer 500.

Walks every URL pattern whose view is ours (the URL conf, not a list kept by hand), fills
its parameters from a small world, and sends each one, as a prisoner, an officer and an
administrator and signed out: GET with odd query values, POST with odd values in every
field the page's own forms name (and the usual ones), and JSON bodies with odd values.
Odd: NUL, lone surrogates and invalid UTF-8, huge and negative numbers, NaN and
infinities, control and bidirectional characters, very long strings. Any answer but a
500 is fine here (400, 403, 404, a form with errors): other tests say which.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.documents.models import Document

from certificates.models import Certificate
from courses.services import enrolment_create, lesson_complete
from guidelines.models import GuidelineIndexPage, GuidelinePage
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in as sign_in_as

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "courses",
    "certificates",
    "consent",
    "kiosk",
    "employability",
    "guidelines",
    "h5p",
    "lms",
    "training",
}
NUL = "%00"
# Already percent-encoded: lone surrogate (CESU), invalid UTF-8, controls, RLO, ...
ODD = [
    "%ED%A0%80",
    "%FF%FE%FD",
    "9" * 400,
    "-1",
    "-99999999999999999999999",
    "1e309",
    "NaN",
    "%1B%5B31m%07%08%0B%0C",
    "%E2%80%AEevil",
    "A" * 5000,
    "..%2F..%2Fetc%2Fpasswd",
]
COMMON_FIELDS = [
    "q",
    "page",
    "next",
    "ended",
    "format",
    "language",
    "kind",
    "facility",
    "status",
    "course",
    "learner",
    "code",
    "action",
    "goal",
    "id",
    "seconds",
    "pin",
    "reason",
    "area",
    "archive",
    "submission_key",
    "verify_name",
    "name",
    "text",
    "username",
]
JSON_BODIES = [
    '{"score": NaN, "max": Infinity, "min": -Infinity, "id": "\\ud800", "n": 1e999}',
    json.dumps({"statement": {"result": {"score": {"raw": -(10**30), "max": 10**400}}}}),
    '{"a": "\\u0000", "b": "\\u202e\\u001b"}',
    "[" * 500 + "]" * 500,
    "not json at all \xff",
]
ROLES = ("anonymous", "prisoner", "officer", "administrator")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            module = getattr(getattr(callback, "view_class", callback), "__module__", "") or ""
            if module.split(".")[0] in OUR_APPS:
                yield prefix + str(pattern.pattern), pattern.name


def our_routes() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def world(facility_a, django_capture_on_commit_callbacks):
    prisoner = factories.PrisonerFactory(facility=facility_a)
    course = factories.make_course(title="Carpentry", audience="prisoners", lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(actor=prisoner, learner=prisoner, course=course)
        lesson_complete(actor=prisoner, lesson=course.lessons().specific().get())
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    factories.catalogue().add_child(instance=index)
    guideline = GuidelinePage(
        title="Searches",
        slug="searches",
        effective_date="2026-01-01",
        department="Security",
        body="<p>x</p>",
        requires_acknowledgement=True,
    )
    index.add_child(instance=guideline)
    faith = factories.make_course(
        title="Paths", programme_type="faith_based", audience="prisoners", lessons=1
    )
    document = Document.objects.create(title="Guide", file=factories_file("guide.pdf"))
    return {
        "users": {
            "anonymous": None,
            "prisoner": prisoner,
            "officer": factories.OfficerFactory(facility=facility_a),
            "administrator": factories.UserFactory(role=User.Role.ADMINISTRATOR, facility=None),
        },
        "prisoner": prisoner,
        "course": course,
        "lesson": course.lessons().specific().get(),
        "faith": faith,
        "guideline": guideline,
        "certificate": Certificate.objects.get(learner=prisoner),
        "document": document,
    }


def factories_file(name: str):
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4 x", name=name)


def fill(route: str, world: dict) -> list[str]:
    """Concrete URLs for ``route``; empty for patterns reached some other way."""
    if route.startswith("^documents/"):
        return [world["document"].url]
    if route.startswith("^media/"):
        return [world["document"].file.url, "/media/x%00y"]
    if route.startswith("^images/"):
        return []  # signed URLs: covered by tests/courses/test_media_access.py
    if "wagtail_serve" in route or route.endswith("*)$"):
        return [world["lesson"].get_url(), world["course"].get_url(), world["guideline"].get_url()]
    page_id = world["lesson"].pk
    if "consent/" in route:
        page_id = world["faith"].pk
    elif "courses/" in route:
        page_id = world["course"].pk
    elif "guidelines/" in route:
        page_id = world["guideline"].pk
    public_id = (
        world["certificate"].public_id
        if "certificates/<uuid" in route
        else world["prisoner"].public_id
    )
    values = {
        "page_id": page_id,
        "lesson_id": world["lesson"].pk,
        "public_id": public_id,
        "device_id": uuid.uuid4(),
        "code": world["certificate"].verification_code,
        "pk": 1,
        "revision": 1,
        "language": "en",
        "block_id": "x",
        "path": "x.js",
        "name": "x",
        "token": "x",
        "data_type": "x",
        "sub_content_id": "x",
    }

    def replace(match: re.Match) -> str:
        return quote(str(values.get(match.group(2), "x")))

    return ["/" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)]


def form_fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html)))


def urlencoded(fields: list[str], value: str) -> bytes:
    return "&".join(f"{quote(field)}={value}" for field in fields).encode("ascii")


def fuzz(client: Client, world: dict, urls: list[str]) -> list[str]:
    """Every request that answered 500, as ``METHOD URL (role): what was sent``."""
    failures = []
    for url in urls:
        for role in ROLES:
            user = world["users"][role]

            def sign_in(user=user):
                """Back to ``user``'s session: staff by force_login, a prisoner on the kiosk
                (signing in again only when a request ended the kiosk session)."""
                if user is None:
                    client.logout()
                    client.cookies.pop(settings.KIOSK_DEVICE_COOKIE, None)
                elif not user.is_prisoner or client.session.get("_auth_user_id") != str(user.pk):
                    sign_in_as(client, user)

            sign_in()
            first = client.get(url)
            html = first.status_code == 200 and first.get("Content-Type", "").startswith(
                "text/html"
            )
            page = first.content.decode("utf-8", "replace") if html else ""
            fields = sorted(set(COMMON_FIELDS) | set(form_fields(page)))
            for value in [NUL, *ODD]:
                query = urlencoded(fields, value).decode()
                sign_in()
                if client.get(f"{url}?{query}").status_code == 500:
                    failures.append(f"GET {url}?{query[:80]} ({role})")
                sign_in()
                response = client.post(
                    url, urlencoded(fields, value), content_type="application/x-www-form-urlencoded"
                )
                if response.status_code == 500:
                    failures.append(f"POST {url} ({role}): {query[:80]}")
            for body in JSON_BODIES:
                sign_in()
                response = client.post(
                    url, body.encode("utf-8", "surrogatepass"), content_type="application/json"
                )
                if response.status_code == 500:
                    failures.append(f"POST JSON {url} ({role}): {body[:60]}")
    return failures


def test_every_route_of_ours_is_walked():
    routes = dict(our_routes())
    assert {"learn/search/", "manage/record/<uuid:public_id>/", "admin/courses/import/"} <= set(
        routes
    )


def test_no_endpoint_answers_500_to_odd_input(world):
    client = Client(raise_request_exception=False)
    urls = [
        url
        for route, _name in our_routes()
        if not route.startswith("h5p/")
        for url in fill(route, world)
    ]
    failures = fuzz(client, world, urls)
    assert failures == [], "\n".join(failures)


def test_no_h5p_endpoint_answers_500_to_odd_input(world):
    client = Client(raise_request_exception=False)
    urls = [
        url
        for route, _name in our_routes()
        if route.startswith("h5p/")
        for url in fill(route, world)
    ]
    failures = fuzz(client, world, urls)
    assert failures == [], "\n".join(failures)


def test_the_search_box_refuses_a_nul_with_a_message(client, world):
    sign_in_as(client, world["prisoner"])
    response = client.get("/learn/search/?q=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_goal_id_that_is_not_a_uuid_is_a_400(client, world):
    officer = world["users"]["officer"]
    client.force_login(officer)
    url = f"/manage/record/{world['prisoner'].public_id}/"
    response = client.post(url, {"action": "goal_achieved", "goal": "not-a-uuid"})
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()


def test_a_number_past_the_64_bit_range_is_a_400_not_an_overflow(client, world):
    client.force_login(world["users"]["administrator"])
    response = client.post("/admin/courses/import/", {"area": "9" * 30})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
