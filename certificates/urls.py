from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("learn/certificates/", views.my_certificates, name="mine"),
    path(
        "learn/certificates/<uuid:public_id>/download/",
        views.certificate_download,
        name="download",
    ),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
