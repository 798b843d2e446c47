"""Reframe benchmark: autocut's virtual camera against a static centre crop and a naive
per-frame face-centred crop, on the sample footage and on real clips with faces.

    python -m benchmarks.reframe [--footage DIR] [--faces-only] [--face-rate N] [--annotate DIR]

Per clip and method it prints the share of face boxes inside the visible region, counting
faces narrow enough to fit a window: on the sample footage its true boxes; on real clips the
faces autocut's planner chose to frame in each shot (``chosen``, the faces the plan names)
and, as a harder reference, every face the planner considers important (``all``). Then the
camera motion within each framed stretch: 95th-percentile speed and mean |third difference|
as % of the source width, the share of still frames, the shortest time between opposite
moves and the largest jump. A pooled line per method follows, then analysis throughput
(decode + shots + faces + sound, no cache) and planning throughput, as multiples of real
time, and the analysis of a 60 s 1080p30 clip with each face detector installed.

Last, framing judged by an independent face detector (:mod:`benchmarks.face_judge`, not the
one autocut uses), run on decoded source frames ``N`` times a second (default 6; frontal
faces of at least 6 % of the frame height, each also found on a neighbouring sample): per
clip the sampled frames, those with a face, the share of those whose largest face is inside
the plan's visible region (at least 90 % of its box within the crop window, one split panel,
or the region a fit shows), counted without the frames where the plan frames the shot's
speaker while the largest face is someone else (``in``) and over every frame (``in raw``),
the number of such speaker frames (``other``), and the share of frames with a face shown as
a crop, as fit (whole picture over blur) and as split ("-" where no face was found). A
pooled line follows over the clips with people (a face on at least 10 % of samples): mean
and largest fit share, mean face-in-window share. ``--faces-only`` prints only this measure,
on cached analyses; ``--annotate DIR`` also writes, per clip, a sheet of judged frames (face
green when inside, red when not; the plan's regions blue).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchmarks.face_judge import (
    Box,
    ClipJudgement,
    FaceJudge,
    judge_frames,
    judged_sheet,
    pool,
    speaker_boxes,
    steady_faces,
)
from benchmarks.scenes import speed_clip_path
from editor.analysis.analyze import analyze
from editor.analysis.cache import analyse_file
from editor.analysis.faces import BACKENDS, backend_available
from editor.analysis.model import Analysis
from editor.media.decode import analysis_frames
from editor.media.probe import Media, probe
from editor.reframe.motion_metrics import (
    STATIC_STEP_PX,
    mean_jerk_pct,
    min_reversal_s,
    p95_speed_pct,
)
from editor.reframe.plan import ReframePlan
from editor.reframe.planner import (
    FramingRules,
    framing_units,
    important_tracks,
    plan_reframe,
    shot_tracks,
)
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
    chosen_held: int
    chosen_total: int
    all_held: int
    all_total: int
    p95_speed_pct: float
    mean_jerk_pct: float
    still_steps: int
    steps: int
    min_reversal_s: float
    max_jump_pct: float

    @property
    def chosen_inside(self) -> float:
        return self.chosen_held / self.chosen_total if self.chosen_total else 1.0

    @property
    def all_inside(self) -> float:
        return self.all_held / self.all_total if self.all_total else 1.0

    @property
    def static_share(self) -> float:
        return self.still_steps / self.steps if self.steps else 1.0


Faces = list[list[tuple]]
"""Per frame, the face boxes (x, y, w, h) a framing should keep."""


def important_faces(analysis: Analysis) -> Faces:
    """Every face the planner considers important, per frame."""
    per_frame: Faces = [[] for _ in range(analysis.frame_count)]
    for shot in framing_units(analysis):
        tracks = important_tracks(shot_tracks(analysis, shot), FramingRules())
        for track in tracks:
            for i in np.flatnonzero(np.isfinite(track.left)):
                box = (
                    track.left[i],
                    track.top[i],
                    track.right[i] - track.left[i],
                    track.bottom[i] - track.top[i],
                )
                per_frame[shot.start_frame + i].append(box)
    return per_frame


def chosen_faces(analysis: Analysis, plan: ReframePlan) -> Faces:
    """The faces the plan says it frames, per frame."""
    per_frame: Faces = [[] for _ in range(analysis.frame_count)]
    rows = analysis.face_boxes
    for framing in plan.shots:
        wanted = rows[
            np.isin(rows[:, 1], framing.faces)
            & (rows[:, 0] >= framing.start_frame)
            & (rows[:, 0] < framing.end_frame)
        ]
        for row in wanted:
            per_frame[int(row[0])].append(tuple(float(v) for v in row[2:6]))
    return per_frame


def centre_plan(analysis: Analysis) -> Faces:
    media = analysis.media
    w, h = fit_window(media.width, media.height, 1080, 1920)
    box = ((media.width - w) / 2, (media.height - h) / 2, w, h)
    return [[box] for _ in range(analysis.frame_count)]


def naive_plan(analysis: Analysis) -> Faces:
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


def autocut_plan(plan: ReframePlan) -> Faces:
    return [plan.frame_boxes(i) for i in range(plan.frame_count)]


def held(regions: Faces, faces: Faces, window_w: float) -> tuple[int, int]:
    """How many face boxes (of those no wider than ``window_w``) lie fully inside a region of
    their frame, and how many there are."""
    inside = total = 0
    for boxes, frame_faces in zip(regions, faces):
        for fx, fy, fw, fh in frame_faces:
            if fw > window_w:
                continue
            total += 1
            inside += any(
                x - 0.5 <= fx
                and fx + fw <= x + w + 0.5
                and y - 0.5 <= fy
                and fy + fh <= y + h + 0.5
                for x, y, w, h in boxes
            )
    return inside, total


def score(
    analysis: Analysis, plan: ReframePlan, regions: Faces, chosen: Faces, every: Faces
) -> MethodScore:
    """Faces held and camera motion of ``regions``, motion measured within each stretch the
    plan frames on its own (shots, split at dissolve midpoints)."""
    media = analysis.media
    win_w, _ = fit_window(media.width, media.height, 1080, 1920)
    speeds, jerks, jumps, reversals = [], [], [], []
    still = steps = 0
    for unit in plan.shots:
        xs = np.array([regions[i][0][0] for i in range(unit.start_frame, unit.end_frame)], float)
        if xs.size < 4:
            continue
        speeds.append(p95_speed_pct(xs, media.width))
        jerks.append(mean_jerk_pct(xs, media.width))
        moves = np.abs(np.diff(xs))
        still += int(np.count_nonzero(moves < STATIC_STEP_PX))
        steps += moves.size
        jumps.append(100 * moves.max() / media.width)
        reversals.append(min_reversal_s(xs, media.fps))
    return MethodScore(
        *held(regions, chosen, win_w),
        *held(regions, every, win_w),
        p95_speed_pct=max(speeds, default=0.0),
        mean_jerk_pct=float(np.mean(jerks)) if jerks else 0.0,
        still_steps=still,
        steps=steps,
        min_reversal_s=min(reversals, default=math.inf),
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
    parser.add_argument(
        "--faces-only",
        action="store_true",
        help="only the independent face measure (cached analyses)",
    )
    parser.add_argument("--face-rate", type=float, default=6.0, help="face samples per second")
    parser.add_argument("--annotate", type=Path, help="folder for sheets of judged frames")
    args = parser.parse_args(argv)
    if args.faces_only:
        found = [(p, analyse_file(p)) for p, _ in clips(args.footage)]
        return face_measure(found, args.face_rate, args.annotate)
    header = (
        f"{'clip':34s} {'method':8s} {'chosen':>7s} {'all':>7s} {'p95 %W':>7s} "
        f"{'jerk %W':>8s} {'still':>6s} {'turn s':>7s} {'jump %W':>8s}"
    )
    print(header)
    print("-" * len(header))
    seconds = analysis_s = planning_s = 0.0
    pooled: dict[str, list[MethodScore]] = {"autocut": [], "centre": [], "naive": []}
    analysed: list[tuple[Path, Analysis]] = []
    for path, truth in clips(args.footage):
        start = time.perf_counter()
        analysis = analyse_file(path, use_cache=False)
        analysis_s += time.perf_counter() - start
        analysed.append((path, analysis))
        start = time.perf_counter()
        plan = plan_reframe(analysis)
        planning_s += time.perf_counter() - start
        seconds += analysis.media.duration
        if truth is not None:
            chosen = every = [[tuple(b) for b in boxes] for boxes in truth["faces"]]
        else:
            chosen, every = chosen_faces(analysis, plan), important_faces(analysis)
        for method, regions in (
            ("autocut", autocut_plan(plan)),
            ("centre", centre_plan(analysis)),
            ("naive", naive_plan(analysis)),
        ):
            s = score(analysis, plan, regions, chosen, every)
            pooled[method].append(s)
            print(f"{path.name[:34]:34s} {method:8s} {_row(s)}")
    print("-" * len(header))
    for method, scores in pooled.items():
        total = MethodScore(
            sum(s.chosen_held for s in scores),
            sum(s.chosen_total for s in scores),
            sum(s.all_held for s in scores),
            sum(s.all_total for s in scores),
            max(s.p95_speed_pct for s in scores),
            float(np.mean([s.mean_jerk_pct for s in scores])),
            sum(s.still_steps for s in scores),
            sum(s.steps for s in scores),
            min(s.min_reversal_s for s in scores),
            max(s.max_jump_pct for s in scores),
        )
        print(f"{'all clips (pooled; worst p95/turn/jump)':34s} {method:8s} {_row(total)}")
    print(
        f"\nanalysis (decode + shots + faces + sound): {seconds / analysis_s:.1f}x real time; "
        f"planning: {seconds / planning_s:.0f}x real time ({seconds:.0f} s of video)"
    )
    clip = speed_clip_path()
    for detector in BACKENDS:
        if not backend_available(detector):
            continue
        start = time.perf_counter()
        analysis = analyze(probe(clip), face_detector=detector)
        took = time.perf_counter() - start
        media = analysis.media
        print(
            f"analysis of the {media.duration:.0f} s {media.width}x{media.height} "
            f"{media.fps:.0f} fps clip with {detector}: {took:.1f} s, "
            f"{media.duration / took:.1f}x real time"
        )
    print()
    return face_measure(analysed, args.face_rate, args.annotate)


def face_measure(analysed: list[tuple[Path, Analysis]], rate: float, annotate: Path | None) -> int:
    """Print the independent face judge's table (see the module docstring)."""
    judge = FaceJudge()
    print(f"independent face judge: {judge.detectors}")
    header = (
        f"{'clip (independent face judge)':34s} {'sampled':>7s} {'faces':>6s} {'in':>7s} "
        f"{'in raw':>7s} {'other':>6s} {'crop':>6s} {'fit':>6s} {'split':>6s}"
    )
    print(header)
    print("-" * len(header))
    judgements: list[ClipJudgement] = []
    for path, analysis in analysed:
        plan = plan_reframe(analysis)
        largest, pictures = judged_faces(analysis.media, judge, rate, keep=annotate is not None)
        largest = {f: box for f, box in largest.items() if f < plan.frame_count}
        speaking = speaker_boxes(plan, analysis.face_boxes, list(largest))
        j = judge_frames(plan, largest, speaking)
        judgements.append(j)
        print(f"{path.name[:34]:34s} {j.sampled:7d} {j.with_face:6d} {_face_row(j)}")
        if annotate is not None:
            annotate.mkdir(parents=True, exist_ok=True)
            sheet = judged_sheet(
                analysis.media.width, analysis.media.height, plan, largest, pictures
            )
            if sheet is not None:
                cv2.imwrite(str(annotate / f"{path.stem}.png"), sheet)
    print("-" * len(header))
    p = pool(judgements)
    print(
        f"clips with people: {p.clips}; fit share mean {100 * p.mean_fit:.1f}%, "
        f"max {100 * p.max_fit:.1f}%; face in window mean {100 * p.mean_inside:.1f}% "
        f"(raw {100 * p.mean_inside_raw:.1f}%)"
    )
    return 0


