"""Kiosks' URL sets, mounted by ``lms/urls.py``: ``learner_urls`` (what a kiosk shows:
register the device, sign in and out, language, "still here", PIN change; namespace
``kiosk``, at ``kiosk/``) and ``management_urls`` (an officer setting a prisoner's PIN;
namespace ``kiosk_manage``, at ``manage/kiosk/``). The kiosk list and registration codes
are in the Wagtail admin (``wagtail_hooks``)."""

from django.urls import path

from . import views

learner_urls = [
    path("", views.sign_in, name="sign_in"),
    path("register/", views.register, name="register"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("rebind/<uuid:device_id>/<str:token>/", views.rebind, name="rebind"),
    path("activity/", views.activity, name="activity"),
    path("language/", views.language, name="language"),
    path("pin/", views.pin_change, name="pin_change"),
]

management_urls = [
    path("learners/<uuid:public_id>/pin/", views.manage_pin, name="pin"),
]
