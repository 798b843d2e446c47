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
        return [Path(out[k]) for out in self.outputs for k in keys if out.get(k)]

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
    results: list[EpisodeResult] = []
    unplaced = [_unplaced(p) for p in problems or ()]
    manifest = Manifest(outdir) if key_of is not None and keep_summary else None
    if manifest is not None:
        remove_leftovers(outdir)  # the summary's or the manifest's, of a killed run
    for episode in episodes:
        key = key_of(episode) if manifest is not None else None
        earlier = manifest.finished(episode.name, key) if manifest is not None else None
        if earlier is not None:
            result = dataclasses.replace(EpisodeResult.from_dict(earlier), kept=True)
        else:
            if manifest is not None:
                manifest.forget(episode.name)  # before a single file of it is replaced
                remove_leftovers(outdir / episode.name)  # of a run killed while making it
            result = _run_one(episode, make_episode, outdir, hooks)
            if manifest is not None and result.status == "done":
                manifest.record(episode.name, key, result.to_dict(), result.files())
        results.append(result)
        if keep_summary:
            write_summary(outdir, results, unplaced)
        if hooks.on_done is not None:
            hooks.on_done(results[-1])
    if keep_summary and not episodes:
        write_summary(outdir, results, unplaced)
    return results


def _run_one(
    episode: Episode, make_episode: MakeEpisode, outdir: Path, hooks: SeriesHooks
) -> EpisodeResult:
    folder = outdir / episode.name
    clock = _Clock()
    base = hooks.episode_hooks(episode) if hooks.episode_hooks is not None else Hooks()
    skipped: list[str] = []

    def on_stage(stage: str) -> None:
        clock.enter(stage)
        if hooks.on_stage is not None:
            hooks.on_stage(episode, stage)

    def on_skip(exc: AutocutError) -> None:
        skipped.append(str(exc))
        if base.on_skip is not None:
            base.on_skip(exc)

    run_hooks = Hooks(on_skip=on_skip, analysis_progress=base.analysis_progress,
                      render_progress=base.render_progress, on_stage=on_stage)  # fmt: skip
    inputs = tuple(str(p) for p in episode.videos)
    try:
        report = make_episode(episode, folder, run_hooks)
    except AutocutError as exc:
        seconds = clock.stop()
        return EpisodeResult(episode.name, inputs, str(folder), "failed", stages=clock.stages,
                             seconds=seconds, error=str(exc))  # fmt: skip
    seconds = clock.stop()
    from editor.assemble.summary import lint

    outputs, warnings = [], list(skipped)
    for out in report.outputs:
        subtitles = out.video.with_suffix(".srt") if out.video and out.edl.captions else None
        outputs.append({
            "name": out.name,
            "video": str(out.video) if out.video else None,
            "edl": str(out.edl_path) if out.edl_path else None,
            "cover": str(out.cover) if out.cover else None,
            "subtitles": str(subtitles) if subtitles else None,
            "duration": round(out.edl.duration, 3),
        })  # fmt: skip
        warnings += [f"{out.name}: {note}" for note in lint(out.edl)]
    warnings += report.notes
    status = "partial" if report.skipped else "done"
    return EpisodeResult(episode.name, inputs, str(folder), status, tuple(outputs),
                         tuple(warnings), clock.stages, seconds)  # fmt: skip


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
