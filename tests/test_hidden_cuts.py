"""The planner's safety net for cuts the shot detector misses, on real decoded media.

A clip is spliced from two sample shots whose faces sit far apart; after analysis the cut is
taken out of the Analysis, as if the detector had missed it. The planner must start a new
framing unit there, say why, and keep each shot's face in the window on both sides of the
cut (no pan across it). Real single shots with movement must stay whole.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis, shots_from_cuts
from editor.analysis.scenes import MIN_SHOT_SECONDS
from editor.media.ffmpeg import run_ffmpeg
from editor.reframe import planner
from editor.reframe.hidden_cuts import MIN_UNIT_SECONDS
from editor.reframe.planner import framing_units, plan_reframe
from tests.conftest import SAMPLE_FOOTAGE, shared_clip

FIRST = ("clip_a.mp4", 30, 120)
"""A face drifting to the right of the picture (centre near x = 950 at the end) ..."""
SECOND = ("clip_c.mp4", 100, 180)
"""... cut to a face near the middle (centre near x = 620): a window 405 px wide cannot
hold both, so a path carried across the cut would pan from one to the other."""
HIDDEN = FIRST[2] - FIRST[1]
"""Frame of the spliced clip where the second shot starts."""


def _truth_faces() -> list[tuple[float, float, float, float]]:
    """The true face box on every frame of the spliced clip (from the generator's truth)."""
    truth = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text(encoding="utf-8"))
    clips = {c["file"]: c for c in truth["clips"]}
    boxes = []
    for name, first, end in (FIRST, SECOND):
        boxes += [tuple(clips[name]["faces"][k][0]) for k in range(first, end)]
    return boxes


@pytest.fixture(scope="module")
def spliced(tmp_path_factory) -> Analysis:
    """Analysis of the two shots joined by a hard cut, with that cut hidden from it."""
    path = tmp_path_factory.mktemp("hidden") / "spliced.mp4"
    chains = [
        f"[{i}:v:0]trim=start_frame={first}:end_frame={end},setpts=PTS-STARTPTS[v{i}]"
        for i, (_name, first, end) in enumerate((FIRST, SECOND))
    ]
    run_ffmpeg(
        ["-i", str(SAMPLE_FOOTAGE / FIRST[0]), "-i", str(SAMPLE_FOOTAGE / SECOND[0]),
         "-filter_complex", ";".join([*chains, "[v0][v1]concat=n=2:v=1:a=0[v]"]),
         "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
         "-pix_fmt", "yuv420p", "-r", "30", str(path)],
        what=path,
    )  # fmt: skip
    found = analyse_file(path)
    assert any(abs(c - HIDDEN) <= 1 for c in found.cuts), found.cuts
    kept = [c for c in found.cuts if abs(c - HIDDEN) > 1]
    shots = shots_from_cuts(kept, found.times, found.media.duration)
    return dataclasses.replace(found, cuts=tuple(kept), shots=shots)


def _held(plan, faces, frames) -> list[bool]:
    """Per frame, whether the plan's window holds the whole true face."""
    out = []
    for frame in frames:
        x, y, w, h = plan.frame_boxes(frame)[0]
        fx, fy, fw, fh = faces[frame]
        out.append(x <= fx and fx + fw <= x + w and y <= fy and fy + fh <= y + h)
    return out


def test_a_hidden_cut_starts_a_new_unit_with_its_reason(spliced):
    assert not any(abs(s.start_frame - HIDDEN) <= 1 for s in spliced.shots)
    plan = plan_reframe(spliced)
    starts = [s for s in plan.shots if abs(s.start_frame - HIDDEN) <= 1]
    assert len(starts) == 1, [(s.start_frame, s.reason) for s in plan.shots]
    reason = starts[0].reason
    assert f"re-planned at frame {starts[0].start_frame}" in reason
    assert "suspected cut the detector did not report" in reason
    assert "picture jumped" in reason


def test_the_window_never_pans_across_the_hidden_cut(spliced, monkeypatch):
    faces = _truth_faces()
    around = range(HIDDEN - 15, HIDDEN + 15)
    plan = plan_reframe(spliced)
    before = next(s for s in plan.shots if s.start_frame <= HIDDEN - 15 < s.end_frame)
    after = next(s for s in plan.shots if s.start_frame <= HIDDEN + 14 < s.end_frame)
    assert abs(before.end_frame - HIDDEN) <= 1 and after.start_frame == before.end_frame
    # each side's path holds its own face right up to the cut: no frame pans towards the other
    assert all(_held(plan, faces, around))
    # without the net the same analysis is framed as one stretch across the cut
    monkeypatch.setattr(planner, "suspected_cuts", lambda analysis, shot: [])
    blind = plan_reframe(spliced)
    assert not any(abs(s.start_frame - HIDDEN) <= 1 for s in blind.shots)


def test_units_are_never_shorter_than_the_detectors_shortest_shot(spliced):
    assert MIN_UNIT_SECONDS == MIN_SHOT_SECONDS
    fps = spliced.media.fps
    units = framing_units(spliced)
    assert min(u.frame_count for u in units) >= round(MIN_UNIT_SECONDS * fps)


def test_sample_shots_with_motion_and_moving_faces_are_not_split():
    analysis = analyse_file(SAMPLE_FOOTAGE / "clip_a.mp4")
    units = framing_units(analysis)
    assert not [u.note for u in units if u.note]
    assert {u.start_frame for u in units} >= {s.start_frame for s in analysis.shots}


def test_a_real_single_shot_with_cars_filling_the_frame_is_not_split():
    analysis = analyse_file(shared_clip("clip_02_caminandes.mp4"))
    merged = shots_from_cuts([], analysis.times, analysis.media.duration)
    whole = dataclasses.replace(analysis, cuts=(), shots=merged)
    plan = plan_reframe(whole)
    assert [(s.start_frame, s.end_frame) for s in plan.shots] == [(0, analysis.frame_count)]
    assert "suspected cut" not in plan.shots[0].reason
