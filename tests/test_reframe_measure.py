"""The independent framing judge of the reframe benchmark: what counts as a face inside the
plan, the speaker exception, and the detector itself on the bundled sample footage."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.face_judge import (
    INSIDE_SHARE,
    FaceJudge,
    iou,
    is_inside,
    judge_frames,
    merge_boxes,
    overlap_share,
    pool,
    speaker_boxes,
    steady_faces,
)
from benchmarks.reframe import judged_faces
from editor.analysis.model import FACE_COLUMNS
from editor.media.probe import probe
from editor.reframe.plan import ReframePlan, ShotFraming
from tests.conftest import SAMPLE_FOOTAGE

W, H = 1280, 720
WIN = (100.0, 0.0, 404.0, 720.0)  # a 9:16 crop window near the left edge


def make_plan(
    layouts: list[str], boxes: list[list[tuple]], shots: tuple[ShotFraming, ...] = ()
) -> ReframePlan:
    panels = np.array([len(b) for b in boxes], dtype=np.int32)
    rows = np.zeros((len(boxes), int(panels.max()), 4))
    for i, frame_boxes in enumerate(boxes):
        rows[i, : len(frame_boxes)] = frame_boxes
        rows[i, len(frame_boxes) :] = frame_boxes[-1]
    shots = shots or (ShotFraming(0, len(boxes), "track", "test"),)
    return ReframePlan("x.mp4", W, H, 25.0, 1080, 1920, 25.0, shots, tuple(layouts), panels, rows)


def test_inside_means_most_of_the_face_within_one_region() -> None:
    face = (300.0, 100.0, 100.0, 100.0)
    assert is_inside(face, [WIN])
    # 90 px of its 100 within the window (right edge at 504): exactly the threshold
    edge = (504.0 - 100.0 * INSIDE_SHARE, 100.0, 100.0, 100.0)
    assert overlap_share(edge, WIN) == pytest.approx(INSIDE_SHARE)
    assert is_inside(edge, [WIN])
    assert not is_inside((edge[0] + 5, *edge[1:]), [WIN])
    # half in one split panel and half in the other is in neither
    top, bottom = (0.0, 0.0, 640.0, 360.0), (0.0, 360.0, 640.0, 360.0)
    straddling = (100.0, 310.0, 100.0, 100.0)
    assert not is_inside(straddling, [top, bottom])
    assert is_inside((100.0, 400.0, 100.0, 100.0), [top, bottom])


def test_judge_counts_faces_in_crop_split_and_fit() -> None:
    whole = (0.0, 0.0, float(W), float(H))
    plan = make_plan(
        ["crop", "crop", "split", "fit", "crop"],
        [
            [WIN],
            [WIN],
            [(0.0, 0.0, 640.0, 360.0), (640.0, 360.0, 640.0, 360.0)],
            [whole],
            [WIN],
        ],
    )
    largest = {
        0: (200.0, 100.0, 150.0, 150.0),  # inside the window
        1: (900.0, 100.0, 150.0, 150.0),  # outside it
        2: (800.0, 450.0, 150.0, 150.0),  # inside the second panel
        3: (900.0, 100.0, 150.0, 150.0),  # fit shows everything
        4: None,
    }
    j = judge_frames(plan, largest, speaker={})
    assert (j.sampled, j.with_face, j.inside, j.other, j.fit, j.split) == (5, 4, 3, 0, 1, 1)
    assert j.inside_share == j.inside_share_raw == pytest.approx(0.75)
    assert j.fit_share == pytest.approx(0.25)
    assert j.crop_share == pytest.approx(0.5)


def test_framing_the_speaker_instead_is_counted_apart() -> None:
    plan = make_plan(["crop"] * 3, [[WIN]] * 3)
    big_face_outside = (900.0, 100.0, 200.0, 200.0)
    speaker_inside = (250.0, 150.0, 120.0, 120.0)
    largest = {0: big_face_outside, 1: big_face_outside, 2: big_face_outside}
    # frame 0: the speaker is inside; frame 1: the speaker is outside too; frame 2: the
    # "speaker" is the judged face itself, drawn a little differently by the other detector
    speaker = {0: speaker_inside, 1: (950.0, 120.0, 150.0, 150.0), 2: (910.0, 110.0, 180.0, 180.0)}
    j = judge_frames(plan, largest, speaker)
    assert (j.with_face, j.inside, j.other) == (3, 0, 1)
    assert j.inside_share_raw == 0.0
    assert j.inside_share == 0.0  # 0 of the 2 frames not framing the speaker
    two = judge_frames(plan, {0: big_face_outside, 1: speaker_inside}, speaker)
    assert (two.inside, two.other) == (1, 1)
    assert two.inside_share == 1.0 and two.inside_share_raw == 0.5


def test_speaker_boxes_come_from_the_speakers_track_within_its_unit() -> None:
    shots = (
        ShotFraming(0, 3, "track", "test", faces=(1,), speaker=1),
        ShotFraming(3, 6, "track", "test", faces=(2,), speaker=None),
    )
    plan = make_plan(["crop"] * 6, [[WIN]] * 6, shots)
    rows = []
    for frame in range(6):
        rows.append([frame, 1, 10 + frame, 20, 30, 40, 1.0, 0.0])
        rows.append([frame, 2, 500, 20, 30, 40, 1.0, 0.0])
    boxes = np.array(rows, dtype=np.float32)
    assert boxes.shape[1] == len(FACE_COLUMNS)
    found = speaker_boxes(plan, boxes, [0, 2, 4])
    assert found == {0: (10.0, 20.0, 30.0, 40.0), 2: (12.0, 20.0, 30.0, 40.0)}


def test_steady_faces_drop_a_detection_seen_on_one_sample_only() -> None:
    face = (100.0, 100.0, 50.0, 50.0)
    moved = (140.0, 110.0, 55.0, 55.0)  # the same face, moved under a face width
    blip = (600.0, 300.0, 80.0, 80.0)
    bigger = (90.0, 90.0, 120.0, 120.0)  # same place, far larger: not the same face
    samples = [[face], [blip, moved], [bigger], []]
    assert steady_faces(samples) == [[face], [moved], [], []]
    assert steady_faces([[face]]) == [[]]


def test_one_face_found_at_two_scales_is_merged_into_one_box() -> None:
    a, b = (100.0, 100.0, 60.0, 60.0), (95.0, 95.0, 70.0, 70.0)
    other = (400.0, 100.0, 40.0, 40.0)
    assert merge_boxes([a, other, b], 0.5) == [(97.5, 97.5, 65.0, 65.0), other]


def test_pool_is_over_clips_with_people() -> None:
    plan = make_plan(["crop"] * 10 + ["fit"] * 10, [[WIN]] * 10 + [[(0.0, 0.0, W, H)]] * 10)
    inside = (200.0, 100.0, 150.0, 150.0)
    people = judge_frames(plan, {i: inside for i in range(0, 20, 2)}, {})  # half of it fit
    empty = judge_frames(plan, {i: None for i in range(20)}, {})
    p = pool([people, empty])
    assert p.clips == 1
    assert p.mean_fit == p.max_fit == pytest.approx(0.5)
    assert p.mean_inside == 1.0


# ------------------------------------------------------------------ on real decoded media


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def clip(truth: dict) -> dict:
    """The first sample clip: a moving face, a still face, motion, a dull and a black shot."""
    return truth["clips"][0]


@pytest.fixture(scope="module")
def judged(clip: dict) -> dict:
    """The judge's largest face on every 12th frame of the clip."""
    media = probe(SAMPLE_FOOTAGE / clip["file"])
    largest, _ = judged_faces(media, FaceJudge(), rate=media.fps / 12)
    return largest


