"""Certificates' URL sets, mounted by ``lms/urls.py`` under the namespace
``certificates``: ``learner_urls`` (a learner's own certificates, at
``learn/certificates/``), ``public_urls`` (verification for anyone holding a printed QR
code, at ``verify/``), ``credential_urls`` (the revocation status list and JSON-LD
contexts that verifiers fetch, at ``credentials/``; the ``did:web`` document in
``well_known_urls``, at ``.well-known/``) and ``management_urls`` (officers'
lists and actions, at ``manage/``)."""

from django.urls import path

from . import views

learner_urls = [
    path("", views.my_certificates, name="mine"),
    path("<uuid:public_id>/download/", views.certificate_download, name="download"),
    path("<uuid:public_id>/credential/", views.credential_download, name="credential"),
    path("<uuid:public_id>/privacy/", views.certificate_privacy, name="privacy"),
]

public_urls = [
    path("", views.verify_form, name="verify_form"),
    path("<str:code>/", views.verify, name="verify"),
    path("<str:code>/credential/", views.verify_credential, name="verify_credential"),
]

credential_urls = [
    path("status/revocation/", views.status_list, name="status_list"),
    path("status/<slug:key>/revocation/", views.status_list_of_key, name="status_list_key"),
    path("contexts/<str:name>", views.json_ld_context, name="context"),
]

# The installation's did:web document (at ``.well-known/``).
well_known_urls = [
    path("did.json", views.did_document, name="did_web"),
]

management_urls = [
    path("certificates/", views.manage_certificates, name="manage_list"),
    path("certificates/renewals/", views.manage_renewals, name="manage_renewals"),
    path("certificates/<uuid:public_id>/", views.manage_certificate, name="manage_certificate"),
    path(
        "learners/<uuid:public_id>/certificates/issue/",
        views.manage_issue,
        name="manage_issue",
    ),
]
