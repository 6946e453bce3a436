"""The employability record's URL sets, mounted by ``lms/urls.py`` under the namespace
``employability``: ``learner_urls`` (a prisoner's own record, at ``learn/record/``) and
``management_urls`` (an officer's view and export of a learner's record, at
``manage/record/``)."""

from django.urls import path

from . import views

learner_urls = [
    path("", views.my_record, name="mine"),
]

management_urls = [
    path("<uuid:public_id>/", views.manage_record, name="manage"),
    path("<uuid:public_id>/export/", views.manage_export, name="export"),
]
