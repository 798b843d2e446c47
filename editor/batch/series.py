"""A series run: one set of outputs per episode, each in its own folder, and a summary.

- **One episode at a time**, each made as one run of the main job would make it
  (:func:`editor.pipeline.make`) into ``OUTDIR/<episode>/``: its footage analysed (several
  files side by side), its outputs planned and rendered.
- **A failure stays with its episode**: unreadable footage, a bad subtitle file, a full
  disk end that episode with its one-line reason in the summary, and the next one starts.
  Only an interrupt (Ctrl-C, SIGTERM) stops the run.
- **Resume.** An episode the output folder's manifest says is finished, under the same
  key, with its files untouched (:mod:`editor.batch.manifest`), is kept as it is: running
  the same command again makes only what is missing or changed.
- **The summary** (``OUTDIR/summary.json``, :data:`SUMMARY_VERSION`) says per episode: its
  inputs, its folder, its status, each output with its length, the warnings, the seconds
  each stage took and in all, and whether it was kept from an earlier run. It is rewritten
  (atomically) after every episode, so it always says what is finished, even of a run that
  was stopped.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from editor.atomic import remove_leftovers, write_text
from editor.batch.episodes import Episode
from editor.batch.manifest import Manifest
from editor.errors import AutocutError
from editor.job import Job
from editor.pipeline import Hooks, Report

SUMMARY_NAME = "summary.json"
SUMMARY_VERSION = 1

MakeEpisode = Callable[[Episode, Path, Hooks], Report]
"""Makes one episode's outputs into the folder given, informing the hooks given."""


@dataclass(frozen=True)
class EpisodeResult:
    """What became of one episode."""

    episode: str
    inputs: tuple[str, ...]
    folder: str
    status: str
    """``done`` (every output made), ``partial`` (made, but some footage was skipped) or
    ``failed`` (no output: ``error`` says why)."""
    outputs: tuple[dict, ...] = ()
    """Per output: ``name``, ``video``, ``edl``, ``cover`` (paths) and ``duration`` (s)."""
    warnings: tuple[str, ...] = ()
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (``analysis``, ``plan``, ``render``) in the order they ran."""
    seconds: float = 0.0
    error: str = ""
    kept: bool = False
    """Made by an earlier run and unchanged since (module notes)."""

    @classmethod
    def from_dict(cls, data: dict) -> EpisodeResult:
        return cls(
            data["episode"], tuple(data["inputs"]), data["folder"], data["status"],
            tuple(data["outputs"]), tuple(data["warnings"]), dict(data["stages"]),
            data["seconds"], data["error"], data.get("kept", False),
        )  # fmt: skip

    def files(self) -> list[Path]:
        """Every file the episode's outputs are."""
        keys = ("video", "edl", "cover", "subtitles")
        named = [Path(out[k]) for out in self.outputs for k in keys if out.get(k)]
        return named + [Path(p) for out in self.outputs for p in out.get("exports", ())]

    def to_dict(self) -> dict:
        return {
            "episode": self.episode,
            "inputs": list(self.inputs),
            "folder": self.folder,
            "status": self.status,
            "error": self.error,
            "outputs": list(self.outputs),
            "warnings": list(self.warnings),
            "stages": {k: round(v, 3) for k, v in self.stages.items()},
            "seconds": round(self.seconds, 3),
            "kept": self.kept,
        }


@dataclass(frozen=True)
class SeriesHooks:
    """How the caller follows the run; every hook is optional."""

    episode_hooks: Callable[[Episode], Hooks] | None = None
    """The hooks one episode's run informs (progress bars, skipped footage)."""
    on_stage: Callable[[Episode, str], None] | None = None
    on_done: Callable[[EpisodeResult], None] | None = None


