"""Serving pages: nobody signed out sees learning content, and nobody receives a page
meant for another audience (a 404, so a guessed URL reveals nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from wagtail import hooks
from wagtail.models import Page

from lms.core.policy import audience_allows


def page_audience(page: Page) -> str | None:
    """The audience of a page, or None for pages that carry no audience of their own."""
    audience = getattr(page, "audience", None)
    return audience if isinstance(audience, str) else None


@hooks.register("before_serve_page")
def require_audience(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    audience = page_audience(page)
    if audience is not None and not audience_allows(request.user, audience):
        raise Http404
    return None


@hooks.register("before_serve_document")
def document_audience(document: Any, request: HttpRequest) -> HttpResponse | None:
    """Documents go only to people who may see a page that uses them."""
    from .media_access import user_may_receive

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_may_receive(request.user, document):
        raise Http404
    return None


# --- Moving courses: export from the page's menu, import from the admin menu ------------


@hooks.register("register_page_listing_more_buttons")
@hooks.register("register_page_header_buttons")
def export_course_button(
    page: Page, user: Any, view_name: str | None = None, next_url: str | None = None
):
    """ "Export course" beside the course's other actions: in its header and in its row of
    the explorer's listing."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from wagtail.admin.widgets import Button

    from .models import CoursePage

    if page.specific_class is CoursePage and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Export course"),
            reverse("courses_admin:export", args=[page.pk]),
            icon_name="download",
            priority=90,
        )


@hooks.register("register_admin_urls")
def course_archive_urls():
    from django.urls import include, path

    from . import admin_views

    return [path("courses/", include((admin_views.urlpatterns, "courses_admin")))]


@hooks.register("register_admin_menu_item")
def import_course_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    class ImportMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            from .admin_views import areas_for

            return bool(areas_for(request.user))

    return ImportMenuItem(
        _("Import a course"), reverse("courses_admin:import"), icon_name="upload", order=250
    )


# --- Translations out of step: warned when publishing, listed in a report ---------------


@hooks.register("after_publish_page")
def warn_of_translation_gaps(request: HttpRequest, page: Page) -> None:
    """After publishing a lesson, say which of its versions lack blocks of the source.
    Learners are not blocked by a gap (decision record 0051): the author must close it."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from .models import LessonPage
    from .translation_gaps import translation_gaps_for

    if page.specific_class is not LessonPage:
        return
    for gap in translation_gaps_for(page.specific):
        messages.warning(
            request,
            _(
                "The %(language)s version of “%(title)s” lacks what the %(source)s version "
                "has: %(missing)s. Learners in %(language)s can finish the lesson without it. "
                "See Reports → Translations out of step."
            )
            % {
                "language": gap.lesson.locale.get_display_name(),
                "title": gap.lesson.title,
                "source": gap.source.locale.get_display_name(),
                "missing": gap.describe(),
            },
        )


@hooks.register("register_reports_menu_item")
def translations_report_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    class TranslationsMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            from .admin_views import may_see_translation_report

            return may_see_translation_report(request.user)

    return TranslationsMenuItem(
        _("Translations out of step"),
        reverse("courses_admin:translations"),
        icon_name="site",
        order=700,
    )


# --- Autosave leaves no stray page on the create view (courses.autosave) ----------------


@hooks.register("before_create_page")
def autosave_before_create(request: HttpRequest, parent_page: Page, page_class: Any):
    from .autosave import before_create

    return before_create(request, parent_page, page_class)


@hooks.register("after_create_page")
def autosave_after_create(request: HttpRequest, page: Page):
    from .autosave import after_create

    return after_create(request, page)


@hooks.register("construct_homepage_panels")
def my_courses_panel(request: HttpRequest, panels: list) -> None:
    """The author's own courses on the dashboard (``courses.dashboard``)."""
    from .dashboard import MyCoursesPanel
    from .selectors import programme_areas_editable_by

    # Authors only (officers and monitors who open the admin write no courses);
    # administrators see every course in the explorer and reports instead.
    user = request.user
    if not user.is_superuser and programme_areas_editable_by(user):
        panels.append(MyCoursesPanel(request))
