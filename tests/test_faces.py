"""Faces and face tracks: linking and interpolation on plain numbers, then both detector
backends on the decoded sample footage (against its exact face boxes) and on real clips."""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from editor.analysis import faces as faces_module
from editor.analysis.analyze import analyze
from editor.analysis.faces import (
    BACKENDS,
    DETECTOR_ENV,
    FACELESS_STRIDE,
    FaceSampler,
    backend_available,
    detector_name,
    face_rows,
    is_new_picture,
    make_detector,
    sample_interval,
)
from editor.analysis.model import (
    FACE_COLUMNS,
    Analysis,
    face_track,
    face_tracks,
    faces_in_frame,
    no_faces,
)
from editor.analysis.tracks import Sample, iou, link_shot, match_score
from editor.errors import AutocutError
from editor.media.probe import probe
from tests.conftest import SAMPLE_FOOTAGE, shared_clip

TRUTH = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())
CLIPS = [clip["file"] for clip in TRUTH["clips"]]


def box(x: float, y: float, w: float = 20, h: float = 24, score: float = 0.9) -> list[float]:
    return [x, y, w, h, score]


def samples(*per_frame: tuple[int, list[list[float]]]) -> list[Sample]:
    return [Sample(f, np.asarray(rows, np.float64).reshape(-1, 5)) for f, rows in per_frame]


# -- linking and interpolation on numbers ------------------------------------------------------


def test_iou_and_match_score():
    a = np.array([0, 0, 10, 10.0])
    assert iou(a, a) == 1.0
    assert iou(a, np.array([5, 0, 10, 10.0])) == pytest.approx(50 / 150)
    assert iou(a, np.array([20, 0, 10, 10.0])) == 0.0
    assert match_score(a, np.array([8, 0, 10, 10.0])) > 0  # near: still the same face
    assert match_score(a, np.array([30, 0, 10, 10.0])) == 0  # three widths away: not
    assert match_score(a, np.array([0, 0, 30, 30.0])) == 0  # three times the size: not


def test_linking_follows_a_moving_face_and_interpolates_every_frame():
    # A face moving 3 px a frame, sampled every 5 frames in a shot of frames [10, 40).
    found = samples(*[(f, [box(3 * f, 50)]) for f in range(10, 40, 5)])
    (track,) = link_shot(found, 10, 40, first_id=7)
    assert track.track_id == 7
    assert track.frames.tolist() == list(range(10, 40))  # shot start to shot end
    assert np.allclose(track.boxes[:, 0], 3 * track.frames)  # linear in between and beyond
    assert track.share(30) == 1.0
    assert track.mean_size == 20
    assert track.confidence == pytest.approx(0.9)


def test_two_faces_keep_their_ids_when_they_cross_paths_vertically_apart():
    left = [(f, [box(10 + 3 * f, 20), box(200 - 3 * f, 120)]) for f in range(0, 60, 6)]
    tracks = link_shot(samples(*left), 0, 60)
    assert len(tracks) == 2
    top, bottom = sorted(tracks, key=lambda t: t.boxes[0, 1])
    assert np.allclose(top.boxes[:, 1], 20) and np.allclose(bottom.boxes[:, 1], 120)
    assert np.allclose(top.boxes[:, 0], 10 + 3 * top.frames)


def test_missed_samples_are_bridged_and_longer_gaps_split_the_track():
    frames = list(range(0, 100, 5))
    short_gap = [(f, [] if f in (20, 25) else [box(100, 50)]) for f in frames]
    (track,) = link_shot(samples(*short_gap), 0, 100)
    assert track.frames.tolist() == list(range(100))
    assert np.allclose(track.boxes[:, 0], 100)
    long_gap = [(f, [] if 20 <= f <= 40 else [box(100, 50)]) for f in frames]
    first, second = link_shot(samples(*long_gap), 0, 100)
    assert (first.track_id, second.track_id) == (0, 1)
    assert first.frames[-1] < 20 and second.frames[0] > 40
    assert first.frames[-1] == 17 and second.frames[0] == 43  # halfway to the unseen samples


def test_flickering_and_one_off_detections_are_dropped():
    frames = list(range(0, 120, 6))
    rows = [(f, [box(100, 50)] + ([box(250, 10, 8, 8, 0.7)] if f == 30 else [])) for f in frames]
    flicker = [(f, [box(10, 10)] if i % 4 == 0 else []) for i, f in enumerate(frames)]
    merged = [(f, a + b) for (f, a), (_, b) in zip(rows, flicker)]
    tracks = link_shot(samples(*merged), 0, 120)
    assert [t.boxes[0, 0] for t in tracks] == [100]