def test_judge_finds_the_true_largest_face_and_little_else(clip: dict, judged: dict) -> None:
    matched = with_truth = false = 0
    for frame, face in judged.items():
        boxes = clip["faces"][frame]
        if boxes:
            with_truth += 1
            matched += face is not None and max(iou(face, b) for b in boxes) >= 0.4
        elif face is not None:
            false += 1
    assert with_truth >= 10
    assert matched / with_truth >= 0.9, (matched, with_truth)
    assert false <= 1


def test_a_window_on_the_face_scores_all_and_one_away_scores_none(clip: dict, judged: dict) -> None:
    count = clip["frame_count"]
    on_face, away = [], []
    for frame in range(count):
        boxes = clip["faces"][frame]
        centre = boxes[0][0] + boxes[0][2] / 2 if boxes else W / 2
        left = float(np.clip(centre - 202, 0, W - 404))
        on_face.append([(left, 0.0, 404.0, 720.0)])
        away.append([(0.0 if left > W / 2 - 202 else W - 404.0, 0.0, 404.0, 720.0)])
    good = judge_frames(make_plan(["crop"] * count, on_face), judged, {})
    bad = judge_frames(make_plan(["crop"] * count, away), judged, {})
    assert good.with_face == bad.with_face >= 10
    assert good.inside_share >= 0.9
    assert bad.inside_share <= 0.1
