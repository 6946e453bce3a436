from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from consent.urls import manage_patterns as consent_manage_patterns
from courses.media_views import AudienceImageServeView, document_serve, media_file
from courses.urls import learning_patterns, manage_patterns
from kiosk.urls import kiosk_patterns
from kiosk.urls import manage_patterns as kiosk_manage_patterns
from lms.core import serving
from lms.core.health import healthz
from lms.core.urls import account_urls

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Wagtail's own document view, with Range requests answered; it comes first and so
    # shadows the same pattern in wagtaildocs_urls (whose other views stay as they are).
    re_path(r"^documents/(\d+)/(.*)$", document_serve, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(account_urls)),
    path("learn/", include(learning_patterns)),
    path("manage/", include(manage_patterns)),
    path("", include("certificates.urls")),
    path("", include("guidelines.urls")),
    path("h5p/", include("h5p.urls")),  # H5P player files and endpoints (issue 4)
    # Kiosks and consent (issue 5)
    path("kiosk/", include(kiosk_patterns)),
    path("manage/kiosk/", include(kiosk_manage_patterns)),
    path("learn/consent/", include("consent.urls")),
    path("manage/consent/", include(consent_manage_patterns)),
    path("", include("employability.urls")),
    path("", include("training.urls")),  # mandatory training: /learn/training/, /manage/training/
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
