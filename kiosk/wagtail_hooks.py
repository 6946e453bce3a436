from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .permissions import may_manage_kiosks


@hooks.register("register_admin_urls")
def kiosk_admin_urls():
    patterns = (
        [
            path("", admin_views.index, name="index"),
            path("code/", admin_views.code_create, name="code"),
            path("<uuid:device_id>/", admin_views.device_edit, name="device"),
            path("<uuid:device_id>/revoke/", admin_views.device_revoke, name="revoke"),
            path(
                "<uuid:device_id>/lockout-lift/",
                admin_views.device_lockout_lift,
                name="lockout_lift",
            ),
        ],
        "kiosk_admin",
    )
    return [path("kiosks/", include(patterns))]


class KioskMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_manage_kiosks(request.user)


@hooks.register("register_admin_menu_item")
def kiosk_menu_item():
    return KioskMenuItem(_("Kiosks"), reverse("kiosk_admin:index"), icon_name="desktop", order=900)
