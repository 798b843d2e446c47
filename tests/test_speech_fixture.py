"""The synthesised lines behind the dialogue ground truth: every voice speaks, word times
are where the sound is, a pause splits a line's speech, and a line never depends on what
was spoken before it."""

from __future__ import annotations

import numpy as np
import pytest

speech = pytest.importorskip("fixtures.speech")
pytest.importorskip("espeakng_loader")

LINES = {
    "en": "You should not have come back here.",
    "cmn": "你为什么回来了？",
    "ja": "どうして戻ってきたの？",
    "th": "ฉันไม่มีทางเลือก",
    "es": "No tenía otra opción.",
    "id": "Aku tidak punya pilihan.",
}


@pytest.mark.parametrize("voice", LINES)
def test_every_voice_speaks_with_word_times(voice):
    line = speech.speak(LINES[voice], voice)
    duration = len(line.samples) / line.rate
    assert line.rate == 22050 and 0.5 < duration < 6
    starts = [w.start for w in line.words]
    assert len(starts) >= 2 and starts == sorted(starts) and starts[-1] < line.speech_end
    assert 0 <= line.speech_start < line.speech_end <= duration
    for start, end in line.spans:
        assert line.speech_start <= start < end <= line.speech_end + 1e-9
    for start in starts:  # each word begins where there is sound (a stop closure may come first)
        i = round(start * line.rate)
        assert np.sqrt(np.mean(line.samples[i : i + round(0.15 * line.rate)] ** 2)) > 1e-3


def test_a_pause_between_sentences_splits_the_speech():
    line = speech.speak("I had no choice. They took everything.", "en+f4")
    assert len(line.spans) == 2
    they = next(w for w in line.words if w.text == "They")
    gap = line.spans[1][0] - line.spans[0][1]
    assert gap > 0.25
    assert abs(line.spans[1][0] - they.start) < 0.05
    i, j = (round(t * line.rate) for t in (line.spans[0][1] + 0.02, line.spans[1][0] - 0.02))
    assert np.max(np.abs(line.samples[i:j])) < 0.01  # the pause is silent


def test_a_line_is_the_same_whatever_was_spoken_before():
    first = speech.speak(LINES["en"], "en+m3")
    speech.speak("Something else entirely, said fast.", "en+f4", words_per_minute=220, pitch=80)
    again = speech.speak(LINES["en"], "en+m3")
    assert np.array_equal(first.samples, again.samples)
    assert first.words == again.words


def test_speakers_sound_different():
    a = speech.speak(LINES["en"], "en+m3", pitch=40)
    b = speech.speak(LINES["en"], "en+f4", pitch=70)
    assert len(a.samples) != len(b.samples) or not np.allclose(a.samples, b.samples)


def test_unknown_voice_is_refused():
    with pytest.raises(ValueError, match="no voice"):
        speech.speak("hello", "xx-nowhere")


def test_a_line_is_the_same_in_another_process():
    """The dialogue voices carry no clock-seeded noise: a fresh process says it identically."""
    import hashlib
    import subprocess
    import sys

    from fixtures.dialogue import VOICES

    code = (
        "import hashlib, sys; from fixtures.speech import speak; "
        "print(hashlib.sha256(speak(sys.argv[1], sys.argv[2]).samples.tobytes()).hexdigest())"
    )
    for voice, _, _ in VOICES.values():
        text = "He is my brother, and he is dying."
        here = hashlib.sha256(speech.speak(text, voice).samples.tobytes()).hexdigest()
        there = subprocess.run([sys.executable, "-c", code, text, voice], check=True,
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        assert here == there, voice


def test_breathy_voices_are_refused():
    with pytest.raises(ValueError, match="not repeatable"):
        speech.speak("hello", "en+f2")
