"""Reframe benchmark: autocut's virtual camera against a static centre crop and a naive
per-frame face-centred crop, on the sample footage and on real clips with faces.

    python -m benchmarks.reframe [--footage DIR]

Per clip and method it prints the share of face boxes inside the visible region (faces that
can fit a window; the sample footage's true boxes, or on real clips the faces autocut's
planner considers important), and the camera motion within shots: 95th-percentile speed and
mean |third difference| as % of the source width, the share of still frames, and the largest
jump. Then analysis throughput (decode + shots + faces, no cache) and planning throughput, as
multiples of real time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis
from editor.reframe.motion_metrics import mean_jerk_pct, p95_speed_pct
from editor.reframe.plan import ReframePlan
from editor.reframe.planner import FramingRules, important_tracks, plan_reframe, shot_tracks
from editor.reframe.window import fit_window

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "footage"
REAL_CLIPS = (
    "clip_01_tears_of_steel.mp4", "chaplin.mp4", "blackjournal.mp4", "friday.mp4",
    "noisy_restaurant.mp4", "crowd_arcade_1080p.mp4", "WDA_AlexandriaOcasioCortez_000.mp4",
    "short_hamilton_clip.mp4", "street_couple_50fps.avi", "one-by-one-person-detection.mp4",
)  # fmt: skip


@dataclass(frozen=True)
class MethodScore:
    faces_inside: float
    p95_speed_pct: float
    mean_jerk_pct: float
    static_share: float
    max_jump_pct: float


def reference_faces(analysis: Analysis, truth: dict | None) -> list[list[tuple]]:
    """Per frame, the face boxes a framing should keep: true boxes, or important tracks."""
    if truth is not None:
        return [[tuple(b) for b in boxes] for boxes in truth["faces"]]
    per_frame: list[list[tuple]] = [[] for _ in range(analysis.frame_count)]
    for shot in analysis.shots:
        for track in important_tracks(shot_tracks(analysis.face_boxes, shot), FramingRules()):
            for i in np.flatnonzero(np.isfinite(track.left)):
                box = (
                    track.left[i],
                    track.top[i],
                    track.right[i] - track.left[i],
                    track.bottom[i] - track.top[i],
                )
                per_frame[shot.start_frame + i].append(box)
    return per_frame


def centre_plan(analysis: Analysis) -> list[list[tuple]]:
    media = analysis.media
    w, h = fit_window(media.width, media.height, 1080, 1920)
    box = ((media.width - w) / 2, (media.height - h) / 2, w, h)
    return [[box] for _ in range(analysis.frame_count)]


def naive_plan(analysis: Analysis) -> list[list[tuple]]:
    """The window centred on the largest face of each frame, no smoothing; centre if none."""
    media = analysis.media
    w, h = fit_window(media.width, media.height, 1080, 1920)
    x = np.full(analysis.frame_count, (media.width - w) / 2)
    faces = analysis.face_boxes
    for frame in range(analysis.frame_count):
        rows = faces[faces[:, 0] == frame]
        if len(rows):
            big = rows[np.argmax(rows[:, 4] * rows[:, 5])]
            x[frame] = np.clip(big[2] + big[4] / 2 - w / 2, 0, media.width - w)
    return [[(float(v), (media.height - h) / 2, w, h)] for v in x]


def autocut_plan(plan: ReframePlan) -> list[list[tuple]]:
    return [plan.frame_boxes(i) for i in range(plan.frame_count)]


def score(analysis: Analysis, regions: list[list[tuple]], faces: list[list[tuple]]) -> MethodScore:
    media = analysis.media
    win_w, _ = fit_window(media.width, media.height, 1080, 1920)
    held = total = 0
    for boxes, frame_faces in zip(regions, faces):
        for fx, fy, fw, fh in frame_faces:
            if fw > win_w:
                continue
            total += 1
            held += any(
                x - 0.5 <= fx
                and fx + fw <= x + w + 0.5
                and y - 0.5 <= fy
                and fy + fh <= y + h + 0.5
                for x, y, w, h in boxes
            )
    speeds, jerks, still, jumps = [], [], [], []
    for shot in analysis.shots:
        xs = np.array([regions[i][0][0] for i in range(shot.start_frame, shot.end_frame)], float)
        if xs.size < 4:
            continue
        speeds.append(p95_speed_pct(xs, media.width))
        jerks.append(mean_jerk_pct(xs, media.width))
        steps = np.abs(np.diff(xs))
        still.extend(steps < 0.05)
        jumps.append(100 * steps.max() / media.width)
    return MethodScore(
        faces_inside=held / total if total else 1.0,
        p95_speed_pct=max(speeds, default=0.0),
        mean_jerk_pct=float(np.mean(jerks)) if jerks else 0.0,
        static_share=float(np.mean(still)) if still else 1.0,
        max_jump_pct=max(jumps, default=0.0),
    )


def clips(footage: Path) -> list[tuple[Path, dict | None]]:
    truth = json.loads((SAMPLE / "ground_truth.json").read_text())
    found = [(SAMPLE / c["file"], c) for c in truth["clips"]]
    if footage.is_dir():
        found += [(footage / name, None) for name in REAL_CLIPS if (footage / name).is_file()]
    else:
        print(f"note: {footage} not found; real clips skipped")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("AUTOCUT_FOOTAGE", ROOT.parent / "shared" / "footage"))
    parser.add_argument("--footage", type=Path, default=default)
    args = parser.parse_args(argv)
    header = (
        f"{'clip':36s} {'method':8s} {'faces in':>8s} {'p95 %W':>7s} {'jerk %W':>8s} "
        f"{'still':>6s} {'jump %W':>8s}"
    )
    print(header)
    print("-" * len(header))
    seconds = analysis_s = planning_s = 0.0
    for path, truth in clips(args.footage):
        start = time.perf_counter()
        analysis = analyse_file(path, use_cache=False)
        analysis_s += time.perf_counter() - start
        start = time.perf_counter()
        plan = plan_reframe(analysis)
        planning_s += time.perf_counter() - start
        seconds += analysis.media.duration
        faces = reference_faces(analysis, truth)
        for method, regions in (
            ("autocut", autocut_plan(plan)),
            ("centre", centre_plan(analysis)),
            ("naive", naive_plan(analysis)),
        ):
            s = score(analysis, regions, faces)
            print(
                f"{path.name[:36]:36s} {method:8s} {100 * s.faces_inside:7.1f}% "
                f"{s.p95_speed_pct:7.2f} {s.mean_jerk_pct:8.3f} {100 * s.static_share:5.0f}% "
                f"{s.max_jump_pct:8.2f}"
            )
    print(
        f"\nanalysis (decode + shots + faces): {seconds / analysis_s:.1f}x real time; "
        f"planning: {seconds / planning_s:.0f}x real time ({seconds:.0f} s of video)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
