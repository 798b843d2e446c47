"""The ``autocut`` command: argument parsing, progress display and exit codes only.

Exit codes: 0 success; 1 bad input (one line on stderr: the file and what is wrong, or the
output was made but some inputs were skipped); 2 usage error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from editor import __version__
from editor.errors import AutocutError

COMMANDS = ("probe", "scenes", "presets")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            return _run_command(argv[0], argv[1:])
        return _make(argv)
    except AutocutError as exc:
        print(f"autocut: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("autocut: interrupted; no partial output was kept", file=sys.stderr)
        return 130


def _make_parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--seed", type=int, default=0, help="seed for the edit (default 0)")
    parser.add_argument("--variants", type=_positive_int, default=1, help="outputs to make")
    parser.add_argument(
        "--dry-run", action="store_true", help="plan and print the edit, render nothing"
    )
    parser.add_argument("--version", action="version", version=f"autocut {__version__}")
    return parser


def _make(argv: list[str]) -> int:
    args = _make_parser().parse_args(argv)
    from editor.pipeline import Hooks, make
    from editor.preset import load_preset

    preset = load_preset(args.preset)
    interactive = sys.stderr.isatty()
    hooks = Hooks(
        on_skip=lambda exc: print(f"autocut: skipped {exc}", file=sys.stderr),
        analysis_progress=_progress_bar if interactive else None,
        render_logger="bar" if interactive else None,
    )
    report = make(
        args.inputs,
        preset,
        args.output,
        seed=args.seed,
        variants=args.variants,
        dry_run=args.dry_run,
        hooks=hooks,
    )
    for out in report.outputs:
        if out.video is None:
            _print_edl_summary(out.name, out.edl)
        else:
            print(f"{out.video}  ({out.edl.duration:.2f} s, {len(out.edl.segments)} shots)")
            print(out.edl_path)
    return 1 if report.skipped else 0


def _print_edl_summary(name: str, edl) -> None:
    print(f"{name}: {edl.preset}, seed {edl.seed}, {edl.duration:.2f} s, {edl.width}x{edl.height}")
    for seg in edl.segments:
        print(
            f"  {seg.out_in:7.2f}-{seg.out_out:7.2f}  {Path(seg.source).name} "
            f"[{seg.src_in:.2f}-{seg.src_out:.2f}] shot {seg.shot}"
        )


def _run_command(command: str, argv: list[str]) -> int:
    if command == "probe":
        parser = argparse.ArgumentParser(prog="autocut probe", description="Describe a video.")
        parser.add_argument("video")
        args = parser.parse_args(argv)
        from editor.media.probe import probe

        print(probe(args.video).to_json())
        return 0
    if command == "scenes":
        parser = argparse.ArgumentParser(prog="autocut scenes", description="List shots.")
        parser.add_argument("video")
        parser.add_argument("--json", action="store_true", help="print the scene JSON")
        args = parser.parse_args(argv)
        from editor.analysis.analyze import analyze
        from editor.media.probe import probe

        media = probe(args.video)
        analysis = analyze(media, _progress_bar(media) if sys.stderr.isatty() else None)
        scenes = analysis.scene_dict()
        if args.json:
            print(json.dumps(scenes, indent=2))
        else:
            for s in scenes["scenes"]:
                frames = f"frames {s['start_frame']}-{s['end_frame']}"
                print(f"{s['start']:10.3f} {s['end']:10.3f}  {frames}")
        return 0
    parser = argparse.ArgumentParser(prog="autocut presets", description="List presets.")
    parser.parse_args(argv)
    from editor.preset import builtin_presets, load_preset

    for name in builtin_presets():
        preset = load_preset(name)
        print(f"{name:10s} {preset.duration:5.1f} s  {preset.description}")
    return 0


def _progress_bar(media):
    from tqdm import tqdm

    bar = tqdm(total=media.frame_count, desc=f"analyse {media.path.name}", unit="f", leave=False)
    return bar.update


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


if __name__ == "__main__":
    sys.exit(main())
