"""Local development: ``make run``. Embedded defaults, debug on."""

from .base import *  # noqa: F403
from .base import DEBUG_FROM_ENV, QADAM_MFA_FROM_ENV, QADAM_MFA_REQUIRED, SECRET_KEY

DEBUG = True if DEBUG_FROM_ENV is None else DEBUG_FROM_ENV
# A fixed key is fine for a developer's machine; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-qadam-do-not-use-in-production-0123456789"
# The second factor is off on a developer's machine unless asked for (QADAM_MFA_REQUIRED=1);
# production always enforces it (docs/decisions/0045).
QADAM_MFA_REQUIRED = QADAM_MFA_FROM_ENV is not None and QADAM_MFA_REQUIRED
