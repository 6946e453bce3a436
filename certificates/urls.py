from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("learn/certificates/", views.my_certificates, name="mine"),
    path(
        "learn/certificates/<uuid:public_id>/download/",
        views.certificate_download,
        name="download",
    ),
    path(
        "learn/certificates/<uuid:public_id>/credential/",
        views.credential_download,
        name="credential",
    ),
    path(
        "learn/certificates/<uuid:public_id>/privacy/",
        views.certificate_privacy,
        name="privacy",
    ),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/credential/", views.verify_credential, name="verify_credential"),
    path("credentials/status/revocation/", views.status_list, name="status_list"),
    path(
        "credentials/status/<slug:key>/revocation/",
        views.status_list_of_key,
        name="status_list_key",
    ),
    path(".well-known/did.json", views.did_document, name="did_web"),
    path("credentials/contexts/<str:name>", views.json_ld_context, name="context"),
    path("manage/certificates/", views.manage_certificates, name="manage_list"),
    path("manage/certificates/renewals/", views.manage_renewals, name="manage_renewals"),
    path(
        "manage/certificates/<uuid:public_id>/",
        views.manage_certificate,
        name="manage_certificate",
    ),
    path(
        "manage/learners/<uuid:public_id>/certificates/issue/",
        views.manage_issue,
        name="manage_issue",
    ),
]
