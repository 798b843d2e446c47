"""Shot-boundary scoring on plain numbers: tolerances, one-to-one matching, edge cases."""

from __future__ import annotations

import json

import pytest

from benchmarks.metrics import (
    CutScore,
    Detection,
    LabelledClip,
    Span,
    find_gradual,
    load_expected,
    load_fixture_truth,
    match_cuts,
    pooled,
    score_clip,
    score_cuts,
)
from tests.conftest import SAMPLE_FOOTAGE


def test_one_frame_off_matches_two_frames_off_does_not():
    score = score_cuts([100, 200], [101, 198], tolerance=1)
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.false_cuts == (198,)
    assert score.missed_cuts == (200,)


def test_both_edges_of_the_tolerance_count():
    assert score_cuts([100], [99], 1).tp == 1
    assert score_cuts([100], [101], 1).tp == 1
    assert score_cuts([100], [102], 1).tp == 0


def test_each_label_matches_at_most_once():
    score = score_cuts([100], [99, 100, 101], 1)
    assert (score.tp, score.fp, score.fn) == (1, 2, 0)
    assert score.false_cuts == (99, 101)


def test_each_detection_matches_at_most_once():
    score = score_cuts([99, 101], [100], 1)
    assert (score.tp, score.fp, score.fn) == (1, 0, 1)
    assert score.missed_cuts == (101,)


def test_closest_pairs_are_matched_first():
    # 11 is within reach of both labels; it must go to 11 (distance 0), leaving 10 for 9.
    assert match_cuts([10, 11], [9, 11], 1) == ((0, 0), (1, 1))
    assert match_cuts([10, 12], [11], 1) == ((0, 0),)  # tie: the earlier label wins


def test_precision_recall_f1():
    score = score_cuts([10, 20, 30, 40], [10, 21, 50], 1)
    assert (score.tp, score.fp, score.fn) == (2, 1, 2)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_empty_cases():
    nothing = score_cuts([], [], 1)
    assert (nothing.precision, nothing.recall, nothing.f1) == (1.0, 1.0, 1.0)
    silent = score_cuts([10], [], 1)
    assert (silent.precision, silent.recall, silent.f1) == (1.0, 0.0, 0.0)
    noisy = score_cuts([], [10], 1)
    assert (noisy.precision, noisy.recall, noisy.f1) == (0.0, 1.0, 0.0)


def test_false_cuts_on_hard_negatives_are_counted_separately():
    score = score_cuts([50], [50, 104, 107, 150], 1, hard_negatives=[(103, 105), (108, 110)])
    assert score.fp == 3
    assert score.false_cuts == (104, 107, 150)
    # 104 is inside the first range, 107 one frame before the second, 150 far from both.
    assert score.false_on_hard_negatives == 2


def test_a_labelled_cut_inside_a_hard_negative_still_matches():
    score = score_cuts([76], [76], 1, hard_negatives=[(74, 75)])
    assert (score.tp, score.fp, score.false_on_hard_negatives) == (1, 0, 0)


def test_cuts_on_gradual_transitions_are_neither_hits_nor_false():
    score = score_cuts([30], [30, 300, 500], 1, gradual=[(285, 299)])
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)
    assert score.on_gradual == (300,)
    assert score.false_cuts == (500,)


def test_gradual_found_by_overlapping_transition_or_cut_inside():
    found = find_gradual(
        [(10, 20), (40, 50), (70, 80)], transitions=[(18, 25)], cuts=[51], tolerance=1
    )
    assert found == ((True, False), (False, True), (False, False))


def _vfr_clip(times: tuple[float, ...]) -> LabelledClip:
    return LabelledClip(
        name="v.mp4",
        path=SAMPLE_FOOTAGE / "v.mp4",
        fps=30.0,
        vfr=True,
        cut_frames=(80, 160),
        cut_times=times,
    )


