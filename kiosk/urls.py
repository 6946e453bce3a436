from django.urls import path

from . import views

kiosk_patterns = (
    [
        path("", views.sign_in, name="sign_in"),
        path("register/", views.register, name="register"),
        path("sign-out/", views.sign_out, name="sign_out"),
        path("rebind/<uuid:device_id>/<str:token>/", views.rebind, name="rebind"),
        path("activity/", views.activity, name="activity"),
        path("language/", views.language, name="language"),
        path("pin/", views.pin_change, name="pin_change"),
    ],
    "kiosk",
)

manage_patterns = (
    [path("learners/<uuid:public_id>/pin/", views.manage_pin, name="pin")],
    "kiosk_manage",
)
