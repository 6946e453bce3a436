"""Search over what the person may see: courses and lessons of their audience, and what
apps above ``courses`` add (the guidelines, for staff). Wagtail's database backend
(PostgreSQL full text on PostgreSQL).

Those apps register a search source (``search_source_register``) when they are ready, so
``courses`` imports none of them (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Locale, Page

from lms.core.models import User
from lms.core.policy import audiences_for

from .models import CoursePage, LessonPage

MAX_RESULTS = 30


@dataclass
class SearchHit:
    page: Page
    kind: str
    context: str


# A source: (user, query, locale) -> at most MAX_RESULTS hits the user may open.
SearchSource = Callable[[User, str, Locale], list[SearchHit]]
_sources: list[SearchSource] = []


def search_source_register(source: SearchSource) -> None:
    """Add an app's pages to the search (called from its ``AppConfig.ready``). The source
    decides who may find its pages; it is asked only for signed-in users with an audience."""
    if source not in _sources:
        _sources.append(source)


def search_for(*, user: User, query: str) -> list[SearchHit]:
    """Live pages in the active language matching ``query`` that ``user`` may open."""
    audiences = audiences_for(user)
    query = query.strip()[:200]
    if not audiences or not query:
        return []
    locale = Locale.get_active()
    hits: list[SearchHit] = []
    courses = CoursePage.objects.live().filter(locale=locale, audience__in=audiences)
    for course in courses.search(query)[:MAX_RESULTS]:
        hits.append(SearchHit(course, "course", course.summary))
    # A lesson is found through its course's audience: the courses the user may open, read
    # once and matched by tree path (no query per lesson).
    open_courses = {course.path: course for course in courses.only("path", "title")}
    prefix_lengths = sorted({len(path) for path in open_courses})
    for lesson in LessonPage.objects.live().filter(locale=locale).search(query)[:MAX_RESULTS]:
        course = next(
            (
                open_courses[lesson.path[:length]]
                for length in prefix_lengths
                if lesson.path[:length] in open_courses
            ),
            None,
        )
        if course is not None:
            hits.append(SearchHit(lesson, "lesson", course.title))
    for source in _sources:
        hits.extend(source(user, query, locale))
    return hits[:MAX_RESULTS]


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(
        request,
        "courses/search.html",
        {"query": query, "hits": search_for(user=request.user, query=query)},
    )
