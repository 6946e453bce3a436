from django.urls import path

from lms.urls import urlpatterns as site_patterns

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("bench/select-insert/", views.select_insert, name="bench_select_insert"),
    *site_patterns,
]
