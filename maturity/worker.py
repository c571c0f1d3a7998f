"""The Celery workers' entry point: ``celery -A maturity.worker worker``.

A worker is the application without its web server: the same configuration
(from the environment), database and files, running the tasks queued by the web
processes (maturity/queue.py; the jobs are in each feature's tasks.py). ``--beat`` on one worker runs the daily upkeep.
"""

from __future__ import annotations

import logging

from maturity import create_app, queue

# WeasyPrint reports each layout step at INFO: one line per page per report.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
flask_app = create_app()
celery = queue.celery_of(flask_app)
