"""The baselines: the best plain version of the same work, on the same stack."""

import uuid

from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.csrf import csrf_exempt

TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>{{ title }}</title><p>{{ text }}</p>"
)


def bare(request):
    """A minimal Django view: a small template, no database."""
    return HttpResponse(TEMPLATE.render({"title": "Bare", "text": "Hello"}))


@csrf_exempt
def select_insert(request):
    """One indexed SELECT and one INSERT: the least a progress write can do."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core_user WHERE id = %s", [1])
        cursor.fetchone()
        cursor.execute(
            "INSERT INTO bench_hit (learner_id, lesson_key) VALUES (%s, %s)", [1, uuid.uuid4()]
        )
    return HttpResponse(status=204)


def signed_in(request):
    """The floor of any signed-in page: the bare view after the session and the user are
    loaded (and, on a kiosk, the device and session checks)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(TEMPLATE.render({"title": "Signed in", "text": request.user.pk}))
