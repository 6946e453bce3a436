"""Registers H5P's admin screens (``h5p.admin_views``) with Wagtail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from . import admin_views
from .models import H5PContent
from .permissions import may_install_libraries

h5p_viewset = admin_views.H5PContentViewSet()
register_snippet(h5p_viewset)


def report_url(content: H5PContent) -> str:
    return reverse(h5p_viewset.get_url_name("report"), args=[content.pk])


@hooks.register("register_snippet_listing_buttons")
def h5p_results_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, H5PContent) and user.has_perm("h5p.view_h5pcontent"):
        yield ListingButton(_("Results"), report_url(snippet), icon_name="list-ul", priority=15)


@hooks.register("register_admin_urls")
def h5p_admin_urls() -> list[Any]:
    return [path("h5p/", include((admin_views.urlpatterns, "h5p_admin")))]


class LibrariesMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_install_libraries(request.user)


@hooks.register("register_settings_menu_item")
def h5p_libraries_menu_item() -> MenuItem:
    return LibrariesMenuItem(
        _("H5P libraries"), reverse("h5p_admin:libraries"), icon_name="code", order=900
    )
