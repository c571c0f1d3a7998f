"""Production server settings: `gunicorn -c gunicorn.conf.py` (see docs/operations/production.md).

Every value can be overridden from the environment.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.workers.base import Worker

wsgi_app = "maturity:create_app()"
bind = os.environ.get("MATURITY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MATURITY_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("MATURITY_THREADS", "4"))
# PDF batches run in a worker thread; requests themselves stay short.
timeout = int(os.environ.get("MATURITY_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that memory held by rendering is returned.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("MATURITY_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("MATURITY_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: Worker) -> None:
    """A web worker serves pages: it loads them (views, models) before its first
    request rather than during it (maturity.Application loads them on first use)."""
    worker.wsgi.load_pages()
