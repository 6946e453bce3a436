"""Courses' URL sets, mounted by ``lms/urls.py``: ``learner_urls`` (the learning home,
search, enrolment, lesson progress and quizzes; namespace ``learning``, at ``learn/``)
and ``management_urls`` (officers' learner list and learner page; namespace ``manage``,
at ``manage/``). Course and lesson pages themselves are served by the page tree."""

from django.urls import path

from . import search, views

learner_urls = [
    path("", views.learning_home, name="home"),
    path("search/", search.search, name="search"),
    path("courses/<int:page_id>/enrol/", views.course_enrol, name="enrol"),
    path("lessons/<int:page_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<int:page_id>/time/", views.lesson_time, name="lesson_time"),
    path("lessons/<int:page_id>/quiz/<str:block_id>/", views.quiz_submit, name="quiz_submit"),
]

management_urls = [
    path("learners/", views.manage_learners, name="learners"),
    path("learners/enrol/", views.manage_bulk_enrol, name="bulk_enrol"),
    path("learners/<uuid:public_id>/", views.manage_learner, name="learner"),
    path(
        "learners/<uuid:public_id>/enrolments/<uuid:enrolment_id>/target/",
        views.manage_enrolment_target,
        name="enrolment_target",
    ),
]
