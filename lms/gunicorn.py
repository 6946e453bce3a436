"""Gunicorn settings for the production layout (Procfile, docs/deploy.md).

Sync workers: each request is short (a lesson page, a progress write) and CPU-bound in
Python, so one process per request at a time is the simplest fast choice; the number of
processes is the capacity (WEB_CONCURRENCY, default 2 per core + 1). Put nginx (or any
buffering proxy) in front, so slow kiosk connections never hold a worker.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: bounds any slow growth of memory, at no visible cost.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
