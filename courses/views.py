"""The learner's space (/learn/) and the education officer's learner pages (/manage/)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.core.models import Unit, User
from lms.core.policy import (
    managed_facilities,
    may_manage_learners,
    people_visible_to,
    person_for_staff_read,
)

from . import selectors, services
from .forms import BulkEnrolForm, EnrolLearnerForm, LearnerFilterForm, TargetDateForm
from .models import CoursePage, Enrolment, LessonPage


def _visible_page(model: type[CoursePage] | type[LessonPage], request: HttpRequest, page_id: int):
    page = selectors.page_for_request(model=model, request=request, page_id=page_id)
    if page is None:
        raise Http404
    return page


@login_required
def learning_home(request: HttpRequest) -> HttpResponse:
    summaries = selectors.enrolment_summaries(viewer=request.user, learner=request.user)
    return render(
        request,
        "courses/learning_home.html",
        {
            "in_progress": [s for s in summaries if s.enrolment.status == Enrolment.Status.ACTIVE],
            "completed": [s for s in summaries if s.enrolment.status == Enrolment.Status.COMPLETED],
            "other": [
                s
                for s in summaries
                if s.enrolment.status not in (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)
            ],
            "available": [
                course
                for course in selectors.courses_visible_to(request.user)
                if course.self_enrolment
                and course.translation_key not in {s.enrolment.course_key for s in summaries}
            ],
            # Their choices to take part: every prisoner may be offered a voluntary
            # programme; staff only once they joined one.
            "shows_choices": request.user.is_prisoner
            or any(s.course.is_voluntary for s in summaries if s.course is not None),
        },
    )


@login_required
@require_POST
def course_enrol(request: HttpRequest, page_id: int) -> HttpResponse:
    course = _visible_page(CoursePage, request, page_id)
    try:
        services.enrolment_create(actor=request.user, learner=request.user, course=course)
    except services.CourseError as error:
        messages.error(request, str(error))
    return redirect(course.url)


@login_required
@require_POST
def lesson_done(request: HttpRequest, page_id: int) -> HttpResponse:
    lesson = _visible_page(LessonPage, request, page_id)
    try:
        services.lesson_complete(actor=request.user, lesson=lesson)
    except services.CourseError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    overview = selectors.lesson_overview(user=request.user, lesson=lesson)
    if overview.course.completion is not None and overview.course.next_lesson is None:
        return redirect(overview.course.course.url)
    return redirect((overview.next or overview.course.course).url)


def _managed_learner(request: HttpRequest, public_id: str) -> User:
    if not may_manage_learners(request.user):
        raise PermissionDenied
    return person_for_staff_read(
        request, people_visible_to(request.user).learners(), public_id=public_id, page="learner"
    )


@login_required
def manage_learners(request: HttpRequest) -> HttpResponse:
    if not may_manage_learners(request.user):
        raise PermissionDenied
    form = LearnerFilterForm(
        request.GET or None,
        units=Unit.objects.filter(facility__in=managed_facilities(request.user)),
        courses=selectors.courses_for_learner_filter(),
    )
    filters = (
        form.filters() if form.is_bound and form.is_valid() else selectors.LearnerListFilters()
    )
    pager = Paginator(selectors.learner_list(viewer=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "courses/manage/learners.html",
        {"learners": pager, "pager": pager, "form": form, "filter_query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_bulk_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol many learners on one course: a unit, a list of numbers, or the group found on
    the learner list. "Preview" says what would happen to each person (the same service,
    rolled back); "Enrol" does it and sums up what happened."""
    if not may_manage_learners(request.user):
        raise PermissionDenied
    units = Unit.objects.filter(facility__in=managed_facilities(request.user))
    courses = selectors.courses_for_learner_filter()
    group = request.POST.get("group") if request.method == "POST" else request.GET.urlencode()
    group_form = LearnerFilterForm(QueryDict(group or ""), units=units, courses=courses)
    # A group is a filtered list: the whole unfiltered list is never one.
    has_group = group_form.is_valid() and any(group_form.cleaned_data.values())
    form = BulkEnrolForm(
        request.POST if request.method == "POST" else None,
        initial={"group": group if has_group else ""},
        units=units,
        courses=courses,
    )
    context: dict = {"form": form, "group_size": None}
    if has_group:
        context["group_size"] = selectors.learner_list(
            viewer=request.user, filters=group_form.filters()
        ).count()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        learners: dict[int, User] = {}
        if data["unit"]:
            unit_filter = selectors.LearnerListFilters(unit_id=data["unit"].pk)
            for learner in selectors.learner_list(viewer=request.user, filters=unit_filter):
                learners[learner.pk] = learner
        if has_group:
            for learner in selectors.learner_list(
                viewer=request.user, filters=group_form.filters()
            ):
                learners[learner.pk] = learner
        found, unknown = selectors.learners_by_numbers(viewer=request.user, text=data["numbers"])
        for learner in found:
            learners[learner.pk] = learner
        confirm = request.POST.get("action") == "enrol"
        try:
            outcomes = services.enrolments_create_many(
                actor=request.user,
                learners=sorted(learners.values(), key=lambda p: (p.last_name, p.first_name)),
                course=form.chosen_course(),
                dry_run=not confirm,
                target_on=data["target_on"],
            )
        except services.CourseError as error:
            form.add_error(None, str(error))
        else:
            counts: dict[str, int] = {}
            for outcome in outcomes:
                counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
            context.update(
                outcomes=outcomes,
                counts=counts,
                unknown=unknown,
                done=confirm,
                course=form.chosen_course(),
            )
    return render(request, "courses/manage/bulk_enrol.html", context)


