"""Mandatory training's URL sets, mounted by ``lms/urls.py`` under the namespace
``training``: ``learner_urls`` (a staff member's own training, at ``learn/training/``) and
``management_urls`` (compliance per facility, requests, pauses, prisoners' course
targets, the people import, at
``manage/training/``)."""

from django.urls import path

from . import views

learner_urls = [
    path("", views.my_training, name="mine"),
    path("<int:assignment_id>/ask/", views.request_create, name="ask"),
    path("reminders/", views.reminders_set, name="reminders"),
]

management_urls = [
    path("", views.compliance_index, name="compliance_index"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:request_id>/", views.request_decide, name="decide"),
    path("pauses/", views.pauses, name="pauses"),
    path("targets/", views.course_targets, name="targets"),
    path("pauses/<int:pause_id>/end/", views.pause_end, name="pause_end"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:import_id>/", views.import_preview, name="import_preview"),
    path("<slug:facility_code>/", views.compliance, name="compliance"),
    path("<slug:facility_code>/<int:requirement_id>/", views.compliance_people, name="people"),
]
