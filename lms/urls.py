from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates import urls as certificates_urls
from consent import urls as consent_urls
from courses import urls as courses_urls
from courses.media_views import AudienceImageServeView, document_serve, media_file
from employability import urls as employability_urls
from guidelines import urls as guidelines_urls
from kiosk import urls as kiosk_urls
from lms.core import serving
from lms.core.health import healthz
from lms.core.language import set_language
from lms.core.urls import account_urls
from reports import urls as reports_urls
from training import urls as training_urls

# Every app's URL sets, each under its own prefix: learner pages under learn/, officers'
# pages under manage/, public ones under their own names. A namespace is one include, so
# an app whose sets sit under several prefixes gets one include at "" that lists them.
urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Wagtail's own document view, with Range requests answered; it comes first and so
    # shadows the same pattern in wagtaildocs_urls (whose other views stay as they are).
    re_path(r"^documents/(\d+)/(.*)$", document_serve, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    # Staff sign-in (prisoners sign in on kiosks)
    path("accounts/", include(account_urls)),
    # Courses: the learning home, enrolment, progress; officers' learner pages
    path("learn/", include((courses_urls.learner_urls, "learning"))),
    path("manage/", include((courses_urls.management_urls, "manage"))),
    # Certificates: a learner's own, public verification (the QR code printed on every
    # certificate is /verify/<code>/), what verifiers fetch, officers' lists and actions
    path(
        "",
        include(
            (
                [
                    path("learn/certificates/", include(certificates_urls.learner_urls)),
                    path("verify/", include(certificates_urls.public_urls)),
                    path("credentials/", include(certificates_urls.credential_urls)),
                    path(".well-known/", include(certificates_urls.well_known_urls)),
                    path("manage/", include(certificates_urls.management_urls)),
                ],
                "certificates",
            )
        ),
    ),
    # Guidelines: staff acknowledging one; who has read what
    path(
        "",
        include(
            (
                [
                    path("learn/guidelines/", include(guidelines_urls.learner_urls)),
                    path("manage/guidelines/", include(guidelines_urls.management_urls)),
                ],
                "guidelines",
            )
        ),
    ),
    # H5P player files and the xAPI/state endpoints of lesson activities
    path("h5p/", include("h5p.urls")),
    # Kiosks: what a kiosk shows; officers setting a prisoner's PIN
    path("kiosk/", include((kiosk_urls.learner_urls, "kiosk"))),
    path("manage/kiosk/", include((kiosk_urls.management_urls, "kiosk_manage"))),
    # Consent: a learner's own consents; an officer reading a learner's history
    path("learn/consent/", include((consent_urls.learner_urls, "consent"))),
    path("manage/consent/", include((consent_urls.management_urls, "consent_manage"))),
    # The employability record: a prisoner's own; an officer's view and export
    path(
        "",
        include(
            (
                [
                    path("learn/record/", include(employability_urls.learner_urls)),
                    path("manage/record/", include(employability_urls.management_urls)),
                ],
                "employability",
            )
        ),
    ),
    # Mandatory training: a staff member's own; compliance, requests and the people import
    path(
        "",
        include(
            (
                [
                    path("learn/training/", include(training_urls.learner_urls)),
                    path("manage/training/", include(training_urls.management_urls)),
                ],
                "training",
            )
        ),
    ),
    # Reports: figures per facility and month for monitors, officers and administrators
    path("manage/reports/", include((reports_urls.management_urls, "reports"))),
]

# Media is never served as plain files: images through the audience-checked image view,
# documents through Wagtail's document view (audience hook), the rest to authors only.
urlpatterns += [
    re_path(
        r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$",
        AudienceImageServeView.as_view(),
        name="wagtailimages_serve",
    ),
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media_file, name="media_file"),
]

# Learning content, one tree per language: /kk/..., /ru/..., /en/... Pages are served by
# Wagtail's rules with remembered routes (lms.core.serving); Wagtail's other front-end
# URLs (password-protected pages, its login) stay as Wagtail has them.
urlpatterns += i18n_patterns(
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serving.serve, name="wagtail_serve"),
)

handler400 = "lms.core.bad_input.bad_request"
