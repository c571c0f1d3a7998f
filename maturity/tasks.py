"""Background work on Celery workers, with Redis as the broker.

Flask's pattern (https://flask.palletsprojects.com/en/stable/patterns/celery/):
one Celery app per Flask app, every task run inside that Flask app's context.
Tasks are acknowledged late and rejected back to the queue when their worker
process dies, so a killed worker's task is redone by another; every task is
therefore written to be idempotent, and keeps its state in the database.

With no broker configured (``MATURITY_BROKER_URL`` unset) tasks run at once in
the process that queues them: the zero-configuration default and the fast tests.
``./dev serve`` and production set a broker and run workers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as KombuOperationalError

# Names of tasks run on a schedule by Celery beat.
PRUNE_TASK = "maturity.reports.prune"
STALLED_TASK = "maturity.reports.requeue_stalled"


def settings(app: Flask) -> dict[str, Any]:
    broker = app.config.get("BROKER_URL")
    visibility = app.config["TASK_VISIBILITY_SECONDS"]
    return {
        "broker_url": broker or "memory://localhost/",
        "task_always_eager": not broker,
        "task_eager_propagates": bool(app.testing),
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_default_queue": app.config["TASK_QUEUE"],
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "broker_connection_retry_on_startup": True,
        # An unacknowledged task goes back to the queue when its worker vanished
        # without a word (the machine died); longer than any task may run.
        # Each worker looks for such tasks ten times per timeout (Kombu's default sweep,
        # every 100 s whatever the timeout, would add up to that much delay).
        "broker_transport_options": {
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, visibility // 10),
            "unacked_restore_throttle": 1,
            # The sweep holds a lock in Redis; a worker killed while holding it must not
            # stop the others' sweeps for Kombu's default five minutes.
            "unacked_mutex_expire": max(5, visibility // 10),
        },
        "timezone": "UTC",
        "beat_schedule": {
            "prune-report-files": {"task": PRUNE_TASK, "schedule": timedelta(days=1)},
            "requeue-stalled-batches": {
                "task": STALLED_TASK,
                "schedule": timedelta(seconds=visibility),
            },
        },
    }


def init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(settings(app))
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


class QueueUnavailable(RuntimeError):
    """The broker could not be reached (after Celery's own retries): nothing queued."""


def queue(task: Task, *args: object) -> None:
    """Queue a task on the current Flask app's Celery (run at once without a broker)."""
    celery: Celery = current_app.extensions["celery"]
    try:
        celery.tasks[task.name].apply_async(args=args)
    except KombuOperationalError as error:
        raise QueueUnavailable(str(error)) from error


def run_at_once() -> bool:
    """No broker: a queued task runs in this process before `queue` returns."""
    return bool(current_app.extensions["celery"].conf.task_always_eager)


def waiting() -> int:
    """Tasks in the queue that no worker has taken yet (0 without a broker)."""
    celery: Celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        return 0
    try:
        with celery.connection_for_write() as connection:
            declared = connection.default_channel.queue_declare(
                queue=celery.conf.task_default_queue, passive=True
            )
    except ChannelError:  # Redis drops an empty queue's key: nothing waits
        return 0
    except KombuOperationalError as error:
        raise QueueUnavailable(str(error)) from error
    return int(declared.message_count)