def _face_row(j: ClipJudgement) -> str:
    if not j.with_face:
        return f"{'-':>7s} {'-':>7s} {'-':>6s} {'-':>6s} {'-':>6s} {'-':>6s}"
    return (
        f"{100 * j.inside_share:6.1f}% {100 * j.inside_share_raw:6.1f}% {j.other:6d} "
        f"{100 * j.crop_share:5.1f}% {100 * j.fit_share:5.1f}% {100 * j.split_share:5.1f}%"
    )


def judged_faces(
    media: Media, judge: FaceJudge, rate: float, keep: bool = False
) -> tuple[dict[int, Box | None], dict[int, np.ndarray]]:
    """Decode ``media`` once and find faces on every ``fps / rate``-th frame: frame index ->
    the largest steady face in source pixels (None when none), and with ``keep`` the
    sampled pictures (at the judge's size) by frame index."""
    height = judge.settings.detection_height
    width = max(2, round(height * media.width / media.height / 2) * 2)
    stride = max(1, round(media.fps / rate))
    frames: list[int] = []
    found: list[list[Box]] = []
    pictures: dict[int, np.ndarray] = {}
    for frame in analysis_frames(media, width):
        if frame.index % stride:
            continue
        gray = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        sx, sy = media.width / gray.shape[1], media.height / gray.shape[0]
        found.append([(x * sx, y * sy, w * sx, h * sy) for x, y, w, h in judge.faces(gray)])
        frames.append(frame.index)
        if keep:
            pictures[frame.index] = frame.image
    steady = steady_faces(found)
    return {f: (faces[0] if faces else None) for f, faces in zip(frames, steady)}, pictures


def _row(s: MethodScore) -> str:
    return (
        f"{100 * s.chosen_inside:6.1f}% {100 * s.all_inside:6.1f}% {s.p95_speed_pct:7.2f} "
        f"{s.mean_jerk_pct:8.3f} {100 * s.static_share:5.0f}% {s.min_reversal_s:7.2f} "
        f"{s.max_jump_pct:8.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
