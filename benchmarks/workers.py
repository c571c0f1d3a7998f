"""Celery worker processes started, paused and stopped from Python: for the batch
benchmark, the tests that kill workers mid-batch and the load test that alternates
loads with and without a batch rendering."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

CELERY = Path(sys.executable).with_name("celery")


class Worker:
    """``celery -A maturity.worker worker`` with its pool of processes."""

    def __init__(
        self,
        environment: dict[str, str],
        log_path: Path,
        concurrency: int = 1,
        idle: bool = False,
        beat: bool = False,
    ):
        self.environment = environment
        self.log_path = log_path
        self.concurrency = concurrency
        self.idle = idle
        self.beat = beat
        self.hostname = f"worker-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.queue = environment["MATURITY_TASK_QUEUE"]
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 60) -> Worker:
        self._log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [
                # SCHED_IDLE, as beside web servers (docs/operations/production.md, "More than one machine").
                *(["chrt", "--idle", "0"] if self.idle else []),
                str(CELERY),
                "-A",
                "maturity.worker",
                "worker",
                "--queues",
                self.queue,
                "--concurrency",
                str(self.concurrency),
                "--pool",
                "prefork",
                "--loglevel",
                "INFO",
                "--hostname",
                self.hostname,
                "--without-gossip",
                "--without-mingle",
                *(
                    ["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))]
                    if self.beat
                    else []
                ),
            ],
            env={**os.environ, **self.environment},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log_path.read_bytes()[offset:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log()}")
            time.sleep(0.1)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def pool_processes(self) -> list[int]:
        """The worker's child processes, which run the tasks."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == self.pid:
                children.append(int(stat.parent.name))
        return children

    def pause(self, celery: Celery, timeout: float = 120) -> None:
        """Take no more tasks from the queue; return once the tasks in hand are done."""
        self._control(celery.control.cancel_consumer)
        inspector = celery.control.inspect(destination=[self.hostname], timeout=5)
        deadline = time.monotonic() + timeout
        while True:
            # None: no answer in time (the worker is busy), ask again.
            active, reserved = inspector.active(), inspector.reserved()
            answered = active is not None and reserved is not None
            if answered and not active.get(self.hostname) and not reserved.get(self.hostname):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker kept working: {active} {reserved}")
            time.sleep(0.2)

    def resume(self, celery: Celery) -> None:
        """Take tasks from the queue again."""
        self._control(celery.control.add_consumer)

    def _control(self, command: Callable[..., Any]) -> None:
        replies = command(self.queue, destination=[self.hostname], reply=True, timeout=10)
        if not replies:
            raise RuntimeError(f"the worker did not answer {command.__name__}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 120) -> None:
        """SIGTERM: a warm shutdown (the running task finishes, the rest waits in
        the queue); SIGKILL: the worker and its pool die at once."""
        if self.process is None or self.process.poll() is not None:
            return
        pool = self.pool_processes() if sig == signal.SIGKILL else []
        self.process.send_signal(sig)
        for pid in pool:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._log is not None:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
