"""Benchmark runner: each row times autocut against a baseline measured in the same run.

Machines are shared and noisy, so no row has an absolute limit: what matters is the ratio
to a baseline that ran on the same machine minutes apart. Each measurement is the best of
``--repeat`` runs (the least disturbed one).

    python -m benchmarks.run [--footage DIR] [--shared-footage DIR] [--repeat N] [--skip-scenes]

The scene rows come from ``benchmarks.scenes``, which also prints its accuracy table first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.inputs import collect_videos
from editor.media.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    name: str
    subject: str
    subject_s: float
    baseline: str
    baseline_s: float

    @property
    def ratio(self) -> float:
        return self.subject_s / self.baseline_s


def best_time(action: Callable[[], None], repeat: int) -> float:
    """Fastest wall time of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def best_times(actions: Sequence[Callable[[], None]], repeat: int) -> list[float]:
    """Fastest wall time of each of ``actions`` over ``repeat`` rounds that run each once, in
    turn: on a shared machine a slow spell then costs every action alike, where timing one
    action's runs after the other's would give it all to one side of the ratio."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, spent in zip(actions, times):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def ffmpeg_decode(paths: list[Path]) -> None:
    """Baseline: ffmpeg decodes every file to nothing (all frames, all streams)."""
    for path in paths:
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
             "-f", "null", "-"],
            check=True,
        )  # fmt: skip


def end_to_end_trailer(footage: Path, repeat: int) -> Row:
    """The main job (analysis, planning, rendering a 30 s trailer) vs decoding its footage."""
    paths, _ = collect_videos([footage])
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-m",
            "editor",
            str(footage),
            "--preset",
            "trailer",
            "-o",
            out,
            "--no-cache",
        ]
        subject = best_time(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), repeat
        )
    baseline = best_time(lambda: ffmpeg_decode(paths), repeat)
    return Row(
        "end-to-end trailer",
        "autocut --preset trailer",
        subject,
        "ffmpeg -f null decode",
        baseline,
    )


def print_table(rows: list[Row]) -> None:
    header = f"{'benchmark':28s} {'autocut':>10s} {'baseline':>10s} {'ratio':>7s}  baseline is"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:28s} {row.subject_s:9.2f}s {row.baseline_s:9.2f}s "
            f"{row.ratio:6.2f}x  {row.baseline}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footage", type=Path, default=ROOT / "fixtures" / "footage")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--shared-footage",
        type=Path,
        default=None,
        help="labelled shared clips for the scene benchmark (default: AUTOCUT_FOOTAGE, "
        "else ../shared/footage)",
    )
    parser.add_argument("--skip-scenes", action="store_true", help="only the end-to-end row")
    args = parser.parse_args(argv)
    rows = [end_to_end_trailer(args.footage, args.repeat)]
    if not args.skip_scenes:
        from benchmarks import scenes

        rows += scenes.run(args.shared_footage, args.repeat)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
