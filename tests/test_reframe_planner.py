"""Reframe planning rules on plain numbers: which mode, why, and where the window sits."""

from __future__ import annotations

import numpy as np
import pytest

from editor.reframe.motion_metrics import measure_path
from editor.reframe.planner import plan_reframe
from tests.conftest import fake_analysis

FPS = 30.0


def faces_table(*tracks: tuple[int, np.ndarray]) -> np.ndarray:
    """Rows [frame, track, x, y, w, h, score] from (track id, per-frame (x, y, w, h)) pairs;
    a NaN row means the face is absent on that frame."""
    rows = []
    for track_id, boxes in tracks:
        for frame, box in enumerate(boxes):
            if not np.isnan(box).any():
                rows.append([frame, track_id, *box, 0.9])
    rows.sort(key=lambda r: (r[0], r[1]))
    return np.asarray(rows, np.float32).reshape(-1, 7)


def still_face(n: int, x: float, y: float = 200, size: float = 150) -> np.ndarray:
    return np.tile([x, y, size, size], (n, 1)).astype(float)


def analysis_with(faces: np.ndarray, n: int = 180, cuts: list[int] | None = None):
    return fake_analysis([100.0] * n, [1.0] * n, cuts or [], FPS, faces)


def test_a_still_face_gets_a_stationary_window_around_it():
    plan = plan_reframe(analysis_with(faces_table((0, still_face(180, 900)))))
    assert [s.mode for s in plan.shots] == ["stationary"]
    xs = plan.boxes[:, 0, 0]
    assert np.all(xs == xs[0])
    x, _, w, h = plan.frame_boxes(0)[0]
    assert (w, h) == (404, 720) or (w, h) == (406, 720)
    assert x <= 900 and x + w >= 1050


def test_a_walking_face_is_tracked_smoothly_and_kept_in_frame():
    n = 240
    boxes = still_face(n, 100)
    boxes[:, 0] = np.linspace(100, 1000, n)  # walks across the frame in 8 s
    plan = plan_reframe(analysis_with(faces_table((0, boxes)), n))
    assert [s.mode for s in plan.shots] == ["track"]
    xs = plan.boxes[:, 0, 0].astype(float)
    w = plan.boxes[0, 0, 2]
    inside = (xs <= boxes[:, 0] + 0.5) & (xs + w >= boxes[:, 0] + boxes[:, 2] - 0.5)
    assert inside.mean() >= 0.98
    metrics = measure_path(xs, 1280, FPS)
    assert metrics.p95_speed_pct <= 0.5
    assert metrics.max_jump_pct <= 5.0


def test_two_faces_far_apart_get_a_split_with_the_left_face_on_top():
    left, right = still_face(180, 60), still_face(180, 1060, y=260)
    plan = plan_reframe(analysis_with(faces_table((0, right), (1, left))))
    assert [s.mode for s in plan.shots] == ["split"]
    assert "panel" in plan.shots[0].reason
    top, bottom = plan.frame_boxes(0)
    assert top[0] <= 60 and top[0] + top[2] >= 210
    assert bottom[0] <= 1060 and bottom[0] + bottom[2] >= 1210
    for _x, _y, w, h in (top, bottom):
        assert w / h == pytest.approx(1080 / 960, rel=0.02)


def test_no_face_and_no_movement_shows_the_whole_picture():
    plan = plan_reframe(analysis_with(np.zeros((0, 7), np.float32)))
    assert [s.mode for s in plan.shots] == ["fit"]
    assert plan.frame_boxes(10) == [(0, 0, 1280, 720)]


def test_no_face_with_action_in_one_place_gets_a_still_window_on_it():
    bands = np.full((180, 16), 0.2, np.float32)
    bands[:, 11:14] = 12.0  # a ball bouncing in the right third
    analysis = fake_analysis([100.0] * 180, [1.0] * 180, [], FPS, None, bands=bands)
    plan = plan_reframe(analysis)
    assert [s.mode for s in plan.shots] == ["stationary"]
    assert "movement" in plan.shots[0].reason
    x, _, w, _ = plan.frame_boxes(0)[0]
    assert x <= 11 * 80 and x + w >= 14 * 80  # bands 11-13 of 80 px each


def test_no_face_with_movement_everywhere_shows_the_whole_picture():
    bands = np.full((180, 16), 6.0, np.float32)  # a camera pan moves the whole picture
    analysis = fake_analysis([100.0] * 180, [1.0] * 180, [], FPS, None, bands=bands)
    plan = plan_reframe(analysis)
    assert [s.mode for s in plan.shots] == ["fit"]
    assert "spread" in plan.shots[0].reason


def test_each_shot_is_framed_on_its_own_and_never_pans_across_a_cut():
    n = 180
    first = still_face(n, 100)
    first[90:] = np.nan
    second = still_face(n, 1000)
    second[:90] = np.nan
    plan = plan_reframe(analysis_with(faces_table((0, first), (1, second)), n, cuts=[90]))
    assert [s.mode for s in plan.shots] == ["stationary", "stationary"]
    xs = plan.boxes[:, 0, 0]
    assert len(set(xs[:90])) == 1 and len(set(xs[90:])) == 1
    assert xs[90] > xs[89]


def test_plan_json_round_trips():
    from editor.reframe.plan import ReframePlan

    plan = plan_reframe(
        analysis_with(faces_table((0, still_face(180, 60)), (1, still_face(180, 1060))))
    )
    again = ReframePlan.from_dict(plan.to_dict())
    assert again.to_json() == plan.to_json()
    data = plan.to_dict()
    assert data["version"] == 1 and len(data["frames"]) == 180
    assert data["frames"][0]["layout"] == "split" and len(data["frames"][0]["boxes"]) == 2


def test_a_dissolve_starts_a_new_framing_at_its_middle():
    from editor.analysis.model import Transition

    n = 180
    face = still_face(n, 100)
    face[90:] = np.nan  # the face shot dissolves into an empty landscape at frames 80-99
    analysis = analysis_with(faces_table((0, face)), n)
    analysis = type(analysis)(
        **{
            **analysis.__dict__,
            "transitions": (Transition("dissolve", 80, 99, 80 / FPS, 100 / FPS),),
        }
    )
    plan = plan_reframe(analysis)
    assert [(s.start_frame, s.end_frame) for s in plan.shots] == [(0, 90), (90, 180)]
    assert [s.mode for s in plan.shots] == ["stationary", "fit"]
