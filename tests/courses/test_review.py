"""Review before publishing: a faith-based course needs both approvals; staff content its
own; other areas are published by trainers directly."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import CoursePage
from courses.review import LEGAL_REVIEWERS, STAFF_APPROVERS, THEOLOGICAL_REVIEWERS
from lms.core.models import User
from tests import factories
from tests.kiosk_client import sign_in

pytestmark = pytest.mark.django_db


def person(group=None):
    user = factories.UserFactory(role=User.Role.TRAINER, facility=None)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def course_form(action, **extra):
    return factories.course_admin_form(
        action=action,
        title="Understanding the Quran on peace",
        slug="peace",
        requires_consent="on",
        **extra,
    )


def add_course(client, area, action):
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", area.pk])
    return client.post(url, course_form(action))


def approve(client, user, course):
    sign_in(client, user)
    state = course.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.pk])
    response = client.post(url, {"comment": "Approved"})
    assert response.status_code in (200, 302), response.content[:500]


def test_a_trainer_cannot_publish_a_faith_based_course_without_both_approvals(client):
    area = factories.programme_area("faith_based")
    trainer = person()
    client.force_login(trainer)
    add_course(client, area, "action-publish")  # no publish right here: at most a draft
    course = CoursePage.objects.get(slug="peace")
    assert not course.live

    client.post(reverse("wagtailadmin_pages:edit", args=[course.pk]), course_form("action-submit"))
    course.refresh_from_db()
    assert course.current_workflow_task.name == "Theological review"

    lawyer = person(LEGAL_REVIEWERS)
    sign_in(client, lawyer)  # the legal reviewer cannot take the theological step
    state = course.current_workflow_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.pk]),
        {"comment": "x"},
    )
    course.refresh_from_db()
    assert course.current_workflow_task.name == "Theological review" and not course.live

    approve(client, person(THEOLOGICAL_REVIEWERS), course)
    course.refresh_from_db()
    assert not course.live
    assert course.current_workflow_task.name == "Human-rights and legal review"

    approve(client, lawyer, course)
    course.refresh_from_db()
    assert course.live


def test_staff_courses_need_a_staff_content_approver(client):
    area = factories.programme_area("staff_training")
    sign_in(client, person())
    add_course(client, area, "action-submit")
    course = CoursePage.objects.get(slug="peace")
    assert not course.live and course.current_workflow_task.name == "Staff content approval"
    approve(client, person(STAFF_APPROVERS), course)
    course.refresh_from_db()
    assert course.live


def test_trainers_publish_vocational_courses_directly(client):
    area = factories.programme_area("vocational")
    sign_in(client, person())
    add_course(client, area, "action-publish")
    assert CoursePage.objects.get(slug="peace").live
