"""The other commands: ``probe``, ``scenes``, ``reframe``, ``check`` and ``presets``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from editor.cli.display import add_no_cache, parse_size, progress_bar
from editor.errors import AutocutError

COMMANDS = ("probe", "scenes", "reframe", "check", "presets")

CSV_HEADER = ("shot", "start_frame", "end_frame", "start", "end", "duration")


def run_command(command: str, argv: list[str]) -> int:
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
    add_no_cache(parser)
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
        progress_factory=progress_bar if sys.stderr.isatty() else None,
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
        "--size",
        default="1080x1920",
        type=parse_size,
        help="output WIDTHxHEIGHT (default 1080x1920)",
    )
    parser.add_argument(
        "--audio",
        choices=("auto", "none"),
        default="auto",
        help="auto: the source's sound, or a silent track if it has none (default); "
        "none: no audio track",
    )
    add_no_cache(parser)
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
        bar = progress_bar(media, "render") if interactive else None
        render_plan(media, plan, args.output, bar, options)
    else:
        from editor.reframing import reframe_video

        analysis, plan = reframe_video(
            args.video,
            args.output,
            args.size,
            options,
            use_cache=not args.no_cache,
            analysis_progress=progress_bar if interactive else None,
            render_progress=(lambda m: progress_bar(m, "render")) if interactive else None,
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
