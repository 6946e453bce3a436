"""The baselines in Kolibri's process: the same as Qadam's bench/views.py."""

import os
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
        cursor.execute(
            "SELECT id FROM kolibriauth_facilityuser WHERE id = %s",
            [os.environ["KOLIBRI_BENCH_USER_ID"]],
        )
        cursor.fetchone()
        cursor.execute(
            "INSERT INTO bench_hit (learner_id, lesson_key) VALUES (%s, %s)", [1, uuid.uuid4()]
        )
    return HttpResponse(status=204)


def signed_in(request):
    """The signed-in floor: the bare view after Kolibri's session and user are loaded."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(TEMPLATE.render({"title": "Signed in", "text": request.user.pk}))
