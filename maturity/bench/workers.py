"""Celery worker processes started and stopped from Python: for the batch benchmark
and for the tests that kill workers mid-batch."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO

CELERY = Path(sys.executable).with_name("celery")


class Worker:
    """``celery -A maturity.worker worker`` with its pool of processes."""

    def __init__(
        self,
        environment: dict[str, str],
        log_path: Path,
        concurrency: int = 1,
        nice: int = 0,
        beat: bool = False,
    ):
        self.environment = environment
        self.log_path = log_path
        self.concurrency = concurrency
        self.nice = nice
        self.beat = beat
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 60) -> Worker:
        self._log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [
                *(["nice", "-n", str(self.nice)] if self.nice else []),
                str(CELERY),
                "-A",
                "maturity.worker",
                "worker",
                "--queues",
                self.environment["MATURITY_TASK_QUEUE"],
                "--concurrency",
                str(self.concurrency),
                "--pool",
                "prefork",
                "--loglevel",
                "INFO",
                "--hostname",
                f"test-{uuid.uuid4().hex[:8]}@%h",
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
