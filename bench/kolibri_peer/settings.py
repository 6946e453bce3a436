"""Kolibri's own settings for the peer bench: unchanged, except persistent database
connections (as Qadam's CONN_MAX_AGE=600), logs at WARNING (as Qadam's bench/settings.py:
Kolibri otherwise writes an access line per request to a file and the console) and the
bench's baseline views in the URLs.

Kolibri's PostgreSQL settings leave CONN_MAX_AGE at Django's 0 (a new connection per
request); the bench gives both sides the same footing.
"""

from kolibri.deployment.default.settings.base import *  # noqa: F403

for _database in DATABASES.values():  # noqa: F405
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_MAX_AGE"] = 600

ROOT_URLCONF = "bench.kolibri_peer.urls"

for _logger in LOGGING["loggers"].values():  # noqa: F405
    if "level" in _logger:
        _logger["level"] = "WARNING"
