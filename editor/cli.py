"""The ``autocut`` command: argument parsing, progress display and exit codes only.

Exit codes: 0 success; 1 bad input (one line on stderr: the file and what is wrong, or the
output was made but some inputs were skipped); 2 usage error; 130 interrupted (Ctrl-C);
143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from editor import __version__
from editor.errors import AutocutError, Terminated

COMMANDS = ("probe", "scenes", "reframe", "check", "presets")

CSV_HEADER = ("shot", "start_frame", "end_frame", "start", "end", "duration")


MAX_SEED = 2**32 - 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        with _sigterm_unwinds():
            if argv and argv[0] in COMMANDS:
                return _run_command(argv[0], argv[1:])
            return _make(argv)
    except AutocutError as exc:
        print(f"autocut: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("autocut: stopped (SIGTERM); no partial output was kept", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("autocut: interrupted; no partial output was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read stdout stopped (``| head``): nothing left to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread, so the run
    unwinds as it does on Ctrl-C (temporary files removed, helpers stopped)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _make_parser() -> argparse.ArgumentParser:
    from editor.assemble.variants import MAX_VARIANTS
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
        type=_bounded_int(0, MAX_SEED),
        default=0,
        help=f"seed for the edit, 0 to {MAX_SEED} (default 0)",
    )
    parser.add_argument(
        "--variants",
        type=_bounded_int(1, MAX_VARIANTS),
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
    _add_no_cache(parser)
    parser.add_argument("--version", action="version", version=f"autocut {__version__}")
    return parser


def _make(argv: list[str]) -> int:
    args = _make_parser().parse_args(argv)
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
        on_skip=lambda exc: print(f"autocut: skipped {exc}", file=sys.stderr),
        analysis_progress=_progress_bar if interactive else None,
        render_progress=_render_bar if interactive else None,
    )
    report = make(
        args.inputs,
        preset,
        args.output,
        seed=args.seed,
        variants=args.variants,
        dry_run=args.dry_run,
        title=args.title,
        logo=args.logo,
        use_cache=not args.no_cache,
        subtitles=args.subs,
        subtitles_encoding=args.subs_encoding,
        texts=args.texts,
        hooks=hooks,
    )
    from editor.assemble.summary import lint, summary_lines

    for out in report.outputs:
        if out.video is None:
            print("\n".join(summary_lines(out.name, out.edl)))
        else:
            print(f"{out.video}  ({out.edl.duration:.2f} s, {len(out.edl.segments)} shots)")
            print(out.edl_path)
            print(out.cover)
            for note in lint(out.edl):
                print(f"autocut: note: {out.name}: {note}", file=sys.stderr)
    for note in report.notes:
        print(f"autocut: note: {note}", file=sys.stderr)
    return 1 if report.skipped else 0


def _run_command(command: str, argv: list[str]) -> int:
    if command == "probe":
        parser = argparse.ArgumentParser(prog="autocut probe", description="Describe a video.")
        parser.add_argument("video")
        args = parser.parse_args(argv)
        from editor.media.probe import probe

        print(probe(args.video).to_json())
        return 0
    if command == "scenes":
        return _scenes(argv)
    if command == "reframe":
        return _reframe(argv)
    if command == "check":
        return _check(argv)
    parser = argparse.ArgumentParser(prog="autocut presets", description="List presets.")
    parser.parse_args(argv)
    from editor.preset import builtin_presets, load_preset

    for name in builtin_presets():
        preset = load_preset(name)
        print(f"{name:10s} {preset.duration:5.1f} s  {preset.description}")
    return 0


def _check(argv: list[str]) -> int:
    from editor.captions.check import caption_problems
    from editor.media.check import PLATFORMS, read_facts, violations

    parser = argparse.ArgumentParser(
        prog="autocut check",
        description="Check files against the delivery rules of short-video platforms: lists "
        "every violation, exits non-zero if there is any.",
    )
    parser.add_argument("videos", nargs="+", metavar="VIDEO", help="video files or folders")
    parser.add_argument(
        "--platform",
        choices=[*PLATFORMS, "all"],
        default="all",
        help="platform whose rules apply (default: all of them)",
    )
    args = parser.parse_args(argv)
    names = list(PLATFORMS) if args.platform == "all" else [args.platform]
    from editor.inputs import collect_videos

    videos, problems = collect_videos(args.videos, footage=False)
    for problem in problems:
        print(f"autocut: {problem}", file=sys.stderr)
    failed = bool(problems)
    for video in videos:
        try:
            facts = read_facts(video)
        except AutocutError as exc:
            print(f"autocut: {exc}", file=sys.stderr)
            failed = True
            continue
        problems = [(name, v) for name in names for v in violations(facts, PLATFORMS[name])]
        for name, problem in problems:
            print(f"{video}: {name}: {problem}")
        if not problems:
            print(f"{video}: ok for {', '.join(names)}")
        captions = caption_problems(video)
        for problem in captions:
            print(f"{video}: {problem}")
        failed = failed or bool(problems) or bool(captions)
        if facts.loudness is not None:
            print(f"{video}: {_loudness_report(facts, [PLATFORMS[n] for n in names])}")
    return 1 if failed else 0


def _loudness_report(facts, platforms) -> str:
    """One line: the sound's loudness, then each platform's verdict (grouped when alike)."""
    from editor.media.check import loudness_notes

    sound = facts.loudness
    line = (
        f"sound {sound.integrated:.1f} LUFS integrated, true peak {sound.true_peak:+.1f} dBTP, "
        f"range {sound.range:.1f} LU"
    )
    verdicts: dict[str, list[str]] = {}
    for platform in platforms:
        notes = loudness_notes(facts, platform)
        target = f"{platform.loudness:g} LUFS, <= {platform.true_peak:g} dBTP"
        key = "; ".join(notes) if notes else f"on target ({target})"
        verdicts.setdefault(key, []).append(platform.name)
    return line + "".join(f"; {', '.join(who)}: {v}" for v, who in verdicts.items())


def _scenes(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="autocut scenes",
        description="List the shots of a video, or split it into one file per shot.",
    )
    parser.add_argument("video")
    listing = parser.add_mutually_exclusive_group()
    listing.add_argument("--json", action="store_true", help="print the scene JSON")
    listing.add_argument(
        "--csv",
        action="store_true",
        help=f"print one CSV row per shot: {','.join(CSV_HEADER)} (shots numbered from 1 like "
        "the --split files; frames 0-based, end exclusive; times in seconds)",
    )
    parser.add_argument(
        "--split",
        metavar="DIR",
        type=Path,
        help="write each shot to DIR/<name>-shot-NNN.mp4, frame-accurate (re-encoded), and "
        "print their paths (to stderr when --json or --csv takes stdout)",
    )
    parser.add_argument(
        "--copy",
        action="store_true",
        help="with --split: copy the streams instead of re-encoding (fast, lossless); cuts "
        "then land on the nearest keyframe at or after each cut, and files keep the source's "
        "container",
    )
    _add_no_cache(parser)
    args = parser.parse_args(argv)
    if args.copy and args.split is None:
        parser.error("--copy only goes with --split DIR")
    if args.split is not None:
        from editor.atomic import writable_folder

        writable_folder(args.split)
    from editor.analysis.cache import analyse_file

    analysis = analyse_file(
        args.video,
        use_cache=not args.no_cache,
        progress_factory=_progress_bar if sys.stderr.isatty() else None,
        scope="shots",
    )
    written = []
    if args.split is not None:
        from editor.render.split import Cut, split_shots

        cuts = [Cut(shot.start_frame, shot.start) for shot in analysis.shots[1:]]
        written = split_shots(
            analysis.media, cuts, analysis.frame_count, args.split, copy=args.copy
        )
    scenes = analysis.scene_dict()
    if args.json:
        print(json.dumps(scenes, indent=2))
    elif args.csv:
        sys.stdout.write(scenes_csv(scenes))
    elif args.split is None:
        for s in scenes["scenes"]:
            frames = f"frames {s['start_frame']}-{s['end_frame']}"
            print(f"{s['start']:10.3f} {s['end']:10.3f}  {frames}")
    paths_to = sys.stderr if args.json or args.csv else sys.stdout
    for path in written:
        print(path, file=paths_to)
    return 0


def _reframe(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="autocut reframe",
        description="Turn a whole video vertical: one output frame per input frame, faces kept "
        "in frame by a smooth virtual camera, split panels for faces far apart.",
    )
    parser.add_argument("video")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output .mp4")
    parser.add_argument("--plan-out", type=Path, help="also write the reframe plan as JSON")
    parser.add_argument(
        "--plan",
        type=Path,
        help="render this reframe plan (JSON, e.g. an edited --plan-out) instead of planning",
    )
    parser.add_argument(
        "--debug-video",
        type=Path,
        help="also write the source with the planned windows, faces and track ids drawn",
    )
    parser.add_argument(
        "--size", default="1080x1920", type=_size, help="output WIDTHxHEIGHT (default 1080x1920)"
    )
    parser.add_argument(
        "--audio",
        choices=("auto", "none"),
        default="auto",
        help="auto: the source's sound, or a silent track if it has none (default); "
        "none: no audio track",
    )
    _add_no_cache(parser)
    args = parser.parse_args(argv)
    from editor.atomic import writable_file, write_text
    from editor.render.reframe import RenderOptions, render_debug, render_plan

    outputs = [p for p in (args.output, args.plan_out, args.debug_video) if p is not None]
    if len({p.resolve() for p in outputs}) < len(outputs):
        parser.error("-o, --plan-out and --debug-video must name different files")
    inputs = tuple(Path(p) for p in (args.video, args.plan) if p is not None)
    for path in outputs:
        writable_file(path, not_one_of=inputs)

    options = RenderOptions(audio=args.audio)
    interactive = sys.stderr.isatty()
    if args.plan is not None:
        from editor.analysis.model import no_faces
        from editor.media.probe import probe
        from editor.reframe.plan import read_plan

        media = probe(args.video)
        plan = read_plan(args.plan, media)
        faces = no_faces()
        bar = _progress_bar(media, "render") if interactive else None
        render_plan(media, plan, args.output, bar, options)
    else:
        from editor.reframing import reframe_video

        analysis, plan = reframe_video(
            args.video,
            args.output,
            args.size,
            options,
            use_cache=not args.no_cache,
            analysis_progress=_progress_bar if interactive else None,
            render_progress=(lambda m: _progress_bar(m, "render")) if interactive else None,
        )
        media, faces = analysis.media, analysis.face_boxes
    if args.plan_out is not None:
        write_text(args.plan_out, plan.to_json())
    if args.debug_video is not None:
        render_debug(media, plan, faces, args.debug_video)
    for framing in plan.shots:
        print(
            f"frames {framing.start_frame}-{framing.end_frame}: {framing.mode} ({framing.reason})"
        )
    upscale = plan.max_upscale()
    if upscale > 1.0:
        print(f"note: the picture is enlarged up to {upscale:.2f}x from the source's pixels")
    print(args.output)
    return 0


def scenes_csv(scenes: dict) -> str:
    """The shots of a scene JSON document as CSV (see ``CSV_HEADER``).

    Shots are numbered from 1, as the ``--split`` files are; frames are 0-based with the end
    exclusive, as in the JSON; times are the JSON's seconds with 6 decimals, and the duration
    is the difference of those, so every column can be checked against the JSON.
    """
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for number, shot in enumerate(scenes["scenes"], start=1):
        start, end = shot["start"], shot["end"]
        times = (f"{start:.6f}", f"{end:.6f}", f"{end - start:.6f}")
        writer.writerow((number, shot["start_frame"], shot["end_frame"], *times))
    return text.getvalue()


def _add_no_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse afresh: neither read nor write the analysis cache (AUTOCUT_CACHE_DIR)",
    )


def _progress_bar(media, what: str = "analyse"):
    from tqdm import tqdm

    bar = tqdm(total=media.frame_count, desc=f"{what} {media.path.name}", unit="f", leave=False)
    return bar.update


def _render_bar(name: str, frames: int):
    from tqdm import tqdm

    return tqdm(total=frames, desc=f"render {name}", unit="f", leave=False).update


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected WIDTHxHEIGHT, e.g. 1080x1920") from None
    from editor.preset import MAX_SIDE, MIN_SIDE

    if (
        width % 2
        or height % 2
        or not MIN_SIDE <= min(width, height) <= max(width, height) <= MAX_SIDE
    ):
        raise argparse.ArgumentTypeError(
            f"width and height must be even and from {MIN_SIDE} to {MAX_SIDE}"
        )
    return width, height


def _bounded_int(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {value}")
        return value

    return parse


if __name__ == "__main__":
    sys.exit(main())
