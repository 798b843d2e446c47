"""Render benchmark: `autocut reframe` end to end against plain ffmpeg and a naive MoviePy
route, on a generated 60 s 1920x1080 30 fps clip with faces, in one run.

    python -m benchmarks.render

Three ways to the same vertical 1080x1920 video with the same encoder settings (libx264
veryfast and autocut's delivery options):

- ``autocut``: ``autocut reframe CLIP -o OUT --no-cache``: decode and analysis (shots, faces,
  sound), planning, and rendering the plan (a moving crop, split panels, fits);
- ``render``: the same with the analysis already cached: planning and rendering alone;
- ``ffmpeg``: one ffmpeg command with a static centre crop (``crop=...,scale=1080:1920``), the
  floor any renderer pays for decoding, scaling and encoding;
- ``moviepy``: MoviePy reading the clip, cropping every frame where autocut's plan says and
  resizing it with OpenCV, MoviePy writing the file: the naive per-frame route.

Each runs as its own process tree; wall time and peak memory (the largest sum of the resident
sizes of the tree, sampled every 200 ms) are printed, with ratios against ffmpeg. The routes
run in turn, over two rounds by default, and each route's best time counts: on a shared
machine a busy spell then costs a route a round, not the comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scenes import speed_clip_path
from editor.media.encode import video_args
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import probe
from editor.reframe.window import fit_window

X264_PRESET = "veryfast"
VIDEO_KBPS = 8000


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``cmd``; its wall time and the peak resident memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return Run(took, peak / 2**20)


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return total


MOVIEPY_SCRIPT = """
import sys, cv2, json
from moviepy import VideoFileClip
clip_path, plan_path, out_path, preset, *params = sys.argv[1:]
plan = json.load(open(plan_path))
frames = plan["frames"]
fps = plan["output"]["fps"]
clip = VideoFileClip(clip_path, audio=False)

def crop(get_frame, t):
    frame = get_frame(t)
    x, y, w, h = frames[min(len(frames) - 1, round(t * fps))]["boxes"][0]
    region = frame[int(y) : int(y + h), int(x) : int(x + w)]
    return cv2.resize(region, (1080, 1920), interpolation=cv2.INTER_CUBIC)

clip.transform(crop).write_videofile(
    out_path, fps=fps, codec="libx264", preset=preset, audio=False, logger=None,
    ffmpeg_params=params,
)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out the slow route")
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds over all routes; the best time counts"
    )
    args = parser.parse_args(argv)
    clip = speed_clip_path()
    media = probe(clip)
    w, h = fit_window(media.width, media.height, 1080, 1920)
    x = (media.width - w) // 2
    print(f"clip: {clip.name}, {media.width}x{media.height}, {media.fps:.0f} fps, "
          f"{media.duration:.0f} s; best of {args.rounds} rounds")  # fmt: skip
    encoder = video_args(media.fps, VIDEO_KBPS, X264_PRESET)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = folder / "plan.json"
        cached = {**os.environ, "AUTOCUT_CACHE_DIR": str(folder / "cache")}
        routes: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "ffmpeg": (
                [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(clip),
                 "-vf", f"crop={w}:{h}:{x}:0,scale=1080:1920", *encoder, "-an",
                 str(folder / "ffmpeg.mp4")],
                None,
            ),
            "autocut": (
                [sys.executable, "-m", "editor", "reframe", str(clip), "-o",
                 str(folder / "autocut.mp4"), "--plan-out", str(plan), "--no-cache"],
                None,
            ),
            "render": (
                [sys.executable, "-m", "editor", "reframe", str(clip), "-o",
                 str(folder / "render.mp4")],
                cached,
            ),
        }  # fmt: skip
        if not args.skip_moviepy:
            options = [a for a in encoder[4:] if a not in ("-movflags", "+faststart")]
            routes["moviepy"] = (
                [sys.executable, "-c", MOVIEPY_SCRIPT, str(clip), str(plan),
                 str(folder / "moviepy.mp4"), X264_PRESET, *options],
                None,
            )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "editor", "scenes", str(clip)], env=cached, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        runs: dict[str, Run] = {}
        for _ in range(max(1, args.rounds)):  # interleaved, so a busy spell hits every route
            for name, (cmd, env) in routes.items():
                run = measure(cmd, env)
                best = runs.get(name)
                runs[name] = Run(
                    min(run.seconds, best.seconds) if best else run.seconds,
                    max(run.peak_mb, best.peak_mb) if best else run.peak_mb,
                )
    floor = runs["ffmpeg"].seconds
    print(f"\n{'route':10s} {'wall s':>8s} {'x ffmpeg':>9s} {'x real time':>12s} {'peak MB':>8s}")
    for name, run in runs.items():
        print(
            f"{name:10s} {run.seconds:8.1f} {run.seconds / floor:9.2f} "
            f"{media.duration / run.seconds:12.2f} {run.peak_mb:8.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
