"""Guidelines' URL sets, mounted by ``lms/urls.py`` under the namespace ``guidelines``:
``learner_urls`` (staff acknowledging a guideline, at ``learn/guidelines/``) and
``management_urls`` (who has read what, at ``manage/guidelines/``). The guideline pages
themselves are Wagtail pages, served by the page tree."""

from django.urls import path

from . import views

learner_urls = [
    path("<int:page_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]

management_urls = [
    path("", views.report_index, name="report_index"),
    path("<int:page_id>/", views.report, name="report"),
]
