"""Series benchmark: a season folder in one command, killed at a random moment and resumed.

    python -m benchmarks.series [--episodes 100] [--bad 5] [--seed N] [--folder DIR]
                                [--workers N] [--executor local|dask]

The series fixture (:mod:`fixtures.series`: ``--episodes`` files of 20 s, ``--bad`` of them
damaged) is made once (into ``--folder`` to keep it between runs), then two series runs of
the main job with a 6 s preset at 360x640, analysis cache off, each in its own process:

- **whole**: one run from start to end: the baseline;
- **killed and resumed**: the same command, SIGKILLed at a random moment (after a number of
  finished episodes and a fraction of a second drawn from ``--seed``), then run again.

Both runs take ``--workers`` and ``--executor`` when given (default: all in one process).

It checks and prints: every good episode made (a complete output set each), one line per
damaged file, the summary; that the rerun kept exactly the episodes the manifest held at the
kill, untouched (file times), and made the rest; that every EDL is byte-identical to the
whole run's; and the times: the rerun against the whole run, and the footage's length
against the whole run (x real time).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixtures.series import PIECE_SECONDS, PIECES, bad_numbers, build

PRESET = (
    'name = "short"\ndescription = "six seconds"\nduration = 6\n[cards]\ntitle = 0\nend = 1.5\n'
    "[hook]\nmax_length = 1.5\n[output]\nwidth = 360\nheight = 640\n"
)


def _command(series: Path, preset: Path, out: Path, options: list[str]) -> list[str]:
    return [sys.executable, "-m", "editor", str(series), "--each", "file", "--preset",
            str(preset), "-o", str(out), "--no-cache", *options]  # fmt: skip


def _stamps(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def _finished(out: Path) -> set[str]:
    try:
        return set(json.loads((out / "manifest.json").read_text())["episodes"])
    except (OSError, ValueError, KeyError):
        return set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--bad", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=None, help="--workers for both runs")
    parser.add_argument("--executor", choices=["local", "dask"], default="local")
    args = parser.parse_args(argv)
    options = ["--executor", args.executor]
    if args.workers is not None:
        options += ["--workers", str(args.workers)]
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        series = args.folder or root / "series"
        begun = time.perf_counter()
        build(series, args.episodes, args.bad)
        print(
            f"series: {args.episodes} files ({args.bad} damaged) in {series}, "
            f"made in {time.perf_counter() - begun:.1f} s; runs with {' '.join(options)}"
        )
        preset = root / "short.toml"
        preset.write_text(PRESET)
        whole, resumed = root / "whole", root / "resumed"

        begun = time.perf_counter()
        done = subprocess.run(
            _command(series, preset, whole, options), capture_output=True, text=True
        )
        whole_s = time.perf_counter() - begun
        good = args.episodes - len(bad_numbers(args.episodes, args.bad))

        rng = random.Random(args.seed)
        after = rng.randint(1, max(1, good - 1))
        extra = rng.uniform(0.0, 3.0)
        command = _command(series, preset, resumed, options)
        run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while run.poll() is None and len(_finished(resumed)) < after:
            time.sleep(0.05)
        time.sleep(extra)
        killed_with = len(_finished(resumed))
        run.send_signal(signal.SIGKILL)
        run.wait()
        kept = _finished(resumed)
        before = _stamps(resumed)
        begun = time.perf_counter()
        again = subprocess.run(
            _command(series, preset, resumed, options), capture_output=True, text=True
        )
        rerun_s = time.perf_counter() - begun

        for name, result, out in (("whole", done, whole), ("resumed", again, resumed)):
            summary = json.loads((out / "summary.json").read_text())
            totals = summary["totals"]
            lines = result.stderr.strip().splitlines()
            print(f"{name}: exit {result.returncode}, {totals['done']} episodes made, "
                  f"{totals['failed']} failed, {len(lines)} lines on stderr")  # fmt: skip
            if totals["done"] != good or totals["failed"] != args.episodes - good:
                problems.append(f"{name}: {totals['done']} made, {totals['failed']} failed")
            if len(lines) != args.episodes - good:
                problems.append(f"{name}: {len(lines)} error lines")
            for episode in summary["episodes"]:
                if episode["status"] == "done":
                    files = sorted(p.name for p in (out / episode["episode"]).iterdir())
                    if len(files) != 3 or any(p.startswith(".") for p in files):
                        problems.append(f"{name}: {episode['episode']} holds {files}")
        summary = json.loads((resumed / "summary.json").read_text())
        rerun_kept = {e["episode"] for e in summary["episodes"] if e["kept"]}
        if rerun_kept != kept:
            problems.append(
                f"the rerun kept {sorted(rerun_kept)}, the manifest held {sorted(kept)}"
            )
        after_stamps = _stamps(resumed)
        touched = [
            f for f in before if f.split("/")[0] in kept and after_stamps.get(f) != before[f]
        ]
        if touched:
            problems.append(f"kept files changed: {touched[:3]}")
        differ = [
            p.relative_to(whole) for p in whole.rglob("*.edl.json")
            if p.read_bytes() != (resumed / p.relative_to(whole)).read_bytes()
        ]  # fmt: skip
        if differ:
            problems.append(f"EDLs differ from the whole run's: {differ[:3]}")
        footage = good * PIECES * PIECE_SECONDS
        print(f"killed after {killed_with} finished episodes (+{extra:.2f} s); the rerun kept "
              f"{len(rerun_kept)} and made {good - len(rerun_kept)}")  # fmt: skip
        print(f"whole run            {whole_s:8.1f} s  ({footage / whole_s:.1f}x real time, "
              f"{whole_s / good:.2f} s an episode)")  # fmt: skip
        print(f"rerun after the kill {rerun_s:8.1f} s  = {rerun_s / whole_s:.2f}x the whole run "
              f"for {good - len(rerun_kept)} of {good} episodes")  # fmt: skip
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
