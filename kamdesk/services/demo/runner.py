"""Runs generation jobs in order, in this process or on a pool of worker processes.

Results come back in submission order whatever finishes first, with at most
``2 × workers + 1`` jobs in flight, so memory stays bounded. Workers write their own
rows, taking turns in submission order (:func:`.jobs.run_and_write`): SQLite has one
writer at a time, and the fixed order keeps the file the same from run to run.
Workers are *spawned* (never forked): the caller may be a Qt application with
threads, where forking is unsafe. Hazard: a frozen (PyInstaller) app must call
``multiprocessing.freeze_support()`` at start for spawned workers to run.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Condition
from types import TracebackType
from typing import Any

from kamdesk.services.demo.context import Reference
from kamdesk.services.demo.jobs import Job, init_worker, run_and_write, run_job


def default_workers(rows_expected: int) -> int:
    """0 (in-process) for small demos; else one worker per core (2 to 4).

    Workers generate their rows and write them themselves, taking turns; the main
    process only counts, so it needs little CPU: while one worker writes, the others
    generate, and every core stays busy.
    """
    if rows_expected < 200_000:
        return 0
    return max(2, min(4, os.cpu_count() or 2))


class JobRunner:
    """Context manager; :meth:`run` yields each job's result in order.

    With workers, every job writes its own rows into the database at ``path`` and the
    result is ``(rows per table, extra)``; in-process it is ``(rows, extra)`` and the
    caller writes the rows. Positions count on across :meth:`run` calls.
    """

    def __init__(self, reference: Reference, workers: int, path: str) -> None:
        self.reference = reference
        self.workers = workers
        self.path = path
        self._pool: ProcessPoolExecutor | None = None
        self._shared: tempfile.TemporaryDirectory[str] | None = None
        self._position = 0
        self._abort: Synchronized[int] | None = None
        self._changed: Condition | None = None

    def __enter__(self) -> JobRunner:
        if self.workers > 0:
            context = multiprocessing.get_context("spawn")
            self._shared = tempfile.TemporaryDirectory(prefix="kamdesk-demo-")
            turn = context.Value("i", 0)
            self._abort = context.Value("i", 0)
            self._changed = context.Condition()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=init_worker,
                initargs=(self.reference, self.path, turn, self._changed, self._abort),
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            if exc is not None and self._abort is not None and self._changed is not None:
                with self._changed:  # release workers waiting for a turn
                    self._abort.value = 1
                    self._changed.notify_all()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._shared is not None:
            self._shared.cleanup()
            self._shared = None

    @property
    def in_process(self) -> bool:
        return self._pool is None

    @property
    def shared_dir(self) -> str | None:
        """A folder the workers can read (the order jobs' account file goes there)."""
        return None if self._shared is None else self._shared.name

    def run(self, jobs: Iterable[Job]) -> Iterator[Any]:
        """``(rows, extra)`` per job, in job order (see the class docstring)."""
        if self._pool is None:
            for job in jobs:
                yield run_job(job, self.reference)
            return
        window = 2 * self.workers + 1
        pending: deque[Future[Any]] = deque()
        todo = iter(jobs)

        def submit(job: Job) -> None:
            assert self._pool is not None
            pending.append(self._pool.submit(run_and_write, self._position, job))
            self._position += 1

        for job in todo:
            submit(job)
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            for job in todo:
                submit(job)
                break
            yield result
