"""Analyse many files at once, each in a worker process, with progress in this one.

One analysis keeps most of 2 cores busy (the decoder, the sound, the signals and faces, each
in a thread of its own), yet two files analysed side by side still finish sooner, with the
same results: four 60 s 1080p files in 18-21 s instead of 22-26 s on 2 cores. Workers use
the analysis cache like a single run does (entries are written under unique temporary names
and renamed, so concurrent writers never clash). A file that cannot be analysed comes back
as its error; the others go on.

Workers are started fresh (``spawn``), never forked: a fork copies whatever the parent's
libraries hold, and an OpenMP thread pool (the face detector's) copied that way deadlocks
in the child on its first call. A fresh worker costs about a second of imports, small
beside the analysis of a file, and behaves the same on every platform.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from editor.analysis.cache import ProgressFactory, analyse_file, cached_analysis
from editor.analysis.model import Analysis, Progress
from editor.errors import AutocutError
from editor.media.probe import Media

MAX_WORKERS = 2
"""Worker processes at most (fewer on a machine with fewer cores): more than two analyses
at once gain little and hold one more decoder's memory each."""
PROGRESS_EVERY = 15
"""Frames a worker counts before it reports progress."""


def analysis_workers(files: int) -> int:
    """How many files to analyse at once."""
    return max(1, min(files, MAX_WORKERS, os.cpu_count() or 1))


def analyse_many(
    files: list[Path], *, use_cache: bool = True, progress_factory: ProgressFactory | None = None
) -> list[Analysis | AutocutError]:
    """The analysis of each file (or why it failed), in the order given."""
    done: dict[int, Analysis | AutocutError] = {}
    if use_cache:  # hits cost no worker: only files to analyse go to the pool
        for i, path in enumerate(files):
            hit = cached_analysis(path)
            if hit is not None:
                done[i] = hit
    todo = [i for i in range(len(files)) if i not in done]
    workers = analysis_workers(len(todo))
    if workers == 1:
        done.update({i: _one(files[i], use_cache, progress_factory) for i in todo})
        return [done[i] for i in range(len(files))]
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=start_worker, initargs=(workers,)
    )
    with context.Manager() as manager, pool:
        reports = manager.Queue() if progress_factory is not None else None
        listener = _Listener(reports, progress_factory) if reports is not None else None
        jobs = {i: pool.submit(_worker, files[i], use_cache, reports) for i in todo}
        try:
            for i, job in jobs.items():
                result = job.result()
                done[i] = result if isinstance(result, Analysis) else AutocutError(*result)
        except BaseException:
            _stop_workers(pool)  # interrupted: leaving the pool must not wait for them
            raise
        finally:
            if listener is not None:
                listener.stop()
    return [done[i] for i in range(len(files))]


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers now, mid-analysis (they hold nothing that must be kept: cache
    entries are renamed into place only when complete)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # gone after shutdown
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()


def _one(path: Path, use_cache: bool, factory: ProgressFactory | None) -> Analysis | AutocutError:
    try:
        return analyse_file(path, use_cache=use_cache, progress_factory=factory)
    except AutocutError as exc:
        return exc


def start_worker(workers: int) -> None:
    """Runs first in each of ``workers`` worker processes. Each decoder counts its share of
    the cores (:func:`editor.media.decode.share_cores`). Ctrl-C and SIGTERM are the parent's
    to handle: it stops the workers itself, so they print nothing of their own."""
    from editor.media.decode import share_cores  # the decoding libraries load in workers only

    share_cores(workers)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()


PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal a process gets when its parent ends."""


def die_with_parent() -> None:
    """Make this worker process end when the process that started it ends, even killed
    outright (SIGKILL leaves it no chance to stop its workers): a worker outliving its run
    would go on writing into an output folder that a rerun is making again. Linux only
    (elsewhere a worker ends once its task is done and its pipe to the parent is gone)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent ended before the setting took hold
        os.kill(os.getpid(), signal.SIGKILL)


def _worker(path: Path, use_cache: bool, reports) -> Analysis | tuple[str, str]:
    """Runs in a worker process: the analysis, or the error's place and reason."""
    factory = _reporting(reports) if reports is not None else None
    try:
        return analyse_file(path, use_cache=use_cache, progress_factory=factory)
    except AutocutError as exc:
        return str(exc.where), exc.reason


def _reporting(reports) -> ProgressFactory:
    """A progress factory that sends a worker's progress to the parent's listener."""

    def factory(media: Media) -> Progress:
        reports.put(("start", media))
        counted, seen = [0], [0]

        def progress(frames: int) -> None:
            counted[0] += frames
            seen[0] += frames
            if counted[0] >= PROGRESS_EVERY or seen[0] >= media.frame_count:
                reports.put(("frames", str(media.path), counted[0]))
                counted[0] = 0

        return progress

    return factory


class _Listener:
    """Turns workers' reports into calls of the parent's progress callbacks."""

    def __init__(self, reports, factory: ProgressFactory) -> None:
        self._reports = reports
        self._factory = factory
        self._bars: dict[str, Callable[[int], None] | None] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="autocut-progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            try:
                report = self._reports.get(timeout=0.2)
            except (queue.Empty, EOFError, OSError):
                continue
            if report[0] == "start":
                media = report[1]
                self._bars[str(media.path)] = self._factory(media)
            else:
                bar = self._bars.get(report[1])
                if bar is not None:
                    bar(report[2])

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=2)
