from django.urls import path

from lms.urls import urlpatterns as site_patterns

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("bench/select-insert/", views.select_insert, name="bench_select_insert"),
    # Under /learn/ so that a kiosk may open it (the kiosk refuses everything else).
    path("learn/bench-signed-in/", views.signed_in, name="bench_signed_in"),
    *site_patterns,
]
