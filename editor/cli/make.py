"""The main job's command line: footage in, outputs out; with ``--each``, a series run."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from editor import __version__
from editor.cli.commands import COMMANDS
from editor.cli.display import add_no_cache, bounded_int, progress_bar, render_bar, say
from editor.errors import AutocutError

MAX_SEED = 2**32 - 1


def make_parser() -> argparse.ArgumentParser:
    from editor.assemble.variants import MAX_VARIANTS
    from editor.export import EXPORT_FORMATS
    from editor.preset import LOUDNESS

    parser = argparse.ArgumentParser(
        prog="autocut",
        description=(
            "Turn landscape footage into vertical trailers, teasers and promo clips. "
            f"Other commands: {', '.join(COMMANDS)} (autocut COMMAND --help)."
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="video files or folders")
    parser.add_argument("--preset", default="trailer", help="preset name or .toml file")
    parser.add_argument("-o", "--output", default="out", type=Path, help="output folder")
    parser.add_argument(
        "--seed",
        type=bounded_int(0, MAX_SEED),
        default=0,
        help=f"seed for the edit, 0 to {MAX_SEED} (default 0)",
    )
    parser.add_argument(
        "--variants",
        type=bounded_int(1, MAX_VARIANTS),
        default=1,
        help=f"outputs to make, each a different edit (1 to {MAX_VARIANTS}, default 1)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="plan and print the edit, render nothing"
    )
    parser.add_argument("--title", help="series title on the cards (default: the input's name)")
    parser.add_argument("--logo", type=Path, help="PNG logo shown on every frame")
    music = parser.add_mutually_exclusive_group()
    music.add_argument(
        "--music",
        type=Path,
        metavar="FILE",
        help="music under the output (any sound file ffmpeg reads; default: the preset's, "
        "else a music bed autocut makes from the seed)",
    )
    music.add_argument("--no-music", action="store_true", help="no music: the footage's sound")
    parser.add_argument(
        "--loudness",
        choices=list(LOUDNESS),
        help="master the sound for streaming (-14 LUFS, true peak -1 dBTP) or broadcast "
        "(EBU R128, -23 LUFS) (default: the preset's, streaming in the built-in ones)",
    )
    parser.add_argument(
        "--subs",
        action="append",
        default=[],
        metavar="[LANG=]FILE",
        help="subtitle file (SRT, WebVTT or ASS) whose lines become captions; repeat for "
        "more languages. The language comes from the name (ep01.th.srt) or LANG=. Folder "
        "inputs also use <video>.<lang>.srt beside each video",
    )
    parser.add_argument(
        "--texts",
        type=Path,
        metavar="FILE",
        help="TOML file of the cards' title and call to action per subtitle language "
        "([th] title = ... call_to_action = ...)",
    )
    parser.add_argument(
        "--subs-encoding",
        metavar="NAME",
        help="text encoding of the subtitle files (default: found: UTF-8, UTF-16, GB18030, "
        "Shift-JIS or TIS-620)",
    )
    parser.add_argument(
        "--each",
        choices=["file", "folder"],
        help="a series run: one set of outputs per video file (or per folder inside the input "
        "folders), each into OUTDIR/<name>/, with OUTDIR/summary.json. Running it again keeps "
        "the episodes already made, unchanged (OUTDIR/manifest.json)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --each: go on with the series run in OUTDIR, which must hold its manifest "
        "(what a plain rerun does, but a mistyped OUTDIR is an error, not a fresh run)",
    )
    parser.add_argument(
        "--export",
        action="append",
        default=[],
        choices=EXPORT_FORMATS,
        help="also write each output's cut for editing programs: otio (OpenTimelineIO), "
        "fcpxml (Final Cut Pro), edl (CMX 3600); repeat for more",
    )
    parser.add_argument(
        "--workers",
        type=bounded_int(1, 256),
        metavar="N",
        help="worker processes: footage analysed, and outputs planned and rendered, N at "
        "a time (default: all in this process, two files analysed side by side)",
    )
    parser.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="where the work runs: local processes (default), or a Dask cluster "
        "(--scheduler, else a local one of --workers processes; pip install 'autocut[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: the scheduler's address (tcp://HOST:8786); every worker "
        "must see the footage and output folder at the same paths",
    )
    add_no_cache(parser)
    parser.add_argument("--version", action="version", version=f"autocut {__version__}")
    return parser


def make_outputs(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    from editor.pipeline import Hooks, make
    from editor.preset import load_preset

    preset = load_preset(args.preset)
    if args.loudness is not None:
        preset = dataclasses.replace(
            preset, sound=dataclasses.replace(preset.sound, loudness=args.loudness)
        )
    if args.music is not None or args.no_music:
        chosen = str(args.music.resolve()) if args.music is not None else ""
        preset = dataclasses.replace(
            preset,
            music=dataclasses.replace(preset.music, enabled=not args.no_music, file=chosen),
        )
    interactive = sys.stderr.isatty()
    hooks = Hooks(
        on_skip=lambda exc: say(f"autocut: skipped {exc}"),
        analysis_progress=progress_bar if interactive else None,
        render_progress=render_bar if interactive else None,
    )
    if args.scheduler is not None and args.executor != "dask":
        raise AutocutError("--scheduler", "goes with --executor dask")
    if args.each is not None:
        return _make_series(args, preset, hooks, interactive)
    if args.resume:
        raise AutocutError("--resume", "goes with a series run (--each file or --each folder)")
    settings = dict(
        seed=args.seed, variants=args.variants, dry_run=args.dry_run, title=args.title,
        logo=args.logo, use_cache=not args.no_cache, subtitles=args.subs,
        subtitles_encoding=args.subs_encoding, texts=args.texts, exports=args.export,
    )  # fmt: skip
    executor = _executor(args)
    if executor is None:
        report = make(args.inputs, preset, args.output, hooks=hooks, **settings)
    else:
        from editor.batch.runner import run_jobs
        from editor.job import prepare

        job = prepare(args.inputs, preset, args.output, **settings)
        with _closing(executor):
            (outcome,) = run_jobs([job], executor)
        if outcome.error is not None:
            raise outcome.error
        report = outcome.report
        for problem in report.skipped:
            hooks.on_skip(problem)
    from editor.assemble.summary import lint, summary_lines

    for out in report.outputs:
        if out.video is None:
            print("\n".join(summary_lines(out.name, out.edl)))
        else:
            print(f"{out.video}  ({out.edl.duration:.2f} s, {len(out.edl.segments)} shots)")
            print(out.edl_path)
            print(out.cover)
            for path in out.exports:
                print(path)
            for note in lint(out.edl):
                print(f"autocut: note: {out.name}: {note}", file=sys.stderr)
    for note in report.notes:
        print(f"autocut: note: {note}", file=sys.stderr)
    if not args.dry_run:
        from editor.report import write_report

        print(write_report(args.output, report.outputs))
    return 1 if report.skipped else 0


def _executor(args: argparse.Namespace):
    """The executor ``--workers``/``--executor`` ask for; None: all in this process."""
    from editor.batch.executors import DaskExecutor, LocalExecutor, default_workers

    if args.executor == "dask":
        return DaskExecutor(args.scheduler, args.workers or default_workers())
    if args.workers is not None and args.workers > 1:
        return LocalExecutor(args.workers)
    return None


class _closing:
    """Closes an executor on the way out: its workers stopped at once when interrupted."""

    def __init__(self, executor) -> None:
        self.executor = executor

    def __enter__(self):
        return self.executor

    def __exit__(self, kind, value, trace) -> None:
        self.executor.close(now=kind is not None)


def _make_series(args: argparse.Namespace, preset, hooks, interactive: bool) -> int:
    """``--each``: every episode's outputs in its own folder, a summary table at the end."""
    from editor.atomic import writable_folder
    from editor.batch.episodes import episode_files, find_episodes
    from editor.batch.manifest import MANIFEST_NAME, episode_key
    from editor.batch.series import (
        SUMMARY_NAME,
        SeriesHooks,
        run_series,
        run_series_on,
        summary_table,
    )
    from editor.captions.languages import named_after, parse_subs_option
    from editor.job import prepare
    from editor.pipeline import make

    if args.resume and not (args.output / MANIFEST_NAME).is_file():
        raise AutocutError(args.output, "holds no series run to resume (no manifest.json)")
    episodes, problems = find_episodes(args.inputs, args.each, args.output)
    if not episodes and len(problems) == 1:
        raise problems[0]
    if not episodes:
        raise AutocutError(", ".join(args.inputs), "holds no episode")
    for value in args.subs:
        if not any(named_after(value, e.videos) for e in episodes):
            raise AutocutError(
                parse_subs_option(value)[1],
                "fits no episode's video: name it after its video, like <video>.<lang>.srt",
            )
    for problem in problems:
        say(f"autocut: skipped {problem}")
    if not args.dry_run:
        writable_folder(args.output)

    def subs_of(episode) -> list[str]:
        return [v for v in args.subs if named_after(v, episode.videos)]

    def episode_settings(episode) -> dict:
        return dict(
            seed=args.seed, variants=args.variants, dry_run=args.dry_run, title=args.title,
            logo=args.logo, use_cache=not args.no_cache, subtitles=subs_of(episode),
            subtitles_encoding=args.subs_encoding, texts=args.texts,
            subtitle_folders=[episode.series] if episode.series is not None else [],
            exports=args.export,
        )  # fmt: skip

    def make_episode(episode, folder, episode_hooks):
        return make([episode.source], preset, folder, hooks=episode_hooks,
                    **episode_settings(episode))  # fmt: skip

    def job_of(episode, folder):
        return prepare([episode.source], preset, folder, **episode_settings(episode))

    # What an episode's outputs depend on besides its own files: a rerun keeps an episode
    # made under the same settings from the same content (editor.batch.manifest).
    settings = {
        "preset": dataclasses.asdict(preset), "seed": args.seed, "variants": args.variants,
        "title": args.title, "subtitles_encoding": args.subs_encoding, "exports": args.export,
    }  # fmt: skip
    music = Path(preset.music.file) if preset.music.enabled and preset.music.file else None
    font = Path(preset.captions.font) if preset.captions.font else None
    shared = [p for p in (args.logo, args.texts, music, font) if p is not None]

    def key_of(episode) -> str | None:
        try:
            files = episode_files(episode, subs_of(episode))
        except AutocutError:
            return None  # made again, and its error reported
        return episode_key(settings, [*files, *shared])

    bar = None
    if interactive:
        from tqdm import tqdm

        bar = tqdm(total=len(episodes), unit="set", desc="episodes", position=0)

    stages: dict[str, str] = {}  # episode -> the stage it is in

    def on_stage(episode, stage: str) -> None:
        stages[episode.name] = stage
        show()

    def on_done(result) -> None:
        stages.pop(result.episode, None)
        if result.status == "failed":
            say(f"autocut: {result.episode}: {result.error}")
        if bar is not None:
            bar.update(1)
            show()

    def show() -> None:
        if bar is None:
            return
        if len(stages) == 1:
            ((name, stage),) = stages.items()
            bar.set_postfix_str(f"{name}: {stage}")
        else:
            counts = {s: list(stages.values()).count(s) for s in ("analysis", "plan", "render")}
            bar.set_postfix_str(", ".join(f"{s} {n}" for s, n in counts.items() if n))

    series_hooks = SeriesHooks(
        episode_hooks=lambda _episode: hooks, on_stage=on_stage, on_done=on_done
    )
    executor = _executor(args)
    try:
        if executor is None:
            results = run_series(
                episodes, make_episode, args.output, series_hooks, problems,
                keep_summary=not args.dry_run, key_of=key_of,
            )  # fmt: skip
        else:
            with _closing(executor):
                results = run_series_on(
                    executor, episodes, job_of, args.output, series_hooks, problems,
                    keep_summary=not args.dry_run, key_of=key_of,
                )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    print("\n".join(summary_table(results)))
    if not args.dry_run:
        import json

        from editor.report import series_outputs, write_report

        summary = json.loads((args.output / SUMMARY_NAME).read_text(encoding="utf-8"))
        print(args.output / SUMMARY_NAME)
        print(write_report(args.output, series_outputs(summary), summary))
    return 1 if problems or any(r.status != "done" for r in results) else 0
