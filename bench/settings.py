"""Settings for `make bench`: the dev settings with debug off, the bench's baseline views
added to the URLs, and quiet logs. Database and broker come from the environment."""

from lms.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
H5P_ROOT = VAR_DIR / "bench" / "h5p"  # noqa: F405 - the bench's own imported packages
