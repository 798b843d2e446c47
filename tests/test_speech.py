"""Speech in the analysis pass, judged against exact ground truth: the sample's dialogue clip
(room tone and music under it) and lines synthesised here that no setting was chosen on
(other voices and languages, music as loud as the voices)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from editor.analysis.speech import (
    RATE,
    WINDOW,
    SpeechDetector,
    detector_available,
    frame_speech,
    utterances,
)
from tests.conftest import SAMPLE_FOOTAGE

pytestmark = pytest.mark.skipif(not detector_available(), reason="no speech model here")

TRUTH = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())
DIALOGUE = next(c for c in TRUTH["clips"] if c["speech"])


def precision_recall(found: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    hits = float(np.sum(found & true))
    return hits / max(float(np.sum(found)), 1.0), hits / max(float(np.sum(true)), 1.0)


def in_spans(times: np.ndarray, spans) -> np.ndarray:
    inside = np.zeros(len(times), bool)
    for a, b in spans:
        inside |= (times >= a) & (times < b)
    return inside


@pytest.fixture(scope="module")
def dialogue_analysis():
    from editor.analysis.analyze import analyze
    from editor.media.probe import probe

    return analyze(probe(SAMPLE_FOOTAGE / DIALOGUE["file"]))


def test_speech_frames_of_the_sample_dialogue(dialogue_analysis):
    analysis = dialogue_analysis
    middle = analysis.times + 0.5 / analysis.media.fps
    true = in_spans(middle, [s for line in DIALOGUE["speech"] for s in line["spans"]])
    found = in_spans(middle, [(u.start, u.end) for u in analysis.utterances])
    precision, recall = precision_recall(found, true)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
    assert len(analysis.speech) == analysis.frame_count
    assert float(np.mean(analysis.speech[true])) > 0.8
    assert float(np.mean(analysis.speech[~in_spans(middle, [(u.start - 0.3, u.end + 0.3)
                 for u in analysis.utterances])])) < 0.1  # fmt: skip


def test_every_line_is_found_with_its_edges(dialogue_analysis):
    found = dialogue_analysis.utterances
    for line in DIALOGUE["speech"]:
        mine = [u for u in found if u.end > line["start"] and u.start < line["end"]]
        assert mine, line["text"]
        assert abs(mine[0].start - line["start"]) < 0.1
        assert 0 <= mine[-1].end - line["end"] < 0.3  # after the last sound, not long after
    spans = [s for line in DIALOGUE["speech"] for s in line["spans"]]
    for u in found:  # an utterance may split a line at its pause, never a stretch of speech
        for edge in (u.start, u.end):
            inside = [(a, b) for a, b in spans if a + 0.1 < edge < b - 0.1]
            assert not inside, (edge, inside)


def test_utterance_levels_are_the_dialogue_level(dialogue_analysis):
    from fixtures import dialogue

    for u in dialogue_analysis.utterances:
        assert u.level == pytest.approx(dialogue.SPEECH_DBFS, abs=4.0)


HELD_OUT = (
    ("A", "Open the door right now.", 0.5),
    ("B", "I cannot. He has the only key.", 2.6),
    ("A", "Then we break it down together!", 5.6),
    ("B", "Wait. Did you hear that?", 8.4),
)


def held_out_mix(voices: tuple[str, str], music_db: float, script=HELD_OUT):
    """The held-out ``script`` spoken by ``voices`` (A, B) at -20 dBFS over the sample's
    music stem at ``music_db`` and its room tone: the mix (mono, :data:`RATE`) and each
    line's stretches heard as speech, in seconds."""
    from fixtures import dialogue
    from fixtures.speech import speak

    n = 11 * RATE
    rng = np.random.default_rng(7)
    speech_track = np.zeros(n)
    lines = []
    for speaker, text, at in script:
        line = speak(text, voices[0] if speaker == "A" else voices[1])
        samples = np.interp(np.arange(0, len(line.samples) / line.rate, 1 / RATE),
                            np.arange(len(line.samples)) / line.rate, line.samples)  # fmt: skip
        heard = np.concatenate([samples[int(a * RATE) : int(b * RATE)] for a, b in line.spans])
        samples *= 0.1 / np.sqrt(np.mean(heard**2))  # -20 dBFS over speech
        start = round(at * RATE)
        speech_track[start : start + len(samples)] += samples
        lines.append([(at + a, at + b) for a, b in line.spans])
    music = dialogue.music_stem(rng, n, RATE).mean(axis=1)
    music *= 10 ** (music_db / 20) / np.sqrt(np.mean(music**2))
    room = dialogue.room_tone(rng, n).mean(axis=1)
    return (speech_track + music + room).astype(np.float32), lines


def heard_utterances(mix: np.ndarray):
    """The detector's utterances of ``mix``, handed over in uneven pieces as a decoder
    does."""
    detector = SpeechDetector()
    for k in range(0, len(mix), 1601):
        detector.add(mix[k : k + 1601], k / RATE)
    return utterances(detector.windows())


@pytest.mark.parametrize("music_db", [-30.0, -20.0])
@pytest.mark.parametrize("voices", [("en+m1", "en+f4"), ("es", "id")])
def test_held_out_lines_under_music(voices, music_db):
    """Lines, voices and music levels never looked at when the detector was set up."""
    mix, lines = held_out_mix(voices, music_db)
    truth = [span for line in lines for span in line]
    found = heard_utterances(mix)
    t = np.arange(0, len(mix) / RATE, 0.01)
    precision, recall = precision_recall(in_spans(t, [(u.start, u.end) for u in found]),
                                         in_spans(t, truth))  # fmt: skip
    print(f"held out {voices}, music {music_db:+.0f} dBFS: P {precision:.3f} R {recall:.3f}")
    assert precision >= 0.85 and recall >= 0.9, (precision, recall, found)


