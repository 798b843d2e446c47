"""The virtual camera path of one shot, checked on plain numbers (no video)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from editor.reframe.motion_metrics import PathMetrics, measure_path
from editor.reframe.path import CameraStyle, corridor_from_boxes, is_stationary, plan_path

SRC_W = 1920
WINDOW_W = 608  # 9:16 window at full 1080 height
FPS = 30.0
CAP_PX = CameraStyle().max_step * SRC_W

# The camera rules, exactly as phrased.
MAX_P95_SPEED_PCT = 0.5
MAX_MEAN_JERK_PCT = 0.1
MIN_REVERSAL_S = 1.0
MIN_STATIC_SHARE = 0.4
MAX_JUMP_PCT = 0.5


def corridor(centres: np.ndarray, box_w: float = 200.0):
    """Corridor and preference (subject centred) for a subject box centred on ``centres``."""
    centres = np.asarray(centres, float)
    lo, hi = corridor_from_boxes(centres - box_w / 2, centres + box_w / 2, WINDOW_W, SRC_W)
    want = np.clip(centres - WINDOW_W / 2, 0, SRC_W - WINDOW_W)
    return lo, hi, want


def plan(centres: np.ndarray, box_w: float = 200.0):
    lo, hi, want = corridor(centres, box_w)
    x = plan_path(lo, hi, want, SRC_W, WINDOW_W, FPS)
    metrics = measure_path(x, SRC_W, FPS, lo, hi)
    print(metrics.summary())
    return x, lo, hi, metrics


def assert_moves_like_an_operator(m: PathMetrics, still_enough: bool = True) -> None:
    assert m.p95_speed_pct <= MAX_P95_SPEED_PCT
    assert m.mean_jerk_pct <= MAX_MEAN_JERK_PCT
    assert m.min_reversal_s >= MIN_REVERSAL_S
    assert m.max_jump_pct <= MAX_JUMP_PCT
    if still_enough:
        assert m.static_share >= MIN_STATIC_SHARE


def assert_in_bounds(x: np.ndarray, n: int) -> None:
    assert x.shape == (n,)
    assert np.all(np.isfinite(x))
    assert x.min() >= 0 and x.max() <= SRC_W - WINDOW_W


def hold(value: float, seconds: float) -> np.ndarray:
    return np.full(round(seconds * FPS), value)


def walk(start: float, end: float, seconds: float) -> np.ndarray:
    return np.linspace(start, end, round(seconds * FPS))


def test_still_subject_gives_a_perfectly_still_camera():
    centres = hold(900.0, 8)
    lo, hi, _ = corridor(centres)
    assert is_stationary(lo, hi)
    x, lo, hi, m = plan(centres)
    assert_in_bounds(x, centres.size)
    assert np.ptp(x) == 0
    assert x[0] == pytest.approx(900 - WINDOW_W / 2)  # rests on the preferred point
    assert m.static_share == 1.0 and m.move_count == 0
    assert m.inside_share == 1.0
    assert_moves_like_an_operator(m)


def test_slow_walk_right_gives_one_smooth_pan_that_keeps_the_subject():
    centres = np.concatenate([hold(600, 2), walk(600, 1300, 4), hold(1300, 2)])
    lo, hi, _ = corridor(centres)
    assert not is_stationary(lo, hi)
    x, lo, hi, m = plan(centres)
    assert_in_bounds(x, centres.size)
    assert m.inside_share == 1.0
    assert m.move_count == 1
    assert np.all(np.diff(x) >= -1e-9)  # only ever pans right
    assert m.min_reversal_s == math.inf
    assert_moves_like_an_operator(m)


def test_detector_jitter_does_not_move_the_camera():
    noise = np.random.default_rng(7).normal(0, 3, round(8 * FPS))
    centres = 900 + noise
    lo, hi, _ = corridor(centres)
    assert is_stationary(lo, hi)
    x, lo, hi, m = plan(centres)
    assert np.ptp(x) == 0
    assert m.inside_share == 1.0
    assert_moves_like_an_operator(m)

    # A subject nearly as wide as the window: its corridor is only 8 px wide, so the same
    # noise cannot be contained by one position. The camera still does not chase it.
    x, lo, hi, m = plan(centres, box_w=600)
    assert not is_stationary(lo, hi)
    assert m.static_share >= 0.9
    assert_moves_like_an_operator(m)
    miss = np.maximum(np.maximum(lo - x, x - hi), 0)
    assert miss.max() <= 4 * 3  # never out by more than the noise itself


def test_subject_stepping_left_to_right_gives_one_move_without_reversal():
    centres = np.concatenate([hold(500, 4), hold(1400, 4)])
    x, lo, hi, m = plan(centres)
    assert_in_bounds(x, centres.size)
    # Between the last left framing (x <= hi) and the first right one (x >= lo) the camera
    # needs at least distance / cap frames; every other frame can hold the subject.
    before, after = hi[0], lo[-1]
    unavoidable = math.ceil((after - before) / CAP_PX) - 1
    assert m.inside_share >= (centres.size - unavoidable) / centres.size - 1e-9
    assert m.move_count == 1
    assert m.min_reversal_s == math.inf
    assert_moves_like_an_operator(m)


def test_unknown_frames_hold_the_camera():
    centres = np.concatenate(
        [hold(500, 2), hold(np.nan, 3), hold(500, 2), walk(500, 1300, 4), hold(1300, 2)]
    )
    x, _, _, m = plan(centres)
    assert_in_bounds(x, centres.size)
    gap = slice(round(2 * FPS) - 1, round(7 * FPS) + 1)  # the gap and the frames around it
    assert np.ptp(x[gap]) < 0.05
    assert m.inside_share == 1.0
    assert m.move_count == 1
    assert_moves_like_an_operator(m)


def test_no_subject_at_all_rests_in_the_middle():
    lo = hi = want = np.full(90, np.nan)
    assert is_stationary(lo, hi)
    x = plan_path(lo, hi, want, SRC_W, WINDOW_W, FPS)
    assert np.all(x == (SRC_W - WINDOW_W) / 2)


def test_subject_faster_than_the_camera_is_followed_at_the_speed_cap():
    # A runner crosses the frame at 25 px a frame, more than twice the camera's cap.
    centres = np.concatenate([hold(300, 1), walk(300, 1600, 52 / FPS), hold(1600, 4)])
    x, lo, hi, m = plan(centres)
    assert_in_bounds(x, centres.size)
    assert np.abs(np.diff(x)).max() <= CAP_PX + 1e-6
    assert m.move_count == 1
    assert_moves_like_an_operator(m)
    tail = slice(-round(2 * FPS), None)  # the camera has caught up when the runner stops
    assert np.all((x[tail] >= lo[tail] - 0.5) & (x[tail] <= hi[tail] + 0.5))


def test_subject_darting_back_and_forth_never_makes_the_camera_whip():
    # The subject never rests long enough for the camera to arrive, so stillness is not
    # required here; speed, smoothness and the one-second reversal rule are.
    for dwell in (1.5, 2.0, 4.0):
        centres = np.tile(np.concatenate([hold(300, dwell), hold(1600, dwell)]), 3)
        x, _, _, m = plan(centres)
        assert_in_bounds(x, centres.size)
        assert np.abs(np.diff(x)).max() <= CAP_PX + 1e-6
        assert_moves_like_an_operator(m, still_enough=False)


def test_subject_wider_than_the_window_keeps_the_window_on_the_subject():
    centres = np.concatenate([hold(700, 2), walk(700, 1100, 3), hold(1100, 2)])
    lo, hi, want = corridor(centres, box_w=800)
    assert np.all(lo > hi)  # no window holds the whole subject
    x = plan_path(lo, hi, want, SRC_W, WINDOW_W, FPS)
    m = measure_path(x, SRC_W, FPS, lo, hi)
    assert np.all((x >= hi - 0.5) & (x <= lo + 0.5))  # the window lies wholly on the subject
    assert_moves_like_an_operator(m)


def test_long_shot_plans_every_frame_within_the_rules():
    t = np.arange(round(60 * FPS))
    wander = 960 + 550 * np.sin(2 * np.pi * t / (20 * FPS))
    centres = wander + np.random.default_rng(3).normal(0, 4, t.size)
    x, _, _, m = plan(centres)
    assert_in_bounds(x, t.size)
    assert m.inside_share == 1.0
    assert_moves_like_an_operator(m)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_very_short_shots(n):
    centres = np.linspace(500, 500 + 10 * n, n)
    lo, hi, want = corridor(centres, box_w=560)
    x = plan_path(lo, hi, want, SRC_W, WINDOW_W, FPS)
    assert_in_bounds(x, n)


def test_corridor_from_boxes():
    lo, hi = corridor_from_boxes(
        np.array([100.0, 1800.0, 0.0, np.nan]),
        np.array([300.0, 1920.0, 900.0, np.nan]),
        WINDOW_W,
        SRC_W,
    )
    top = SRC_W - WINDOW_W
    assert lo[:3].tolist() == [0.0, top, 900 - WINDOW_W]
    assert hi[:3].tolist() == [100.0, top, 0.0]
    assert lo[2] > hi[2]  # wider than the window: empty
    assert np.isnan(lo[3]) and np.isnan(hi[3])


def test_metrics_measure_what_the_rules_say():
    x = np.concatenate([np.zeros(10), np.arange(1.0, 11.0), np.full(5, 10.0), [9.0, 8.0]])
    m = measure_path(x, 100.0, 10.0, lo=np.full(x.size, 0.0), hi=np.full(x.size, 9.0))
    assert m.max_jump_pct == pytest.approx(1.0)
    assert m.min_reversal_s == pytest.approx(0.6)  # last step right at 19, first left at 25
    assert m.static_share == pytest.approx(14 / 26)
    assert m.move_count == 2
    assert m.inside_share == pytest.approx(21 / 27)
    assert measure_path(np.full(5, 3.0), 100.0, 10.0).min_reversal_s == math.inf