def test_variable_frame_rate_is_matched_by_time_within_one_frame_duration():
    clip = _vfr_clip((4.0, 7.0))
    # Frame indices are far off (frames were dropped), times are what count.
    hit = Detection(cut_frames=(100, 190), cut_times=(4.0 + 1 / 30, 7.0 - 1 / 30))
    assert score_clip(clip, hit).cuts.tp == 2
    miss = Detection(cut_frames=(80, 160), cut_times=(4.0 + 1.5 / 30, 7.1))
    score = score_clip(clip, miss).cuts
    assert (score.tp, score.fp, score.fn) == (0, 2, 2)
    assert score.missed_cuts == (4.0, 7.0)


def test_constant_frame_rate_is_matched_by_frame_index():
    clip = LabelledClip("c.mp4", SAMPLE_FOOTAGE / "c.mp4", 24.0, False, (21, 65), (0.875, 2.708))
    detection = Detection(cut_frames=(22, 67), cut_times=(0.0, 0.0))
    score = score_clip(clip, detection).cuts
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)


def test_score_clip_reports_transitions():
    fade = Span("fade", 285, 299, 9.5, 299 / 30)
    dissolve = Span("dissolve", 600, 617, 20.0, 617 / 30)
    clip = LabelledClip("a.mp4", SAMPLE_FOOTAGE / "a.mp4", 30.0, False, (), (), (fade, dissolve))
    detection = Detection(
        cut_frames=(300,),
        cut_times=(10.0,),
        transitions=(Span("dissolve", 605, 612, 605 / 30, 612 / 30),),
    )
    result = score_clip(clip, detection)
    assert [(g.by_transition, g.by_cut) for g in result.gradual] == [(False, True), (True, False)]
    assert (result.transitions_found, result.transitions_labelled) == (2, 2)
    assert result.cuts.fp == 0


def test_pooled_sums_counts():
    total = pooled([CutScore(3, 1, 0, (5,)), CutScore(1, 0, 2, (), (7, 9))])
    assert (total.tp, total.fp, total.fn) == (4, 1, 2)
    assert total.false_cuts == (5,) and total.missed_cuts == (7, 9)


def test_detection_speed():
    assert Detection((), (), seconds=2.0, frames=100).fps == 50.0
    assert Detection((), ()).fps == 0.0


def test_load_expected_file(tmp_path):
    expected = tmp_path / "expected"
    expected.mkdir()
    label = {
        "file": "x.mp4",
        "cuts": [{"frame": 30, "time_s": 1.001, "type": "hard"}],
        "gradual": [{"type": "fade_in", "start_frame": 211, "end_frame": 240}],
        "hard_negatives": [{"frames": [100, 104], "why": "flash"}],
        "media": {"avg_fps": "30000/1001", "rotation": None},
    }
    (expected / "x.mp4.expected.json").write_text(json.dumps(label))
    clip = load_expected(expected / "x.mp4.expected.json")
    assert clip.path == tmp_path / "x.mp4"
    assert clip.fps == pytest.approx(29.97, abs=1e-3)
    assert not clip.vfr
    assert clip.cut_frames == (30,) and clip.cut_times == (1.001,)
    assert clip.gradual[0].kind == "fade_in"
    assert (clip.gradual[0].start_frame, clip.gradual[0].end_frame) == (211, 240)
    assert clip.gradual[0].start == pytest.approx(211 * 1001 / 30000)
    assert (clip.hard_negatives[0].start_frame, clip.hard_negatives[0].end_frame) == (100, 104)


def test_load_fixture_truth():
    clips = {c.name: c for c in load_fixture_truth(SAMPLE_FOOTAGE / "ground_truth.json")}
    assert set(clips) == {"clip_a.mp4", "clip_b.mp4", "clip_c.mp4", "clip_d.mp4"}
    a = clips["clip_a.mp4"]
    assert a.path == SAMPLE_FOOTAGE / "clip_a.mp4"
    assert a.fps == 30.0 and not a.vfr
    assert a.cut_frames == (120, 210, 345)
    assert a.cut_times == (4.0, 7.0, 11.5)
    assert [(g.kind, g.start_frame, g.end_frame) for g in a.gradual] == [("fade", 285, 299)]
    assert a.hard_negatives == ()