def test_a_shot_with_a_single_sample_keeps_its_detection():
    (track,) = link_shot(samples((3, [box(40, 40)])), 0, 5)
    assert track.frames.tolist() == [0, 1, 2, 3, 4]


def test_tracks_never_cross_a_shot_boundary():
    found = samples(*[(f, [box(100, 50)]) for f in range(0, 100, 5)])
    rows = faces_module.tracks_by_shot(found, _shots((0, 40), (40, 100)))
    assert [(t.track_id, t.frames[0], t.frames[-1]) for t in rows] == [(0, 0, 39), (1, 40, 99)]


def test_face_rows_scale_to_source_pixels_and_helpers_read_them():
    found = samples(*[(f, [box(10, 20)]) for f in range(0, 10, 5)])
    tracks = faces_module.tracks_by_shot(found, _shots((0, 10)))
    table = face_rows(tracks, (4.0, 4.0))
    assert table.dtype == np.float32 and table.shape == (10, len(FACE_COLUMNS))
    assert faces_in_frame(table, 3)[:, 2:6].tolist() == [[40, 80, 80, 96]]
    assert len(faces_in_frame(table, 10)) == 0
    assert len(face_track(table, 0)) == 10
    (summary,) = face_tracks(table, _shots((0, 10)))
    assert (summary.start_frame, summary.end_frame, summary.share) == (0, 10, 1.0)
    assert summary.mean_size == 80
    assert no_faces().shape == (0, len(FACE_COLUMNS))


def test_sampling_decisions():
    assert sample_interval(30) == 9
    assert sample_interval(24) == 7
    assert sample_interval(0) == 1
    assert is_new_picture(40, 2)
    assert not is_new_picture(40, 30)  # steady fast motion
    assert not is_new_picture(5, 0)


def test_analysis_without_faces_still_constructs():
    field = Analysis.__dataclass_fields__["face_boxes"]
    assert field.default_factory().shape == (0, len(FACE_COLUMNS))


def test_detector_choice(monkeypatch):
    monkeypatch.setenv(DETECTOR_ENV, "mtcnn")
    assert detector_name() == "mtcnn"
    assert detector_name("auto") in BACKENDS
    with pytest.raises(AutocutError):
        detector_name("nonsense")


def test_mtcnn_is_used_when_libfacedetection_is_missing(monkeypatch):
    def missing():
        raise ImportError("no libfacedetection here")

    monkeypatch.setitem(faces_module._FACTORIES, "libfacedetection", missing)
    monkeypatch.delenv(DETECTOR_ENV, raising=False)
    assert detector_name() == "mtcnn"
    with pytest.raises(AutocutError):
        detector_name("libfacedetection")
    empty = make_detector()(np.zeros((180, 320, 3), np.uint8))
    assert empty.shape == (0, 5)


def _shots(*bounds: tuple[int, int]):
    from editor.analysis.model import Shot

    return tuple(Shot(i, a, b, a / 30, b / 30) for i, (a, b) in enumerate(bounds))


# -- the sample footage, decoded -----------------------------------------------------------


def _backend(name: str) -> str:
    if not backend_available(name):
        pytest.skip(f"face detector {name} is not installed here")
    return name


