"""Local development: ``make run``. Embedded defaults, debug on."""

from .base import *  # noqa: F403
from .base import DEBUG_FROM_ENV, EMAIL_BACKEND_FROM_ENV, SECRET_KEY

DEBUG = True if DEBUG_FROM_ENV is None else DEBUG_FROM_ENV
# A fixed key is fine for a developer's machine; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-qadam-do-not-use-in-production-0123456789"
# E-mail (training reminders) is printed by the runserver/worker, never sent, unless set.
EMAIL_BACKEND = EMAIL_BACKEND_FROM_ENV or "django.core.mail.backends.console.EmailBackend"
