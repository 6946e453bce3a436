"""Production: everything from the environment (read in ``base``; this module only
chooses values); refuses to start without a secret key."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    PRODUCTION_SECURE_HSTS_INCLUDE_SUBDOMAINS,
    PRODUCTION_SECURE_HSTS_PRELOAD,
    PRODUCTION_SECURE_HSTS_SECONDS,
    PRODUCTION_SECURE_SSL_REDIRECT,
    QADAM_BASE_URL,
    SECRET_KEY,
)

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 random characters).")

DEBUG = False
QADAM_DEMO_ALLOWED = False

SECURE_SSL_REDIRECT = PRODUCTION_SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = PRODUCTION_SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION_SECURE_HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = PRODUCTION_SECURE_HSTS_PRELOAD
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Host-only, Secure, Path=/ cookies: no subdomain or plain-HTTP page can set or replace
# them. The language cookie only ever travels over HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
# Staff who see people or publish always pass a second factor here (docs/decisions/0045).
QADAM_MFA_REQUIRED = True
# Passkeys belong to the site's own host (the relying party) and origin.
OTP_WEBAUTHN_RP_ID = urlsplit(QADAM_BASE_URL).hostname or ""
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"{urlsplit(QADAM_BASE_URL).scheme}://{urlsplit(QADAM_BASE_URL).netloc}"
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},  # noqa: F405
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media on an S3-compatible store (MEDIA_STORAGE=s3, optional dependency django-storages):
# public media in one bucket, certificate PDFs in a private one; both served through
# signed, expiring URLs or our own views, never listed.
if MEDIA_STORAGE == "s3":  # noqa: F405
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": AWS_STORAGE_BUCKET_NAME},  # noqa: F405
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_STORAGE_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME,  # noqa: F405
            "location": "private",
            "querystring_auth": True,
        },
    }

SILENCED_SYSTEM_CHECKS = [
    # Same-origin framing is needed: Wagtail's preview and the H5P player frame our own
    # pages. Other origins are refused by X-Frame-Options and CSP frame-ancestors.
    "security.W019",
    # Installations live on prison intranets under internal host names that cannot go on
    # the browsers' public HSTS preload list; HSTS itself is on (SECURE_HSTS_SECONDS).
    "security.W021",
]