class _Clock:
    """Seconds spent in each stage, from the stage changes a run reports."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._current: str | None = None
        self._since = self._begun = time.perf_counter()

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        if self._current is not None:
            self.stages[self._current] = self.stages.get(self._current, 0.0) + now - self._since
        self._current, self._since = stage, now

    def stop(self) -> float:
        """Close the last stage; the seconds since the clock started."""
        self.enter("")
        self.stages.pop("", None)
        return time.perf_counter() - self._begun


class _Ledger:
    """The run's record of its episodes: which are kept from an earlier run (the
    manifest), which are finished, and the summary written after each one."""

    def __init__(self, episodes, outdir, hooks, problems, keep_summary, key_of) -> None:
        self.episodes: list[Episode] = list(episodes)
        self.outdir, self.hooks, self.keep_summary, self.key_of = (
            outdir,
            hooks,
            keep_summary,
            key_of,
        )
        self.unplaced = [_unplaced(p) for p in problems or ()]
        self.manifest = Manifest(outdir) if key_of is not None and keep_summary else None
        self.results: dict[int, EpisodeResult] = {}
        self.keys: dict[int, str | None] = {}
        if self.manifest is not None:
            remove_leftovers(outdir)  # the summary's or the manifest's, of a killed run

    def kept(self, i: int) -> bool:
        """Whether episode ``i`` is kept as an earlier run made it (recorded if so); else
        it is forgotten, and a killed run's leftovers removed, before it is made again."""
        if self.manifest is None:
            return False
        episode = self.episodes[i]
        self.keys[i] = key = self.key_of(episode)
        earlier = self.manifest.finished(episode.name, key)
        if earlier is not None:
            self.done(i, dataclasses.replace(EpisodeResult.from_dict(earlier), kept=True))
            return True
        self.manifest.forget(episode.name)  # before a single file of it is replaced
        remove_leftovers(self.outdir / episode.name)  # of a run killed while making it
        return False

    def done(self, i: int, result: EpisodeResult) -> None:
        if self.manifest is not None and result.status == "done" and not result.kept:
            self.manifest.record(result.episode, self.keys.get(i), result.to_dict(),
                                 result.files())  # fmt: skip
        self.results[i] = result
        if self.keep_summary:
            write_summary(self.outdir, self.in_order(), self.unplaced)
        if self.hooks.on_done is not None:
            self.hooks.on_done(result)

    def in_order(self) -> list[EpisodeResult]:
        return [self.results[i] for i in sorted(self.results)]

    def close(self) -> list[EpisodeResult]:
        if self.keep_summary and not self.episodes:
            write_summary(self.outdir, [], self.unplaced)
        return self.in_order()


def run_series(
    episodes: list[Episode],
    make_episode: MakeEpisode,
    outdir: Path,
    hooks: SeriesHooks = SeriesHooks(),
    problems: list[AutocutError] | None = None,
    keep_summary: bool = True,
    key_of: Callable[[Episode], str | None] | None = None,
) -> list[EpisodeResult]:
    """Make every episode in turn (module notes); the result of each, in order.
    ``problems`` are inputs that hold no episode: they are in the summary too. Without
    ``keep_summary`` (a dry run) nothing is written. ``key_of`` gives an episode's key
    (:func:`editor.batch.manifest.episode_key`): with it, finished episodes are kept."""
    ledger = _Ledger(episodes, outdir, hooks, problems, keep_summary, key_of)
    for i, episode in enumerate(episodes):
        if not ledger.kept(i):
            ledger.done(i, _run_one(episode, make_episode, outdir, hooks))
    return ledger.close()


def run_series_on(
    executor,
    episodes: list[Episode],
    job_of: Callable[[Episode, Path], Job],
    outdir: Path,
    hooks: SeriesHooks = SeriesHooks(),
    problems: list[AutocutError] | None = None,
    keep_summary: bool = True,
    key_of: Callable[[Episode], str | None] | None = None,
) -> list[EpisodeResult]:
    """:func:`run_series` with the episodes' stages as tasks on ``executor``
    (:mod:`editor.batch.runner`): several episodes at once, each one's result recorded
    as it ends. ``job_of(episode, folder)`` prepares an episode's job; one that cannot be
    prepared (a bad subtitle file) fails alone."""
    from editor.batch.runner import run_jobs

    ledger = _Ledger(episodes, outdir, hooks, problems, keep_summary, key_of)
    jobs: list[Job] = []
    index: list[int] = []
    for i, episode in enumerate(episodes):
        if ledger.kept(i):
            continue
        try:
            jobs.append(job_of(episode, outdir / episode.name))
            index.append(i)
        except AutocutError as exc:
            ledger.done(i, _failed(episode, outdir, exc, {}, 0.0))

    def on_stage(k: int, stage: str) -> None:
        if hooks.on_stage is not None:
            hooks.on_stage(episodes[index[k]], stage)

    def on_done(k: int, outcome) -> None:
        episode = episodes[index[k]]
        if outcome.error is not None:
            result = _failed(episode, outdir, outcome.error, outcome.stages, outcome.seconds)
        else:
            result = _result(episode, outdir, outcome.report, outcome.stages, outcome.seconds)
            remove_leftovers(outdir / episode.name)  # of a task a dead worker took down
        ledger.done(index[k], result)

    run_jobs(jobs, executor, on_stage, on_done)
    return ledger.close()


