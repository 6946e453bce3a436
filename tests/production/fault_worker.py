"""A real Celery worker for the fault tests, with one test-only change: the first
certificate render in this worker's life sleeps (``QADAM_SLOW_RENDER_SECONDS``) after
writing the rendering process's pid to ``QADAM_SLOW_RENDER_MARKER``, so a test can
SIGKILL that process in the middle of rendering. Later renders run at full speed.

Run as ``python -m tests.production.fault_worker worker --pool=prefork ...``.
"""

from __future__ import annotations

import os
import sys
import time

from celery.signals import worker_process_init

from lms.celery import app


@worker_process_init.connect
def _slow_first_render(**kwargs) -> None:
    from certificates.services import issuing as services

    original = services.render_certificate_pdf

    def render_slowly_once(data):
        try:
            fd = os.open(
                os.environ["QADAM_SLOW_RENDER_MARKER"], os.O_CREAT | os.O_EXCL | os.O_WRONLY
            )
        except FileExistsError:
            return original(data)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        time.sleep(float(os.environ.get("QADAM_SLOW_RENDER_SECONDS", "60")))
        return original(data)

    services.render_certificate_pdf = render_slowly_once


if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
