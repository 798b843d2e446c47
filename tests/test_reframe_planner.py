"""Reframe planning rules on plain numbers: which mode, why, and where the window sits."""

from __future__ import annotations

import numpy as np
import pytest

from editor.analysis.model import FACE_COLUMNS
from editor.reframe.composition import place_vertically
from editor.reframe.motion_metrics import measure_path
from editor.reframe.planner import FramingRules, plan_reframe
from tests.conftest import fake_analysis

FPS = 30.0


def faces_table(*tracks: tuple[int, np.ndarray], mouths: dict[int, float] | None = None):
    """Rows [frame, track, x, y, w, h, score, mouth] from (track id, per-frame (x, y, w, h))
    pairs; a NaN row means the face is absent on that frame. ``mouths`` gives a track's mouth
    movement (0 otherwise)."""
    rows = []
    for track_id, boxes in tracks:
        mouth = (mouths or {}).get(track_id, 0.0)
        for frame, box in enumerate(boxes):
            if not np.isnan(box).any():
                rows.append([frame, track_id, *box, 0.9, mouth])
    rows.sort(key=lambda r: (r[0], r[1]))
    return np.asarray(rows, np.float32).reshape(-1, len(FACE_COLUMNS))


def still_face(n: int, x: float, y: float = 200, size: float = 150) -> np.ndarray:
    return np.tile([x, y, size, size], (n, 1)).astype(float)


def analysis_with(
    faces: np.ndarray,
    n: int = 180,
    cuts: list[int] | None = None,
    level_db: float = -100.0,
    size: tuple[int, int] = (1280, 720),
):
    level = np.full(n, level_db, np.float32)
    return fake_analysis([100.0] * n, [1.0] * n, cuts or [], FPS, faces, size, audio_level=level)


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


def test_two_silent_faces_far_apart_get_one_window_not_panels():
    # panels are for people trading lines; two faces nobody hears get one crop
    left, right = still_face(180, 60), still_face(180, 1060, y=260)
    plan = plan_reframe(analysis_with(faces_table((0, right), (1, left))))
    assert [s.mode for s in plan.shots] == ["stationary"]
    assert len(plan.shots[0].faces) == 1
    assert all(layout == "crop" for layout in plan.layouts)


def test_a_preset_asking_for_panels_splits_far_apart_faces_with_the_left_face_on_top():
    left, right = still_face(180, 60), still_face(180, 1060, y=260)
    rules = FramingRules(split="always")
    plan = plan_reframe(analysis_with(faces_table((0, right), (1, left))), rules=rules)
    assert [s.mode for s in plan.shots] == ["split"]
    assert "panel" in plan.shots[0].reason
    top, bottom = plan.frame_boxes(0)
    assert top[0] <= 60 and top[0] + top[2] >= 210
    assert bottom[0] <= 1060 and bottom[0] + bottom[2] >= 1210
    for _x, _y, w, h in (top, bottom):
        assert w / h == pytest.approx(1080 / 960, rel=0.02)


def test_no_face_and_no_movement_shows_the_whole_picture():
    plan = plan_reframe(analysis_with(np.zeros((0, len(FACE_COLUMNS)), np.float32)))
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
        analysis_with(faces_table((0, still_face(180, 60)), (1, still_face(180, 1060)))),
        rules=FramingRules(split="always"),
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


def _three_faces(mouths: dict[int, float]) -> np.ndarray:
    """Two large faces at the sides and a small one between them (a fifth of their area)."""
    return faces_table(
        (0, still_face(180, 40, size=200)),
        (1, still_face(180, 600, y=250, size=90)),
        (2, still_face(180, 1040, size=200)),
        mouths=mouths,
    )


def test_the_speaking_face_is_framed_first_even_when_small():
    plan = plan_reframe(analysis_with(_three_faces({1: 2.0, 0: 0.1}), level_db=-20))
    (shot,) = plan.shots
    assert shot.speaker == 1 and 1 in shot.faces  # panels go left to right
    boxes = plan.frame_boxes(90)
    assert any(x <= 600 and x + w >= 690 for x, _y, w, _h in boxes)