def _run_one(
    episode: Episode, make_episode: MakeEpisode, outdir: Path, hooks: SeriesHooks
) -> EpisodeResult:
    folder = outdir / episode.name
    clock = _Clock()
    base = hooks.episode_hooks(episode) if hooks.episode_hooks is not None else Hooks()

    def on_stage(stage: str) -> None:
        clock.enter(stage)
        if hooks.on_stage is not None:
            hooks.on_stage(episode, stage)

    run_hooks = Hooks(on_skip=base.on_skip, analysis_progress=base.analysis_progress,
                      render_progress=base.render_progress, on_stage=on_stage)  # fmt: skip
    try:
        report = make_episode(episode, folder, run_hooks)
    except AutocutError as exc:
        seconds = clock.stop()
        return _failed(episode, outdir, exc, clock.stages, seconds)
    seconds = clock.stop()
    return _result(episode, outdir, report, clock.stages, seconds)


def _failed(
    episode: Episode, outdir: Path, error: AutocutError, stages: dict, seconds: float
) -> EpisodeResult:
    inputs = tuple(str(p) for p in episode.videos)
    return EpisodeResult(episode.name, inputs, str(outdir / episode.name), "failed",
                         stages=stages, seconds=seconds, error=str(error))  # fmt: skip


def _result(
    episode: Episode, outdir: Path, report: Report, stages: dict, seconds: float
) -> EpisodeResult:
    """An episode's result from the report of its run: its outputs, the warnings (footage
    skipped, each output's lint, the run's notes) and its status."""
    from editor.assemble.summary import lint

    outputs, warnings = [], [str(exc) for exc in report.skipped]
    for out in report.outputs:
        subtitles = out.video.with_suffix(".srt") if out.video and out.edl.captions else None
        outputs.append({
            "name": out.name,
            "video": str(out.video) if out.video else None,
            "edl": str(out.edl_path) if out.edl_path else None,
            "cover": str(out.cover) if out.cover else None,
            "subtitles": str(subtitles) if subtitles else None,
            "exports": [str(p) for p in out.exports],
            "duration": round(out.edl.duration, 3),
        })  # fmt: skip
        warnings += [f"{out.name}: {note}" for note in lint(out.edl)]
    warnings += report.notes
    status = "partial" if report.skipped else "done"
    inputs = tuple(str(p) for p in episode.videos)
    return EpisodeResult(episode.name, inputs, str(outdir / episode.name), status,
                         tuple(outputs), tuple(warnings), stages, seconds)  # fmt: skip


def _unplaced(problem: AutocutError) -> dict:
    return {"input": str(problem.where), "error": str(problem)}


def write_summary(outdir: Path, results: list[EpisodeResult], unplaced: list[dict]) -> Path:
    """``OUTDIR/summary.json`` of ``results`` so far (module notes)."""
    done = [r for r in results if r.status != "failed"]
    summary = {
        "version": SUMMARY_VERSION,
        "episodes": [r.to_dict() for r in results],
        "not_episodes": unplaced,
        "totals": {
            "episodes": len(results),
            "done": sum(r.status == "done" for r in results),
            "partial": sum(r.status == "partial" for r in results),
            "failed": sum(r.status == "failed" for r in results),
            "outputs": sum(len(r.outputs) for r in done),
            "seconds": round(sum(r.seconds for r in results), 3),
        },
    }
    path = outdir / SUMMARY_NAME
    write_text(path, json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    return path


def summary_table(results: list[EpisodeResult]) -> list[str]:
    """The run's summary as aligned lines for the terminal: one per episode, then totals."""
    width = max([len("episode"), *(len(r.episode) for r in results)])
    lines = [f"{'episode':<{width}}  {'status':<7}  {'outputs':>7}  {'time':>8}  notes"]
    for r in results:
        note = r.error if r.status == "failed" else f"{len(r.warnings)} warning(s)"
        note = "" if note == "0 warning(s)" else note
        note = "kept from an earlier run" + (f", {note}" if note else "") if r.kept else note
        lines.append(f"{r.episode:<{width}}  {r.status:<7}  {len(r.outputs):>7}  "
                     f"{r.seconds:>7.1f}s  {note}".rstrip())  # fmt: skip
    failed = sum(r.status == "failed" for r in results)
    made = sum(len(r.outputs) for r in results)
    kept = sum(r.kept for r in results)
    lines.append(f"{len(results) - failed} of {len(results)} episodes made"
                 f"{f' ({kept} kept from an earlier run)' if kept else ''}, {made} outputs, "
                 f"{failed} failed")  # fmt: skip
    return lines
