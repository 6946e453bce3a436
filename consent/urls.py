"""Consent's URL sets, mounted by ``lms/urls.py``: ``learner_urls`` (a learner's own
consents: history, agree, stop; namespace ``consent``, at ``learn/consent/``) and
``management_urls`` (an officer reading a learner's consent history; namespace
``consent_manage``, at ``manage/consent/``)."""

from django.urls import path

from . import views

learner_urls = [
    path("", views.my_history, name="mine"),
    path("<int:page_id>/agree/", views.give, name="give"),
    path("<int:page_id>/stop/", views.withdraw, name="withdraw"),
]

management_urls = [
    path("<uuid:public_id>/", views.manage_history, name="history"),
]
