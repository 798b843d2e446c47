"""Many runs of the main job at once, their stages as tasks on an executor.

Each :class:`~editor.job.Job` becomes tasks (:mod:`editor.batch.executors` runs them):

- one **analysis** per footage file (:func:`analyse_task`), through the analysis cache;
- one **plan** of all its outputs once its files are analysed (:func:`plan_task`: pure, so
  the EDLs are byte-identical wherever it runs);
- one **render** per output (:func:`render_task`), each into the job's folder.

Tasks take plain, picklable arguments and paths, never open files. No more tasks are handed
out than the executor has slots, the earliest job's first, so the first jobs finish first
(a stopped run has whole episodes to keep) while the later ones' analyses fill the gaps.
A failure stays with its job: its other tasks are dropped and the rest go on.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis
from editor.atomic import remove_leftovers, writable_folder
from editor.errors import AutocutError
from editor.inputs import collect_videos
from editor.job import Job
from editor.pipeline import Output, Planned, Report, deliver, plan_outputs

STAGES = ("analysis", "plan", "render")


def analyse_task(path: Path, use_cache: bool) -> tuple[float, Analysis | AutocutError]:
    """Runs on a worker: the analysis of one file (or why it cannot be analysed), and the
    seconds it took."""
    return _timed(analyse_file, path, use_cache=use_cache)


def plan_task(job: Job, analyses: list[Analysis]) -> tuple[float, Any]:
    """Runs on a worker: every edit of ``job`` (:func:`editor.pipeline.plan_outputs`)."""
    return _timed(plan_outputs, job, analyses)


def render_task(
    edit: Planned, outdir: Path, exports: tuple[str, ...] = ()
) -> tuple[float, list[Output] | AutocutError]:
    """Runs on a worker: one edit rendered into ``outdir`` (:func:`editor.pipeline.deliver`)."""
    return _timed(deliver, edit, outdir, False, None, exports)


def _timed(fn: Callable, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """``fn``'s value and the seconds it took; a user-facing error is a value too (it is
    the job's to report, not a fault of the worker's to log)."""
    began = time.perf_counter()
    try:
        value = fn(*args, **kwargs)
    except AutocutError as exc:
        value = exc
    return time.perf_counter() - began, value


@dataclass(frozen=True)
class Outcome:
    """What became of one job: its report, or the error that ended it; the seconds its
    tasks took per stage, and from its first task handed out to its last one back."""

    report: Report | None
    error: AutocutError | None
    stages: dict[str, float]
    seconds: float


@dataclass
class _Progress:
    """The state of one job while it runs (the runner's own bookkeeping)."""

    files: list[Path]
    problems: list[AutocutError]
    analyses: dict[int, Analysis] = field(default_factory=dict)
    answered: int = 0
    edits: list[Planned] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outputs: dict[int, list[Output]] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    began: float | None = None
    over: bool = False


def run_jobs(
    jobs: Sequence[Job],
    executor,
    on_stage: Callable[[int, str], None] | None = None,
    on_done: Callable[[int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Run every job's tasks on ``executor`` (module notes); the outcome of each, in
    order. ``on_stage(i, stage)`` is called as job ``i``'s first task of a stage is handed
    out, ``on_done(i, outcome)`` as it ends. An interrupt stops the executor's workers
    at once and is raised again."""
    outcomes: dict[int, Outcome] = {}
    states: list[_Progress] = []
    queue: list[tuple[int, int, int, Callable, tuple]] = []  # job, stage, key, task, args
    running: dict[Any, tuple[int, int, int]] = {}

    def finish(i: int, error: AutocutError | None = None) -> None:
        state = states[i]
        state.over = True
        report = None
        if error is None:
            outputs = [out for k in sorted(state.outputs) for out in state.outputs[k]]
            report = Report(tuple(outputs), tuple(state.problems), tuple(state.notes))
        began = state.began if state.began is not None else time.perf_counter()
        outcomes[i] = Outcome(report, error, dict(state.stages), time.perf_counter() - began)
        queue[:] = [q for q in queue if q[0] != i]
        heapq.heapify(queue)
        if on_done is not None:
            on_done(i, outcomes[i])

    for i, job in enumerate(jobs):
        files, problems = collect_videos(job.inputs, job.outdir)
        states.append(_Progress(files, problems))
        if not files:
            one = problems[0] if len(problems) == 1 else None
            finish(i, one or AutocutError(", ".join(job.inputs), "holds no readable video"))
            continue
        try:
            if not job.dry_run:
                writable_folder(job.outdir)
        except AutocutError as exc:
            finish(i, exc)
            continue
        for k, path in enumerate(files):
            heapq.heappush(queue, (i, 0, k, analyse_task, (path, job.use_cache)))

    def answer(i: int, stage: int, key: int, value: Any, seconds: float) -> None:
        state, job = states[i], jobs[i]
        name = STAGES[stage]
        state.stages[name] = state.stages.get(name, 0.0) + seconds
        if stage == 0:
            state.answered += 1
            if isinstance(value, AutocutError):
                state.problems.append(value)
            else:
                state.analyses[key] = value
            if state.answered < len(state.files):
                return
            if not state.analyses:
                lone = state.problems[0] if len(state.problems) == 1 else None
                why = "none of the inputs is readable video"
                finish(i, lone or AutocutError(", ".join(job.inputs), why))
                return
            analyses = [state.analyses[k] for k in sorted(state.analyses)]
            heapq.heappush(queue, (i, 1, 0, plan_task, (job, analyses)))
        elif stage == 1:
            state.edits, state.notes = value
            if job.dry_run:
                state.outputs = {k: deliver(e, job.outdir, True) for k, e in enumerate(value[0])}
                finish(i)
                return
            for k, edit in enumerate(state.edits):
                heapq.heappush(queue, (i, 2, k, render_task, (edit, job.outdir, job.exports)))
        else:
            state.outputs[key] = value
            if len(state.outputs) == len(state.edits):
                finish(i)

    try:
        while queue or running:
            while queue and len(running) < executor.slots:
                i, stage, key, task, args = heapq.heappop(queue)
                state = states[i]
                if state.began is None:
                    state.began = time.perf_counter()
                if STAGES[stage] not in state.stages and on_stage is not None:
                    on_stage(i, STAGES[stage])
                state.stages.setdefault(STAGES[stage], 0.0)
                running[executor.submit(task, *args)] = (i, stage, key)
            for done in executor.wait(list(running)):
                i, stage, key = running.pop(done)
                if states[i].over:
                    continue
                try:
                    seconds, value = done.result()
                except AutocutError as exc:  # its worker died too often
                    finish(i, exc)
                    continue
                except Exception as exc:  # a worker lost, or a fault: the job's alone
                    finish(i, AutocutError(_what(jobs[i]), f"{type(exc).__name__}: {exc}"))
                    continue
                if isinstance(value, AutocutError) and stage > 0:
                    finish(i, value)  # (one unreadable file: the job goes on without it)
                    continue
                answer(i, stage, key, value, seconds)
    except BaseException:  # interrupted: its workers stopped, what they left removed
        executor.close(now=True)
        for i in {i for i, stage, _ in running.values() if stage == 2}:
            remove_leftovers(jobs[i].outdir)
        raise
    return [outcomes[i] for i in range(len(jobs))]


def _what(job: Job) -> str:
    return job.inputs[0] if len(job.inputs) == 1 else ", ".join(job.inputs)
