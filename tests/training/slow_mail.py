"""A mail backend for the killed-worker test: it records each message it is handed (as a
mail server that has accepted it) in ``QADAM_MAIL_MARKER``, then hangs, so the test can
SIGKILL the process before anything after the send runs."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        with open(os.environ["QADAM_MAIL_MARKER"], "a", encoding="utf-8") as out:
            for message in messages:
                out.write(f"{os.getpid()} {','.join(message.to)} {message.subject}\n")
        time.sleep(120)
        return len(messages)
