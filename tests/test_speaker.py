"""Who speaks: the sound level per frame and mouth movement per face, on numbers and media."""

from __future__ import annotations

import json

import numpy as np
import pytest

from editor.analysis.analyze import analyze
from editor.analysis.faces import MOUTH_REGION, mouth_activity
from editor.analysis.signals import SILENCE_DB, AudioLevels
from editor.media.probe import probe
from editor.reframe.planner import plan_reframe
from tests.conftest import SAMPLE_FOOTAGE, shared_clip

RATE = 16000


def test_sound_level_per_frame_is_the_rms_in_dbfs_of_that_frame():
    levels = AudioLevels(RATE)
    t = np.arange(RATE) / RATE
    levels.add((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), 0.0)  # 0-1 s
    levels.add(np.zeros(RATE // 2, np.float32), 1.0)  # 1-1.5 s silent
    levels.add(np.full(RATE // 2, 0.1, np.float32), 2.0)  # 2-2.5 s, after a gap
    times = np.arange(0, 3, 0.04)  # 25 fps
    db = levels.levels(times, 3.0)
    assert db.shape == times.shape
    sine = db[times < 0.96]
    assert np.allclose(sine, 20 * np.log10(0.5 / np.sqrt(2)), atol=0.1)  # -9.03 dBFS
    assert np.all(db[(times >= 1.0) & (times < 1.48)] == SILENCE_DB)
    assert np.all(db[(times >= 1.52) & (times < 2.0)] == SILENCE_DB)  # nothing was heard
    assert np.allclose(db[(times >= 2.0) & (times < 2.48)], -20.0, atol=0.01)
    assert np.all(db[times >= 2.52] == SILENCE_DB)


def test_sound_before_the_first_picture_is_ignored():
    levels = AudioLevels(RATE)
    levels.add(np.concatenate([np.ones(RATE // 2), np.zeros(RATE // 2)]).astype(np.float32), -0.5)
    assert np.all(levels.levels(np.arange(0, 0.5, 0.1), 0.5) == SILENCE_DB)
    assert np.all(AudioLevels(RATE).levels(np.arange(5) / 25, 0.2) == SILENCE_DB)


def test_mouth_movement_counts_only_beyond_the_movement_of_the_whole_face():
    rng = np.random.default_rng(1)
    before = rng.integers(0, 255, (180, 320), dtype=np.uint8)
    face = np.array([[100.0, 40.0, 80.0, 100.0]])
    left, top, right, bottom = MOUTH_REGION
    talking = before.copy()
    y0, y1 = int(40 + 100 * top), int(40 + 100 * bottom)
    x0, x1 = int(100 + 80 * left), int(100 + 80 * right)
    talking[y0:y1, x0:x1] = 255 - talking[y0:y1, x0:x1]
    assert mouth_activity(before, talking, face)[0] > 50
    nodding = np.roll(before, 3, axis=0)  # the whole picture moves: head or camera
    assert mouth_activity(before, nodding, face)[0] < 0.2 * mouth_activity(before, talking, face)
    assert mouth_activity(before, before, face)[0] < 0.1
    outside = np.array([[400.0, 40.0, 80.0, 100.0]])  # off the picture: nothing to measure
    assert mouth_activity(before, talking, outside)[0] == 0


def test_the_sample_footage_is_loud_where_labelled_interesting():
    truth = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())
    clip = truth["clips"][0]
    analysis = analyze(probe(SAMPLE_FOOTAGE / clip["file"]))
    assert analysis.audio_level.shape == (analysis.frame_count,)
    loud, quiet = [], []
    for shot in clip["shots"]:
        inner = analysis.audio_level[shot["start_frame"] + 3 : shot["end_frame"] - 3]
        (loud if shot["audio"] == "loud" else quiet).append(float(np.median(inner)))
    assert min(loud) > max(quiet) + 15, (loud, quiet)
    # still portraits with loud sound: nobody's mouth moves, so nobody is the speaker
    assert all(s.speaker is None for s in plan_reframe(analysis).shots)


def test_a_talking_head_is_found_speaking():
    analysis = analyze(probe(shared_clip("WDA_AlexandriaOcasioCortez_000.mp4")))
    assert np.median(analysis.audio_level) > -40
    plan = plan_reframe(analysis)
    speaking = sum(s.end_frame - s.start_frame for s in plan.shots if s.speaker is not None)
    assert speaking >= 0.9 * analysis.frame_count
    assert "speaking face" in plan.shots[0].reason


def test_a_clip_without_sound_is_silent_throughout():
    media = probe(shared_clip("clip_01_tears_of_steel.mp4"))
    assert not media.has_audio
    analysis = analyze(media)
    assert np.all(analysis.audio_level == SILENCE_DB)


@pytest.mark.parametrize(
    "name", ["short_hamilton_clip.mp4", "goldeneye-vfr-drop3.mp4", "issue-134-rotate.mp4"]
)
def test_sound_is_measured_on_delayed_rotated_and_variable_rate_files(name):
    media = probe(shared_clip(name))
    analysis = analyze(media)
    assert analysis.audio_level.shape == (analysis.frame_count,)
    if media.has_audio:
        assert np.mean(analysis.audio_level > SILENCE_DB) > 0.8
