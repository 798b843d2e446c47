"""Where the tasks of a run execute: local worker processes or a Dask cluster.

Both executors take plain functions of picklable arguments (:mod:`editor.batch.runner`'s
tasks) and give back futures; the runner never needs to know which one it has.

- :class:`LocalExecutor` (``--workers N``): N worker processes on this machine, started
  fresh (``spawn``, as :mod:`editor.batch.analyses` explains), one face-detector thread
  each. A worker that dies mid-task (killed, out of memory) breaks the whole pool in
  Python's executor, so the pool is started again and every task that was running is run
  again, up to :data:`ATTEMPTS` times in all; after that the task fails with one clear
  line, never a hang.
- :class:`DaskExecutor` (``--executor dask``): a Dask distributed cluster, the one at
  ``--scheduler tcp://HOST:8786`` or a LocalCluster of N worker processes started for the
  run. Footage reaches workers by path, so every worker must see the same paths (shared
  storage) and have autocut installed. Dask itself runs again the tasks of a worker that
  died (its ``allowed-failures`` setting, 3 by default).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent import futures
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from editor.batch.analyses import start_worker
from editor.errors import AutocutError

ATTEMPTS = 3
"""Times a local task is started before a worker dying under it fails it."""


class Task:
    """One submitted call: its function and arguments (kept to start it again) and the
    future of its current attempt."""

    def __init__(self, fn: Callable, args: tuple, future: Any) -> None:
        self.fn, self.args, self.future, self.attempts = fn, args, future, 1

    def result(self) -> Any:
        """The call's value; its exception raised here when it raised one."""
        return self.future.result()


class LocalExecutor:
    """``workers`` processes on this machine (module notes)."""

    def __init__(self, workers: int) -> None:
        self.slots = max(1, workers)
        self._context = multiprocessing.get_context("spawn")
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.slots, mp_context=self._context, initializer=start_worker, initargs=(self.slots,)
        )

    def submit(self, fn: Callable, *args: Any) -> Task:
        return Task(fn, args, self._pool.submit(fn, *args))

    def wait(self, tasks: Iterable[Task]) -> list[Task]:
        """At least one finished task of ``tasks`` (blocks until there is one). Tasks a
        dead worker took down are started again on a fresh pool, not returned, unless they
        have used up their attempts: then they fail with one clear line."""
        running = {t.future: t for t in tasks}
        while True:
            done, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
            broken = [running[f] for f in done if isinstance(f.exception(), BrokenProcessPool)]
            finished = [running[f] for f in done if running[f] not in broken]
            if broken:
                self._restart()
                for task in [t for t in running.values() if t not in finished]:
                    if task.attempts >= ATTEMPTS:
                        reason = f"a worker process died under it {ATTEMPTS} times " \
                            "(killed, or out of memory)"  # fmt: skip
                        task.future = _failed(AutocutError(_named(task), reason))
                        finished.append(task)
                    else:
                        task.attempts += 1
                        task.future = self._pool.submit(task.fn, *task.args)
                running = {t.future: t for t in running.values() if t not in finished}
            if finished:
                return finished

    def _restart(self) -> None:
        """A worker died: the pool is unusable; stop what is left of it, start another."""
        _kill(self._pool)
        self._pool = self._start()

    def close(self, now: bool = False) -> None:
        """Stop the workers: at once (``now``: an interrupted run), else when idle."""
        if now:
            _kill(self._pool)
        else:
            self._pool.shutdown(wait=True)


class DaskExecutor:
    """A Dask distributed cluster (module notes): ``scheduler`` is its address, or None
    to start a LocalCluster of ``workers`` processes for this run."""

    def __init__(self, scheduler: str | None, workers: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise AutocutError(
                "--executor dask", "needs Dask: pip install 'autocut[dask]'"
            ) from None
        # Dask's own logs (a lost worker's connection errors, with their tracebacks) are not
        # the user's business: what becomes of each task is reported by autocut itself.
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        self._cluster = None
        try:
            if scheduler is None:
                self._cluster = LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.CRITICAL,
                )  # fmt: skip
                self._client = Client(self._cluster)
            else:
                self._client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise AutocutError(scheduler or "LocalCluster", f"cannot reach Dask: {exc}") from None
        self.slots = max(1, sum(self._client.nthreads().values()))

    def submit(self, fn: Callable, *args: Any) -> Task:
        return Task(fn, args, self._client.submit(fn, *args, pure=False))

    def wait(self, tasks: Iterable[Task]) -> list[Task]:
        """At least one finished task of ``tasks`` (blocks until there is one)."""
        from distributed import wait

        running = {t.future: t for t in tasks}
        done, _ = wait(list(running), return_when="FIRST_COMPLETED")
        return [running[f] for f in done]

    def close(self, now: bool = False) -> None:
        """Let go of the cluster (and stop the LocalCluster started for the run); again
        does nothing."""
        client, self._client = self._client, None
        if client is None:
            return
        client.close()
        if self._cluster is not None:
            self._cluster.close()


def _failed(error: BaseException) -> futures.Future:
    future: futures.Future = futures.Future()
    future.set_exception(error)
    return future


def _named(task: Task) -> str:
    """What a task worked on, for its error line: its first argument's name."""
    first = task.args[0] if task.args else None
    return str(getattr(first, "name", None) or first or getattr(task.fn, "__name__", "task"))


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers now, mid-task (they hold nothing that must be kept: every
    file is written under a temporary name and renamed only when complete)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # gone after shutdown
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()


def default_workers() -> int:
    """Worker processes when none are asked for: one per core, at most two (the analysis
    of one file already keeps most of 2 cores busy: :mod:`editor.batch.analyses`)."""
    return max(1, min(2, os.cpu_count() or 1))