def test_music_and_room_tone_alone_are_not_speech():
    from fixtures import dialogue

    rng = np.random.default_rng(3)
    n = 10 * RATE
    bed = dialogue.music_stem(rng, n, RATE).mean(axis=1) * 3 + dialogue.room_tone(rng, n).mean(1)
    detector = SpeechDetector()
    detector.add(bed.astype(np.float32), 0.0)
    assert utterances(detector.windows()) == ()


def test_silence_costs_nothing_and_gaps_are_placed_by_time():
    detector = SpeechDetector()
    detector.add(np.zeros(RATE, np.float32), 0.0)
    detector.add(np.zeros(RATE, np.float32), 2.0)  # a second lost in between
    windows = detector.windows()
    assert len(windows) == (3 * RATE) // WINDOW
    assert not windows[:, 0].any() and detector._model is None


def _line_under_a_bed(text: str, voice: str, seed: int) -> np.ndarray:
    """A spoken line at -20 dBFS from 1 s on, over room tone and music (6 s, mono)."""
    from fixtures import dialogue
    from fixtures.speech import speak

    n = 6 * RATE
    line = speak(text, voice)
    samples = np.interp(np.arange(0, len(line.samples) / line.rate, 1 / RATE),
                        np.arange(len(line.samples)) / line.rate, line.samples)  # fmt: skip
    samples *= 0.1 / np.sqrt(np.mean(samples[np.abs(samples) > 1e-3] ** 2))
    rng = np.random.default_rng(seed)
    mix = dialogue.music_stem(rng, n, RATE).mean(axis=1) * 0.3 + dialogue.room_tone(rng, n).mean(1)
    mix[RATE : RATE + len(samples)] += samples[: n - RATE]
    return mix.astype(np.float32)


def _heard(mix: np.ndarray, pieces: int, read_every: int = 0) -> np.ndarray:
    detector = SpeechDetector()
    for i, k in enumerate(range(0, len(mix), pieces)):
        detector.add(mix[k : k + pieces], k / RATE)
        if read_every and i % read_every == 0:
            detector.windows()  # as analysis does for every settled report
    return detector.windows()


def test_what_is_heard_does_not_depend_on_how_the_sound_comes():
    """Sound goes to the model a block at a time: the pieces the decoder hands over, and
    reading the windows while sound is still coming, change nothing."""
    mix = _line_under_a_bed("Then we break it down together!", "en+m1", 11)
    whole = _heard(mix, len(mix))
    assert len(whole) == len(mix) // WINDOW and utterances(whole)
    for pieces, read_every in ((1601, 0), (341, 7), (WINDOW, 1), (40000, 1)):
        assert np.array_equal(_heard(mix, pieces, read_every), whole), (pieces, read_every)


def test_reading_while_the_sound_still_comes():
    """Analysis reads the windows for every settled report while the decoding thread is
    still adding sound: nothing is lost, doubled or misplaced."""
    import threading

    mix = _line_under_a_bed("Open the door right now.", "es", 13)
    whole = _heard(mix, len(mix))
    detector = SpeechDetector()

    def decode() -> None:
        for k in range(0, len(mix), 341):
            detector.add(mix[k : k + 341], k / RATE)

    feeder = threading.Thread(target=decode)
    feeder.start()
    while feeder.is_alive():
        seen = detector.windows()
        assert np.array_equal(seen, whole[: len(seen)])
    feeder.join()
    assert np.array_equal(detector.windows(), whole)


def test_a_kept_model_hears_as_a_new_one(monkeypatch):
    """The model is kept for the next file; it starts that file with nothing of the last."""
    from editor.analysis import speech

    monkeypatch.setattr(speech, "_kept_models", [])
    first = _line_under_a_bed("Wait. Did you hear that?", "en+f4", 5)
    other = _line_under_a_bed("I cannot. He has the only key.", "es", 9)
    fresh = _heard(first, 1601)  # a new model, kept once its detector is gone
    assert len(speech._kept_models) == 1
    _heard(other, 1601)
    again = _heard(first, 1601)
    assert len(speech._kept_models) == 1  # one model, used three times
    assert np.array_equal(again, fresh)


def test_utterances_join_short_pauses_and_drop_blips():
    seconds = WINDOW / RATE
    probs = np.zeros(200)
    probs[10:40] = 0.9  # 0.96 s of speech
    probs[41:70] = 0.9  # after a one-window dip: the same utterance
    probs[40] = 0.2
    probs[100:103] = 0.9  # a 0.1 s blip
    probs[150:190] = 0.9
    probs[170:172] = 0.4  # above OFFSET: does not split
    windows = np.column_stack([probs, np.full(200, -20.0)])
    found = utterances(windows)
    assert [(round(u.start / seconds), round(u.end / seconds)) for u in found] == [
        (10, 70),
        (150, 190),
    ]
    assert all(u.level == pytest.approx(-20.0) for u in found)
    frames = frame_speech(windows, np.arange(0, 6.4, 1 / 30), 6.4)
    assert frames[int(0.5 * 30)] == pytest.approx(0.9) and frames[int(4.0 * 30)] == 0