@functools.cache
def _analysed(clip: str, backend: str) -> Analysis:
    return analyze(probe(SAMPLE_FOOTAGE / clip), face_detector=backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("clip", CLIPS)
def test_sample_footage_faces_against_ground_truth(clip, backend):
    analysis = _analysed(clip, _backend(backend))
    truth = next(c for c in TRUTH["clips"] if c["file"] == clip)
    fading = {f for g in truth["gradual"] for f in range(g["start_frame"], g["end_frame"] + 1)}
    for shot in truth["shots"]:
        frames = [f for f in range(shot["start_frame"], shot["end_frame"]) if f not in fading]
        if shot["kind"] in ("face", "two_shot"):
            found = 0
            ids: dict[int, set[int]] = {}
            for f in frames:
                rows = faces_in_frame(analysis.face_boxes, f)
                for k, face in enumerate(truth["faces"][f]):
                    overlap, track = max(
                        ((iou(np.asarray(face, float), r[2:6]), int(r[1])) for r in rows),
                        default=(0.0, -1),
                    )
                    if overlap >= 0.5:
                        found += 1
                        ids.setdefault(k, set()).add(track)
            expected = sum(len(truth["faces"][f]) for f in frames)
            assert found >= 0.95 * expected, (shot, found, expected)
            # every true face is followed by one track, and different faces by different ones
            assert len(ids) == shot["faces"], shot
            assert all(len(v) == 1 for v in ids.values()), (shot, ids)
            assert len(set().union(*ids.values())) == shot["faces"], (shot, ids)
        else:
            stray = sum(len(faces_in_frame(analysis.face_boxes, f)) for f in frames)
            assert stray <= 0.02 * len(frames), (shot, stray)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("clip", CLIPS)
def test_track_ids_never_span_a_cut(clip, backend):
    analysis = _analysed(clip, _backend(backend))
    table = analysis.face_boxes
    assert table.dtype == np.float32 and table.shape[1] == len(FACE_COLUMNS)
    assert np.all(np.diff(table[:, 0]) >= 0)
    starts = np.asarray([s.start_frame for s in analysis.shots])
    for track_id in np.unique(table[:, 1]):
        frames = face_track(table, int(track_id))[:, 0].astype(int)
        shot_of = np.searchsorted(starts, frames, side="right")
        assert len(set(shot_of.tolist())) == 1
        assert np.array_equal(frames, np.arange(frames[0], frames[-1] + 1))  # every frame
    media = analysis.media
    assert np.all(table[:, 2] >= 0) and np.all(table[:, 2] + table[:, 4] <= media.width + 1)
    assert np.all(table[:, 3] >= 0) and np.all(table[:, 3] + table[:, 5] <= media.height + 1)


# -- real clips ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_talking_head_is_one_track_on_nearly_every_frame(backend):
    analysis = analyze(
        probe(shared_clip("WDA_AlexandriaOcasioCortez_000.mp4")), face_detector=_backend(backend)
    )
    table = analysis.face_boxes
    with_face = len(np.unique(table[:, 0]))
    assert with_face >= 0.95 * analysis.frame_count
    tracks = face_tracks(table, analysis.shots)
    main = max(tracks, key=lambda t: t.share)
    assert main.share >= 0.95
    assert sum(t.share for t in tracks) <= 1.1  # no second face worth the name
    rows = face_track(table, main.track_id)
    centre_x = rows[:, 2] + rows[:, 4] / 2
    assert 0.2 * analysis.media.width < np.median(centre_x) < 0.8 * analysis.media.width


@pytest.mark.parametrize("backend", BACKENDS)
def test_tears_of_steel_faces_stay_inside_their_shots(backend):
    analysis = analyze(
        probe(shared_clip("clip_01_tears_of_steel.mp4")), face_detector=_backend(backend)
    )
    tracks = face_tracks(analysis.face_boxes, analysis.shots)
    assert tracks, "the clip shows faces"
    shots = {s.index: s for s in analysis.shots}
    for track in tracks:
        shot = shots[track.shot]
        assert shot.start_frame <= track.start_frame < track.end_frame <= shot.end_frame
    with_face = len(np.unique(analysis.face_boxes[:, 0]))
    assert with_face >= 0.5 * analysis.frame_count


def test_faceless_stretches_are_sampled_half_as_often():
    rng = np.random.default_rng(3)
    textured = rng.integers(0, 256, (180, 320, 3), dtype=np.uint8)  # never flat
    darker = textured // 4  # a sudden change of picture from it
    face = np.array([[100, 40, 60, 60, 0.9]], np.float32)
    detected: list[int] = []

    def frame(index: int, picture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        image = picture.copy()
        image[0, 0, 0] = index  # the detector reads which frame it was given
        return image, image.mean(axis=2).astype(np.uint8)

    def detector(face_from: int):
        def detect(image: np.ndarray) -> np.ndarray:
            index = int(image[0, 0, 0])
            detected.append(index)
            return face if index >= face_from else np.zeros((0, 5), np.float32)

        return detect

    sampler = FaceSampler(detector(face_from=60), 9)
    for index in range(120):
        sampler.add(index, *frame(index, textured))
    assert FACELESS_STRIDE == 2
    # No face: every 18 frames; the face, found at the first sample after it appears, is
    # then sampled every 9.
    assert detected == [0, 18, 36, 54, 72, 81, 90, 99, 108, 117]

    detected.clear()
    sampler = FaceSampler(detector(face_from=1000), 9)
    for index in range(40):
        sampler.add(index, *frame(index, textured if index < 25 else darker))
    # A sudden change of picture is sampled at once, on both sides, faces or not.
    assert detected == [0, 18, 24, 25]
