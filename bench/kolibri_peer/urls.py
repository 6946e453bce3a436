"""Kolibri's URLs with the bench's baseline views in front (the same views as Qadam's
bench/urls.py, inside Kolibri's process, middleware and database)."""

from django.urls import path
from kolibri.deployment.default.urls import urlpatterns as kolibri_patterns

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("bench/select-insert/", views.select_insert, name="bench_select_insert"),
    path("bench/signed-in/", views.signed_in, name="bench_signed_in"),
    *kolibri_patterns,
]
