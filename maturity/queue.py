"""The plumbing of background work: Celery workers, with Redis as the broker.

Jobs themselves live beside their feature, in ``<feature>/tasks.py`` (the mails, the
report batches and the daily upkeep, the centres' imports and summaries): each module
declares its tasks with `task`, and a Celery app registers the tasks of every such
module it finds (`task_modules`), so a new job needs no list updated anywhere.

Flask's pattern (https://flask.palletsprojects.com/en/stable/patterns/celery/):
one Celery app per Flask app, every task run inside that Flask app's context.
Tasks are acknowledged late and rejected back to the queue when their worker
process dies, so a killed worker's task is redone by another; every task is
therefore written to be idempotent, and keeps its state in the database.

With no broker configured (``MATURITY_BROKER_URL`` unset) tasks run at once in
the process that queues them: the zero-configuration default and the fast tests.
``./dev serve`` and production set a broker and run workers.

Celery takes a fifth of a second to import, and most processes never queue
anything (a command, a page that only reads), so task modules declare their tasks
with `task` here, which needs no Celery, and a process creates its Celery app the
first time it queues work (`celery_of`); the workers create it when they start.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from celery import Celery, Task

logger = logging.getLogger(__name__)

# Names of tasks run on a schedule by Celery beat.
PRUNE_TASK = "maturity.reports.prune"
SWEEP_TASK = "maturity.requeue_stalled"
RELEASES_TASK = "maturity.releases.compute_due"
# One release (population, period, revision): queued by the beat's run and by an
# administrator's request for a new revision (which names it, not imports it).
RELEASE_TASK = "maturity.releases.compute"


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
        # Each worker looks for such tasks ten times per timeout: Kombu's default sweep
        # runs at a fixed interval whatever the timeout, which would add its interval
        # to the delay before a lost task runs again.
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
            # Releases of the periods that closed: each day (and at the first run after
            # an upgrade, every closed period without one).
            "compute-releases": {"task": RELEASES_TASK, "schedule": timedelta(hours=6)},
            "requeue-stalled-work": {
                "task": SWEEP_TASK,
                "schedule": timedelta(seconds=visibility),
            },
        },
    }


PACKAGE = Path(__file__).resolve().parent


def task_modules() -> list[str]:
    """Every ``tasks`` module of the package, found on disk (importing packages to ask
    them would load every blueprint): what a Celery app registers when it is created,
    so that a worker knows every task whatever the web process imported."""
    return sorted(
        ".".join(("maturity", *path.relative_to(PACKAGE).with_suffix("").parts))
        for path in PACKAGE.rglob("tasks.py")
    )


@dataclass(frozen=True)
class TaskDefinition:
    """A task as its module declares it; Celery registers it under `name`."""

    name: str
    function: Callable[..., Any]
    bind: bool = False  # the function takes Celery's task (retries) first
    options: dict[str, Any] = field(default_factory=dict)

    def __call__(self, *args: Any) -> Any:
        """Run the task here and now, as a worker's task does (unbound tasks only)."""
        if self.bind:
            raise TypeError(f"{self.name} takes Celery's task: queue it instead")
        return self.function(*args)


_declared: dict[str, TaskDefinition] = {}


def declared_tasks() -> list[str]:
    """The names of the tasks the imported modules declared."""
    return list(_declared)


def task(
    name: str, *, bind: bool = False, **options: Any
) -> Callable[[Callable[..., Any]], TaskDefinition]:
    """Declare a background task (what Celery's ``shared_task`` does, without Celery)."""

    def declare(function: Callable[..., Any]) -> TaskDefinition:
        declared = TaskDefinition(name, function, bind, options)
        if _declared.setdefault(name, declared) is not declared:
            raise ValueError(f"two tasks are named {name}")
        return declared

    return declare


_sweeps: dict[str, Callable[[], list[int]]] = {}


def sweep(function: Callable[[], list[int]]) -> Callable[[], list[int]]:
    """Declare a function that finds work whose task was lost and queues it again,
    returning the ids it queued. Beat runs every sweep in one task (`requeue_stalled`)."""
    _sweeps[f"{function.__module__}.{function.__qualname__}"] = function
    return function


@task(name=SWEEP_TASK)
def requeue_stalled() -> dict[str, list[int]]:
    """On Celery beat: every declared sweep, in one task. Each sweep does nothing
    while tasks wait in the queue (the workers are behind, nothing is lost); as
    tasks of their own, sweeps due at the same tick waited in the queue behind the
    first, which therefore never swept."""
    return {name: found for name, run in _sweeps.items() if (found := run())}


_creating = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions["celery"] = None  # created on first use: `celery_of`


def celery_of(app: Flask) -> Celery:
    """The Flask app's Celery app, created (and its tasks registered) on first use."""
    celery = app.extensions.get("celery")
    if celery is None:
        with _creating:
            celery = app.extensions.get("celery") or _created(app)
            app.extensions["celery"] = celery
    return celery


def _created(app: Flask) -> Celery:
    from celery import Celery, Task

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(settings(app))
    for module in task_modules():
        importlib.import_module(module)
    for declared in _declared.values():
        celery.task(name=declared.name, bind=declared.bind, **declared.options)(declared.function)
    celery.set_default()
    return celery


def _current_celery() -> Celery:
    return celery_of(current_app._get_current_object())  # type: ignore[attr-defined]


def transient(error: Exception) -> bool:
    """Worth trying the task again: the database connection or the disk, not the data."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, DBAPIError):
        return isinstance(error, OperationalError) or error.connection_invalidated
    return isinstance(error, OSError)


# The database or the shared folder away for a moment: tried again after 2, 4, 8 … s.
MAX_RETRIES = 6


def retry_if_transient(task: Task, error: Exception, what: str) -> None:
    """Have Celery run the task again later when the failure is transient and tries
    remain (raises Celery's Retry); otherwise return, and the caller gives up."""
    if transient(error) and task.request.retries < MAX_RETRIES and not task.request.is_eager:
        logger.warning("%s: %s; trying again", what, error)
        raise task.retry(exc=error, countdown=2 ** (task.request.retries + 1)) from error


class QueueUnavailable(RuntimeError):
    """The broker could not be reached (after Celery's own retries): nothing queued."""


def queue(declared: TaskDefinition | str, *args: object) -> None:
    """Queue a task (or a task by its name) on the current Flask app's Celery (run at
    once without a broker)."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    celery = _current_celery()
    name = declared if isinstance(declared, str) else declared.name
    try:
        celery.tasks[name].apply_async(args=args)
    except KombuOperationalError as error:
        raise QueueUnavailable(str(error)) from error


def run_at_once() -> bool:
    """No broker: a queued task runs in this process before `queue` returns."""
    return not current_app.config.get("BROKER_URL")


def waiting() -> int:
    """Tasks in the queue that no worker has taken yet (0 without a broker)."""
    from kombu.exceptions import ChannelError
    from kombu.exceptions import OperationalError as KombuOperationalError

    if run_at_once():
        return 0
    celery = _current_celery()
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
