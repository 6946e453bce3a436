"""Settings shared by every environment.

Every setting Qadam uses is declared here, and every environment variable is read here
(the README lists them). ``dev``, ``test`` and ``production`` only change defaults.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from lms.core.email_url import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("QADAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool | None) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# DEBUG as the environment sets it (None: not set); each settings module picks its
# default: dev on, test and production off (production ignores it).
DEBUG_FROM_ENV = env_bool("DEBUG", None)
DEBUG = bool(DEBUG_FROM_ENV)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Public base URL, used where a link leaves the request (the QR code on a certificate).
QADAM_BASE_URL = os.environ.get("QADAM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
QADAM_SITE_NAME = os.environ.get("QADAM_SITE_NAME", "Qadam")
# Demo content (``seed_demo``) is refused where this is False (production).
QADAM_DEMO_ALLOWED = True

INSTALLED_APPS = [
    # The core: people and roles, facilities and units, transfers, the audit trail
    "lms.core",
    # Learning: courses and lessons, enrolments and progress
    "courses",
    # Records: certificates and verifiable credentials; the employability record
    "certificates",
    "employability",
    # Staff content and activities: methodological guidelines, H5P activities
    "guidelines",
    "h5p",
    # Prisoners on shared devices: kiosk sign-in and sessions; consent to voluntary
    # programmes
    "kiosk",
    "consent",
    # Operations and trying it out: backups and restores; demo content (seed_demo)
    "lms.ops",
    "demo",
    # Wagtail: pages, documents, images, search, translations and its admin
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.core.users_apps.QadamUsersConfig",  # wagtail.users with our edit form
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Background work: Wagtail's own task queue; Celery beat's schedule in the database
    "django_tasks",
    "django_celery_beat",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
]
# Widget templates go through TEMPLATES, so themes/ can override Wagtail's (the admin's
# date pickers, without inline scripts).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # Security headers, static files and the content security policy, before any view
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.core.middleware.CSPMiddleware",  # django-csp's, the site policy built once
    # The session, then the language of the request (which may come from the session)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.core.middleware.LocaleMiddleware",
    "lms.core.bad_input.RefuseNulMiddleware",  # after the locale: the 400 is translated
    # Django's request basics: trailing slashes, CSRF, the signed-in user, messages, framing
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Wagtail: redirects set up by editors
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Kiosks: a kiosk's rules (device, idle timeout, who may stay signed in); needs the
    # session and the user, so it comes last
    "kiosk.middleware.KioskMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "learning:home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.core.context_processors.site",
                "kiosk.context_processors.kiosk",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode under var/. DATABASE_URL switches to PostgreSQL.

SQLITE_OPTIONS = {
    # WAL lets the web server read while the Celery worker writes; IMMEDIATE transactions
    # take the write lock up front, so two writers queue instead of failing with "locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qadam.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The test run's SQLite database file (empty: var/test/test-qadam.sqlite3); lets two
# test runs on one machine use a file each.
QADAM_TEST_DB = os.environ.get("QADAM_TEST_DB", "")

# What each web process keeps in memory of published content (routes, pages, course
# lessons, rendered lesson bodies), per content version: at most this many entries,
# least recently used first out. See lms/core/serving.py and docs/decisions/0043.
QADAM_MEMO_ENTRIES = int(os.environ.get("QADAM_MEMO_ENTRIES", "5000"))
# What each web process keeps of the people and kiosks signed-in requests load, per access
# version (replaced by every change to who may be signed in): at most this many rows.
# See lms/core/access_memo.py and docs/decisions/0046.
QADAM_ACCESS_MEMO_ENTRIES = int(os.environ.get("QADAM_ACCESS_MEMO_ENTRIES", "5000"))

# --- Passwords and sessions -------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Languages --------------------------------------------------------------------------

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "themes" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files that must never be served by URL (certificate PDFs): read only through views
# that check who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Wagtail ----------------------------------------------------------------------------

WAGTAIL_SITE_NAME = QADAM_SITE_NAME
WAGTAILADMIN_BASE_URL = QADAM_BASE_URL
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents: office files and PDFs; the lesson media (video, audio, WebVTT captions) are
# documents too, so that they are served through the audience-checked document view.
WAGTAILDOCS_EXTENSIONS = [
    *["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "txt"],
    *["mp4", "webm", "mp3", "ogg", "oga", "m4a", "wav", "vtt"],
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("WAGTAILDOCS_MAX_UPLOAD_MB", "500")) * 1024 * 1024
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain", "text/vtt"]
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Course archives (courses.archive): limits on what one archive may unpack to.
COURSE_ARCHIVE_MAX_ENTRIES = int(os.environ.get("COURSE_ARCHIVE_MAX_ENTRIES", "2000"))
COURSE_ARCHIVE_MAX_TOTAL_BYTES = int(
    os.environ.get("COURSE_ARCHIVE_MAX_TOTAL_BYTES", str(2 * 1024**3))
)
COURSE_ARCHIVE_MAX_RATIO = int(os.environ.get("COURSE_ARCHIVE_MAX_RATIO", "100"))
COURSE_ARCHIVE_MAX_JSON_BYTES = int(
    os.environ.get("COURSE_ARCHIVE_MAX_JSON_BYTES", str(50 * 1024 * 1024))
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_FINDERS: list[dict] = []  # no oEmbed: the server never calls out
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no outbound network from the server
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # nor from the browser
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Review workflows (courses/review.py): the last approval publishes.
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflow_actions.publish_when_approved"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Wagtail 8 queues its own background work (search index, reference index) through
# django-tasks. Immediate: the work runs in the request, so nothing needs a second worker
# type; see docs/decisions/0003-background-work.md.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- Celery -----------------------------------------------------------------------------
# Embedded default: kombu's SQLAlchemy transport on a SQLite file (no server). Redis or
# RabbitMQ by CELERY_BROKER_URL. See docs/decisions/0002-embedded-broker.md.

# The broker the environment names (empty: the embedded one; the test run keeps its own
# embedded broker under var/test).
CELERY_BROKER_URL_FROM_ENV = os.environ.get("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = (
    CELERY_BROKER_URL_FROM_ENV or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, not before
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged task to another worker after the visibility timeout: it
# must be longer than the longest task. (The SQLAlchemy transport passes its options to
# create_engine, so it gets none.)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {} if CELERY_BROKER_URL.startswith("sqla+") else {"visibility_timeout": 3600}
)
CELERY_TASK_ROUTES = {"certificates.tasks.*": {"queue": "certificates"}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Certificates -----------------------------------------------------------------------

CERTIFICATE_PROVIDER_NAME = os.environ.get("CERTIFICATE_PROVIDER_NAME", "Qadam Training Centre")
CERTIFICATE_RENDER_TIMEOUT = int(os.environ.get("CERTIFICATE_RENDER_TIMEOUT", "60"))

# --- Certificates: credentials, verification, render limits ----------------------------
# See docs/decisions/0030-0032. Private issuer keys live in files here (mode 0600), never
# in the database; `manage.py credential_key generate|rotate` manages them.
CREDENTIAL_KEY_DIR = Path(os.environ.get("CREDENTIAL_KEY_DIR", VAR_DIR / "keys"))
# Seconds a served revocation status list stays valid (validUntil): a saved copy older
# than this is refused by verifiers, which fetch the list again.
CREDENTIAL_STATUS_LIST_TTL = int(os.environ.get("CREDENTIAL_STATUS_LIST_TTL", "3600"))
# The verify page prints the holder's full name ("full") or initials ("initials").
CERTIFICATE_VERIFY_NAME = os.environ.get("CERTIFICATE_VERIFY_NAME", "full")
# Verification lookups per client IP per minute, counted in the cache named here.
VERIFY_RATE_LIMIT = int(os.environ.get("VERIFY_RATE_LIMIT", "30"))
VERIFY_RATE_LIMIT_CACHE = os.environ.get("VERIFY_RATE_LIMIT_CACHE", "default")
# A certificate worker process is replaced after it grows past this many KiB (WeasyPrint
# memory guard; Celery's worker_max_memory_per_child), and a render is refused past
# CERTIFICATE_RENDER_MAX_PAGES pages (a certificate is one A4 sheet; text that overflows
# it would otherwise print cut off).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(
    os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(400 * 1024))
)
CERTIFICATE_RENDER_MAX_PAGES = 1
# A shared cache for several web processes (rate limits must be counted in one place):
# CACHE_URL=redis://host:6379/1. Unset: Django's per-process LocMem cache.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
    }
# Sessions: in the database; with a shared cache, read from the cache and written to both
# (``cached_db``: a signed-in page costs no session query). Never ``cached_db`` on the
# per-process LocMem cache: a sign-out in one process would not reach the others.
SESSION_ENGINE = os.environ.get(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db",
)

# --- Security ---------------------------------------------------------------------------

# HTTPS hardening: read here, applied only by lms.settings.production (dev and test
# serve plain HTTP). The defaults are production's.
PRODUCTION_SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
PRODUCTION_SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
PRODUCTION_SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
PRODUCTION_SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
CSRF_COOKIE_HTTPONLY = False
# Nothing is loaded from another origin; inline styles are allowed for the Wagtail admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- H5P --------------------------------------------------------------------------------
# Libraries and content unpacked from uploaded packages; served only through h5p.views.
H5P_ROOT = Path(os.environ.get("H5P_ROOT", VAR_DIR / "h5p"))
# Limits on what one package may unpack to (counted in bytes actually decompressed), by
# default Lumi's: 16 MiB a file, 64 MiB in all (video belongs in Wagtail documents).
H5P_MAX_ENTRIES = int(os.environ.get("H5P_MAX_ENTRIES", "10000"))
H5P_MAX_TOTAL_BYTES = int(os.environ.get("H5P_MAX_TOTAL_BYTES", str(64 * 1024 * 1024)))
H5P_MAX_FILE_BYTES = int(os.environ.get("H5P_MAX_FILE_BYTES", str(16 * 1024 * 1024)))
# A file over 1 MiB unpacked that is compressed more than this many times is refused.
H5P_MAX_COMPRESSION_RATIO = int(os.environ.get("H5P_MAX_COMPRESSION_RATIO", "100"))
# What one trainer's H5P activities may take in all (content, not shared libraries; 0: no
# limit). Administrators are not limited.
H5P_QUOTA_BYTES = int(os.environ.get("H5P_QUOTA_BYTES", str(512 * 1024 * 1024)))
# How often the player saves a learner's answers so far (seconds).
H5P_SAVE_SECONDS = int(os.environ.get("H5P_SAVE_SECONDS", "10"))
# How long a lesson view's H5P grant is good for (its frame's files, its statements).
H5P_VIEW_SECONDS = int(os.environ.get("H5P_VIEW_SECONDS", str(12 * 60 * 60)))
H5P_MAX_UPLOAD_BYTES = int(os.environ.get("H5P_MAX_UPLOAD_BYTES", str(64 * 1024 * 1024)))
# Optional: forward every stored xAPI statement to a Learning Record Store (empty: off).
H5P_LRS_ENDPOINT = os.environ.get("H5P_LRS_ENDPOINT", "")
H5P_LRS_USERNAME = os.environ.get("H5P_LRS_USERNAME", "")
H5P_LRS_PASSWORD = os.environ.get("H5P_LRS_PASSWORD", "")
H5P_LRS_TIMEOUT = int(os.environ.get("H5P_LRS_TIMEOUT", "10"))
# Statements the LRS does not have yet this many seconds after they were stored are sent
# again by the sweep (every H5P_LRS_SWEEP_EVERY seconds, a batch at a time): an LRS down
# for a weekend loses nothing.
H5P_LRS_SWEEP_AFTER = int(os.environ.get("H5P_LRS_SWEEP_AFTER", "900"))
H5P_LRS_SWEEP_BATCH = int(os.environ.get("H5P_LRS_SWEEP_BATCH", "500"))
# --- Kiosks and consent -----------------------------------------------------------------
# See docs/kiosk.md and docs/decisions/0020-kiosk-sign-in-and-sessions.md.

KIOSK_DEVICE_COOKIE = "qadam_kiosk"
KIOSK_DEVICE_COOKIE_AGE = 10 * 365 * 24 * 60 * 60
KIOSK_REGISTRATION_CODE_HOURS = int(os.environ.get("KIOSK_REGISTRATION_CODE_HOURS", "24"))
# Idle timeout (counted from real activity only), the countdown before it, and the
# absolute cap of one kiosk session, in seconds.
KIOSK_IDLE_SECONDS = int(os.environ.get("KIOSK_IDLE_SECONDS", "300"))
KIOSK_IDLE_WARNING_SECONDS = int(os.environ.get("KIOSK_IDLE_WARNING_SECONDS", "30"))
KIOSK_SESSION_MAX_SECONDS = int(os.environ.get("KIOSK_SESSION_MAX_SECONDS", "3600"))
KIOSK_PIN_MIN_LENGTH = 4
KIOSK_PIN_MAX_LENGTH = 8
# Lockout: this many wrong tries within the window lock a prisoner number, or a kiosk.
KIOSK_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("KIOSK_LOCKOUT_ACCOUNT_FAILURES", "5"))
KIOSK_LOCKOUT_DEVICE_FAILURES = int(os.environ.get("KIOSK_LOCKOUT_DEVICE_FAILURES", "20"))
KIOSK_LOCKOUT_MINUTES = int(os.environ.get("KIOSK_LOCKOUT_MINUTES", "15"))
# Failed sign-ins (the prisoner numbers typed) are kept this many days, then deleted by
# beat (kiosk.tasks.sign_in_failures_purge_task, every KIOSK_FAILURE_PURGE_EVERY seconds)
# or `manage.py kiosk_purge_failures`. Must outlast the lockout window (check kiosk.E001).
KIOSK_FAILURE_RETENTION_DAYS = int(os.environ.get("KIOSK_FAILURE_RETENTION_DAYS", "30"))


# --- Production footing: beat, the certificate sweeper, media store ---------------------
# See docs/deploy.md and docs/decisions/0040-production-footing.md.

# Celery beat keeps its schedule in the database (django-celery-beat), so a restarted or
# moved beat carries on; the entries below are written into it when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "certificates-sweep": {
        "task": "certificates.tasks.certificate_sweep_task",
        "schedule": float(os.environ.get("CERTIFICATE_SWEEP_EVERY", "300")),
    },
    "kiosk-failures-purge": {
        "task": "kiosk.tasks.sign_in_failures_purge_task",
        "schedule": float(os.environ.get("KIOSK_FAILURE_PURGE_EVERY", str(24 * 60 * 60))),
    },
    "h5p-lrs-sweep": {
        "task": "h5p.tasks.xapi_forward_sweep_task",
        "schedule": float(os.environ.get("H5P_LRS_SWEEP_EVERY", "600")),
    },
    "time-reports-purge": {
        "task": "courses.tasks.time_reports_purge_task",
        "schedule": 24 * 60 * 60.0,
    },
}
# Raw lesson time reports (the log behind the time spent in each lesson) are kept this
# many days, then purged daily; the time they credited stays in the summary rows.
LESSON_TIME_REPORT_DAYS = int(os.environ.get("LESSON_TIME_REPORT_DAYS", "7"))
# A certificate still pending, rendering or failed this long after it was created is
# enqueued again by the sweeper; longer than the render time limit, so a live render is
# not doubled. After CERTIFICATE_MAX_ATTEMPTS tries it stays failed for a person to see.
CERTIFICATE_SWEEP_AFTER = int(os.environ.get("CERTIFICATE_SWEEP_AFTER", "900"))
CERTIFICATE_MAX_ATTEMPTS = int(os.environ.get("CERTIFICATE_MAX_ATTEMPTS", "10"))
CERTIFICATE_SWEEP_BATCH = int(os.environ.get("CERTIFICATE_SWEEP_BATCH", "500"))

# Media (uploads) on the local disk, or on an S3-compatible store with MEDIA_STORAGE=s3
# (needs the optional dependency: pip install 'qadam[s3]'). Private media (certificate
# PDFs) stay where PRIVATE_MEDIA_ROOT says, or in a private bucket with MEDIA_STORAGE=s3.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "disk")
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_PRIVATE_STORAGE_BUCKET_NAME = os.environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID", "")
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True  # signed, expiring links; buckets stay private
AWS_S3_FILE_OVERWRITE = False


# --- Sign-in and sessions (issue 11) ----------------------------------------------------
# See docs/decisions/0020 (prisoners, kiosks) and 0045 (staff sign-in).

# Password sign-in is for staff only; prisoners are signed in by the kiosk (PIN, device).
# Axes first: it counts failures and refuses a locked account or address before any
# password is checked, on every view that calls ``authenticate``.
AUTHENTICATION_BACKENDS = [
    "lms.core.backends.LockoutBackend",  # django-axes
    "lms.core.backends.StaffPasswordBackend",
    "lms.core.backends.KioskBackend",
]
INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "lms.core.middleware.OTPMiddleware",  # django-otp's, the device kept (0046)
)
MIDDLEWARE += [
    "lms.core.staff_sessions.StaffSessionMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Lockout (django-axes): this many failed sign-ins for one username, or from one address,
# lock it for AXES_COOLOFF_MINUTES; a good sign-in resets the account's count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours, as django-axes counts
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lms.core.signin.locked_out"
# The client's address (lockouts by address, audit rows, session records, rate limits):
# lms.core.addresses.client_address, which reads X-Forwarded-For only behind this many
# trusted reverse proxies (0: the header is ignored; 1 behind nginx, docs/deploy.md).
QADAM_TRUSTED_PROXY_COUNT = int(os.environ.get("QADAM_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lms.core.addresses.client_address"
AXES_VERBOSE = False

# Staff web sessions end after this many seconds without a request made by the person
# (polls a page makes on its own do not count). Kiosks have their own (KIOSK_*).
STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_SECONDS", str(30 * 60)))
# ... and at the latest this many seconds after sign-in, however active (the session
# store's own expiry moves forward with every activity stamp, so it is no limit).
STAFF_SESSION_MAX_SECONDS = int(
    os.environ.get("STAFF_SESSION_MAX_SECONDS", str(SESSION_COOKIE_AGE))
)

# Second factor (django-otp: TOTP apps, one-time recovery codes) for the staff roles that
# see people or publish content. Monitors only with QADAM_MFA_MONITORS. Production always
# enforces it (lms/settings/production.py); dev and tests switch it on where they test it.
QADAM_MFA_REQUIRED = env_bool("QADAM_MFA_REQUIRED", True)
QADAM_MFA_FROM_ENV = os.environ.get("QADAM_MFA_REQUIRED")  # dev: off unless set
QADAM_MFA_MONITORS = env_bool("QADAM_MFA_MONITORS", False)
QADAM_MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = QADAM_SITE_NAME
# Passkeys (WebAuthn, django-otp-webauthn) as the second factor, never instead of the
# password. The relying party is this site: the host of QADAM_BASE_URL in production
# (lms/settings/production.py); "localhost" here (a WebAuthn relying party is a domain,
# never an address like 127.0.0.1), so dev and tests open the site on localhost.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = QADAM_SITE_NAME
OTP_WEBAUTHN_RP_ID = "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]

# E-mail, the one configuration for every mail (password reset, training reminders and
# digests): EMAIL_URL, e.g. smtp+tls://user:password@mail.example:587 (STARTTLS) or
# smtp+ssl://user:password@mail.example:465 (implicit TLS); lms.core.email_url lists the
# schemes and refuses any other. Unset: mails are written to the console (development);
# production refuses to pass `check --deploy` without it (lms.core.checks). EMAIL_TIMEOUT
# keeps a worker from waiting for ever on a mail server; a `?timeout=` in the URL wins.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(email_settings(EMAIL_URL, timeout=EMAIL_TIMEOUT))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qadam@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Read for the test settings only (a backend class no EMAIL_URL can name, used by a test's
# worker process); dev and production take their mail from EMAIL_URL alone.
EMAIL_BACKEND_FROM_ENV = os.environ.get("EMAIL_BACKEND", "")
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# --- Mandatory training: requirements, deadlines, reminders (training/) ------------------
# See docs/decisions/0050-mandatory-training.md. The nightly evaluation re-reads every rule
# for everyone (chunks of TRAINING_EVALUATION_CHUNK people) and records the reminders owed;
# digests go out each morning through Django's e-mail (EMAIL_URL above).
from celery.schedules import crontab  # noqa: E402

INSTALLED_APPS += ["training"]
TRAINING_EVALUATION_CHUNK = int(os.environ.get("TRAINING_EVALUATION_CHUNK", "500"))
CELERY_BEAT_SCHEDULE.update(
    {
        "training-nightly": {
            "task": "training.tasks.evaluate_all_task",
            "schedule": crontab(hour=2, minute=0),
        },
        "training-reminders": {
            "task": "training.tasks.reminders_send_task",
            "schedule": crontab(hour=7, minute=0),
        },
        "training-officer-digest": {
            "task": "training.tasks.officer_digests_send_task",
            "schedule": crontab(hour=7, minute=30, day_of_week=1),
        },
    }
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("training.context_processors.training")

# --- Reports: figures for monitors, officers and administrators (reports/) ---------------
# Counts from 1 to REPORTS_SUPPRESSION_THRESHOLD - 1 show as "fewer than N" wherever a
# monitor looks, in every export and in every figure of a voluntary programme
# (lms.core.suppression has the whole rule).
INSTALLED_APPS += ["reports"]
REPORTS_SUPPRESSION_THRESHOLD = int(os.environ.get("REPORTS_SUPPRESSION_THRESHOLD", "5"))
# The monitoring pack of last month, national, in each language: on the 1st at 04:00
# (reports/packs.py; `manage.py report_pack` makes one for any range, to a file).
CELERY_BEAT_SCHEDULE["reports-monthly-pack"] = {
    "task": "reports.tasks.monthly_packs_task",
    "schedule": crontab(hour=4, minute=0, day_of_month=1),
}
