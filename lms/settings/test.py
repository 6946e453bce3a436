"""The test suite. Embedded defaults unless DATABASE_URL / CELERY_BROKER_URL say otherwise
(read in ``base``, like every environment variable; this module only chooses values)."""

from .base import *  # noqa: F403
from .base import (
    CELERY_BROKER_URL_FROM_ENV,
    DATABASES,
    EMAIL_BACKEND_FROM_ENV,
    QADAM_TEST_DB,
    VAR_DIR,
)

SECRET_KEY = "test-only-key-qadam-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_DIR = VAR_DIR / "test"
TEST_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT = TEST_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = TEST_DIR / "media"
PRIVATE_MEDIA_ROOT = TEST_DIR / "private"
H5P_ROOT = TEST_DIR / "h5p"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: integration tests start a Celery worker process that must see
    # the same test database.
    DATABASES["default"]["TEST"] = {"NAME": QADAM_TEST_DB or str(TEST_DIR / "test-qadam.sqlite3")}

CELERY_BROKER_URL = (
    CELERY_BROKER_URL_FROM_ENV or f"sqla+sqlite:///{TEST_DIR / 'celery-broker.sqlite3'}"
)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {} if CELERY_BROKER_URL.startswith("sqla+") else {"visibility_timeout": 3600}
)

# Issuer keys of the test run live under var/test, never in the real key dir.
CREDENTIAL_KEY_DIR = TEST_DIR / "keys"

# Mail stays in memory (pytest-django's outbox), or goes to a backend a test's worker
# process names (tests/training/test_killed_worker.py).
EMAIL_BACKEND = EMAIL_BACKEND_FROM_ENV or "django.core.mail.backends.locmem.EmailBackend"

# Staff sign-in (docs/decisions/0045): tests of the second factor switch it on themselves.
QADAM_MFA_REQUIRED = False