def test_without_a_clear_speaker_the_largest_face_is_framed():
    for mouths, level in (({1: 2.0}, -100.0), ({1: 2.0, 0: 1.5}, -20.0), ({}, -20.0)):
        analysis = analysis_with(_three_faces(mouths), level_db=level)
        (shot,) = plan_reframe(analysis).shots
        assert shot.speaker is None
        assert shot.mode == "stationary" and shot.faces in ((0,), (2,))  # no panels: no exchange
        (shot,) = plan_reframe(analysis, rules=FramingRules(split="always")).shots
        assert shot.mode == "split" and sorted(shot.faces) == [0, 2]


def test_a_face_low_in_the_picture_is_lifted_above_the_caption_zone_by_zooming_in():
    plan = plan_reframe(analysis_with(faces_table((0, still_face(180, 600, y=440, size=160)))))
    (shot,) = plan.shots
    x, y, w, h = plan.frame_boxes(0)[0]
    assert h < 720 and "zoomed in" in shot.reason
    assert w / h == pytest.approx(9 / 16, rel=0.01)
    assert y <= 440 and y + 0.8 * h >= 440 + 160  # face inside, above the bottom fifth
    assert x <= 600 and x + w >= 760
    assert 720 / h <= 1.5 + 1e-6
    assert plan.max_upscale() == pytest.approx(1920 / h)  # said, not hidden


def test_the_largest_enlargement_is_reported_for_every_layout():
    crop = plan_reframe(analysis_with(faces_table((0, still_face(180, 600, y=150, size=160)))))
    assert crop.max_upscale() == pytest.approx(1920 / 720)
    whole = plan_reframe(analysis_with(np.zeros((0, len(FACE_COLUMNS)), np.float32)))
    assert whole.max_upscale() == pytest.approx(1080 / 1280)
    left, right = still_face(180, 60), still_face(180, 1060, y=260)
    split = plan_reframe(
        analysis_with(faces_table((0, right), (1, left))), rules=FramingRules(split="always")
    )
    top = split.frame_boxes(0)[0]
    assert split.max_upscale() == pytest.approx(960 / top[3])


def test_a_face_high_in_the_picture_keeps_the_full_height_window():
    plan = plan_reframe(analysis_with(faces_table((0, still_face(180, 600, y=150, size=160)))))
    assert plan.frame_boxes(0)[0][3] == 720 and "zoom" not in plan.shots[0].reason


def test_a_portrait_source_puts_the_eyes_on_the_upper_third():
    faces = faces_table((0, still_face(180, 400, y=700, size=200)))
    plan = plan_reframe(analysis_with(faces, size=(1080, 1920)), width=1080, height=1350)
    _x, y, w, h = plan.frame_boxes(0)[0]
    assert (w, h) == (1080, 1350)
    eye = 700 + 0.4 * 200
    assert (eye - y) / h == pytest.approx(1 / 3, abs=0.01)


def test_vertical_placement_rules_on_numbers():
    src, size = (1920, 1080), (1080, 1920)
    high = place_vertically(200, 500, 320, 300, src, size)
    assert (high.w, high.h, high.y, high.zoom, high.clear) == (608, 1080, 0, 1.0, True)
    low = place_vertically(650, 900, 750, 300, src, size)
    assert low.clear and 1 < low.zoom <= 1.5
    assert low.y <= 650 and low.y + 0.8 * low.h >= 900 and low.y + low.h <= 1080
    hopeless = place_vertically(100, 1075, 500, 300, src, size)  # fills the frame
    assert (hopeless.h, hopeless.zoom, hopeless.clear) == (1080, 1.0, False)
    too_wide = place_vertically(650, 900, 750, 600, src, size)  # two faces need the width
    assert (too_wide.h, too_wide.clear) == (1080, False)
    portrait = place_vertically(700, 900, 780, 200, (1080, 1920), (1080, 1350))
    assert portrait.h == 1350 and abs((780 - portrait.y) / portrait.h - 1 / 3) < 1e-6
    near_top = place_vertically(100, 300, 180, 200, (1080, 1920), (1080, 1350))
    assert near_top.y == 0  # the window cannot rise above the picture
