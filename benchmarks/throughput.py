"""Throughput benchmark: cold analysis against decoding, and worker processes against one.

    python -m benchmarks.throughput [--rounds N] [--episodes N]

1. **Cold analysis** of the 60 s 1080p30 speed clip with the dialogue clip's sound under it
   (:func:`benchmarks.analysis.dialogue_clip_path`): each round a fresh process analyses it
   with the analysis cache off (imports, models and all, as a user's first run pays), and
   ffmpeg decodes the same file, picture and sound, to nothing: the floor no analysis can go
   below. The order flips every round, so drift on a shared machine falls on both alike.
   Printed: wall seconds (best, median), x real time, and analysis / decode (median of the
   paired per-round ratios). Targets: >= 8x real time, <= 1.6x ffmpeg's decode.
2. **Workers**: a series of ``--episodes`` copies of the same clip as a dry run with the
   cache off, ``--workers 1`` (everything in one process) against ``--workers 2``: footage
   seconds analysed per wall second for each, and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.analysis import dialogue_clip_path, time_decode
from editor.media.decode import decoder_threads, usable_cores
from editor.media.probe import probe

COLD = (
    "import sys\n"
    "from editor.analysis.cache import analyse_file\n"
    "analyse_file(sys.argv[1], use_cache=False)\n"
)


def time_cold_analysis(path: Path) -> float:
    """Wall seconds of a fresh process analysing ``path`` with the cache off."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", COLD, str(path)], check=True)
    return time.perf_counter() - began


def episodes(path: Path, folder: Path, count: int) -> Path:
    """``count`` copies of ``path`` in ``folder/series`` (the cache is off: each is
    analysed)."""
    series = folder / "series"
    series.mkdir(parents=True)
    for k in range(count):
        shutil.copy(path, series / f"ep{k + 1:02d}.mp4")
    return series


def time_series(series: Path, out: Path, workers: int) -> float:
    cmd = [sys.executable, "-m", "editor", str(series), "--each", "file", "--dry-run",
           "--no-cache", "--preset", "teaser", "-o", str(out),
           "--workers", str(workers)]  # fmt: skip
    began = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds of part 1 (default 7)")
    parser.add_argument("--episodes", type=int, default=4, help="files in part 2 (default 4)")
    args = parser.parse_args(argv)
    path = dialogue_clip_path()
    media = probe(path)
    duration = media.duration
    print(f"clip: {path.name}, {media.width}x{media.height} {media.fps:g} fps, "
          f"{duration:.1f} s, {args.rounds} rounds", flush=True)  # fmt: skip
    cores = usable_cores()
    threads = decoder_threads(cores)
    print(f"{cores} cores: the analysis decodes pictures on "
          f"{'one thread' if threads == 1 else 'frame threads'}", flush=True)  # fmt: skip
    time_cold_analysis(path)  # warm-up: files into the page cache, untimed
    cold, decode = [], []
    for k in range(args.rounds):
        first_cold = k % 2 == 0
        if first_cold:
            cold.append(time_cold_analysis(path))
        decode.append(time_decode(path)[1])
        if not first_cold:
            cold.append(time_cold_analysis(path))
        print(f"  round {k + 1}: cold analysis {cold[-1]:.2f} s, ffmpeg decode {decode[-1]:.2f} s",
              flush=True)  # fmt: skip
    ratio = statistics.median(a / d for a, d in zip(cold, decode))
    print(f"\n{'':24s} {'best s':>7s} {'median s':>9s} {'x real time':>12s}")
    for name, runs in (("cold analysis", cold), ("ffmpeg decode (floor)", decode)):
        print(f"{name:24s} {min(runs):7.2f} {statistics.median(runs):9.2f} "
              f"{duration / statistics.median(runs):11.1f}x")  # fmt: skip
    print(f"cold analysis / ffmpeg decode: {ratio:.2f}x (median of paired rounds; target <= 1.6)")
    speed = duration / statistics.median(cold)
    print(f"cold analysis: {speed:.1f}x real time (target >= 8)")

    with tempfile.TemporaryDirectory(prefix="autocut-throughput-") as tmp:
        series = episodes(path, Path(tmp), args.episodes)
        footage = duration * args.episodes
        print(f"\nworkers: {args.episodes} files of {duration:.0f} s, dry run, cache off")
        rates = {}
        for workers in (1, 2):
            took = time_series(series, Path(tmp) / f"out{workers}", workers)
            rates[workers] = footage / took
            print(f"  --workers {workers}: {took:.1f} s, {rates[workers]:.1f} s of footage per s")
        print(f"--workers 2 / --workers 1 throughput: {rates[2] / rates[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