@login_required
def manage_learner(request: HttpRequest, public_id: str) -> HttpResponse:
    learner = _managed_learner(request, public_id)
    courses = selectors.courses_staff_may_assign(learner)
    form = EnrolLearnerForm(request.POST or None, learner=learner, courses=courses)
    if request.method == "POST" and form.is_valid():
        target_on = form.cleaned_data["target_on"]
        try:
            with transaction.atomic():  # a refused target date enrols nobody
                enrolment = services.enrolment_create(
                    actor=request.user,
                    learner=learner,
                    course=form.cleaned_data["course"],
                    source=Enrolment.Source.ASSIGNED,
                )
                if target_on and enrolment.status != Enrolment.Status.COMPLETED:
                    services.enrolment_set_target(
                        actor=request.user, enrolment=enrolment, target_on=target_on
                    )
        except services.CourseError as error:
            messages.error(request, str(error))
        else:
            names = {"learner": learner, "course": form.cleaned_data["course"].title}
            if enrolment.status == Enrolment.Status.COMPLETED:
                messages.info(request, _("%(learner)s has already completed “%(course)s”.") % names)
            else:
                messages.success(request, _("%(learner)s is enrolled on “%(course)s”.") % names)
        return redirect("manage:learner", public_id=learner.public_id)
    return render(
        request,
        "courses/manage/learner.html",
        {
            "learner": learner,
            "summaries": selectors.enrolment_summaries(viewer=request.user, learner=learner),
            "form": form,
        },
    )


@login_required
@require_POST
def manage_enrolment_target(
    request: HttpRequest, public_id: str, enrolment_id: str
) -> HttpResponse:
    """Set or clear the target date of one of a managed learner's enrolments."""
    learner = _managed_learner(request, public_id)
    enrolment = get_object_or_404(
        Enrolment.objects.visible_to(request.user), pk=enrolment_id, learner=learner
    )
    form = TargetDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("target_on", [])))
    else:
        try:
            services.enrolment_set_target(
                actor=request.user, enrolment=enrolment, target_on=form.cleaned_data["target_on"]
            )
        except services.CourseError as error:
            messages.error(request, str(error))
        else:
            if form.cleaned_data["target_on"]:
                messages.success(request, _("The target date is saved."))
            else:
                messages.success(request, _("The target date is removed."))
    return redirect(f"{reverse('manage:learner', args=[learner.public_id])}#enrolments")


@login_required
@require_POST
def quiz_submit(request: HttpRequest, page_id: int, block_id: str) -> HttpResponse:
    """Mark a quiz on the server and show the lesson again with the feedback."""
    from .blocks import QuizBlock
    from .quiz import parse_answers

    lesson = _visible_page(LessonPage, request, page_id)
    block = next(
        (b for b in lesson.body if b.id == block_id and isinstance(b.block, QuizBlock)), None
    )
    if block is None:
        raise Http404
    try:
        submission_key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        messages.error(request, _("The form was out of date. Please answer again."))
        return redirect(f"{lesson.url}#quiz-{block_id}")
    try:
        services.quiz_attempt_submit(
            actor=request.user,
            lesson=lesson,
            activity_key=block_id,
            answers=parse_answers(request.POST, len(block.value["questions"])),
            submission_key=submission_key,
        )
    except services.CourseError as error:
        messages.error(request, str(error))
    return redirect(f"{lesson.url}#quiz-{block_id}")


@require_POST
def lesson_time(request: HttpRequest, page_id: int) -> HttpResponse:
    """The lesson page reports active time while the learner works: ``id`` (a UUID the
    page makes for each report, so a report sent again counts once) and ``seconds``.
    Answers 204 when the report is kept (or was already), 4xx with a reason otherwise."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "sign in"}, status=401)
    lesson = _visible_page(LessonPage, request, page_id)
    try:
        seconds = int(request.POST.get("seconds", "0"))
        report_id = uuid.UUID(request.POST.get("id", ""))
    except ValueError:
        return JsonResponse({"error": "id must be a UUID and seconds a whole number"}, status=400)
    try:
        services.lesson_time_record(
            actor=request.user, lesson=lesson, seconds=seconds, report_id=report_id
        )
    except services.CourseError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return HttpResponse(status=204)
