"""Loudness measurement and mastering: autocut's meter agrees with ffmpeg's, on the standard's
reference signals and on real sound; a master meets its target after AAC encoding; the
limiter touches nothing but the peaks; the check reports loudness against each platform."""

from __future__ import annotations

import dataclasses
import subprocess

import numpy as np
import pytest

from benchmarks.sound import ebur128
from editor.media.check import PLATFORMS, loudness_notes
from editor.media.encode import AUDIO_CHANNELS, AUDIO_RATE
from editor.media.ffmpeg import ffmpeg_exe
from editor.preset import LOUDNESS
from editor.render.sound import encode_aac
from editor.sound.loudness import SILENT, Loudness, Meter, k_weighting, measure, measure_file
from editor.sound.master import limiter_gain, master, peak_envelope
from tests.conftest import SAMPLE_FOOTAGE, shared_clip
from tests.test_render import GOOD

RATE = AUDIO_RATE


def decoded(path) -> np.ndarray:
    """The file's sound as the renderer reads it: float, 48 kHz stereo."""
    cmd = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "f32le",
           "-ac", str(AUDIO_CHANNELS), "-ar", str(RATE), "-"]  # fmt: skip
    data = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(data, np.float32).reshape(-1, AUDIO_CHANNELS).copy()


def wav(samples: np.ndarray, path) -> None:
    """Lossless float WAV, for ffmpeg's meter to read exactly these samples."""
    cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE),
           "-ac", str(samples.shape[1]), "-i", "-", "-c:a", "pcm_f32le", str(path)]  # fmt: skip
    subprocess.run(cmd, input=samples.astype(np.float32).tobytes(), check=True)


def sine(freq: float, dbfs: float, seconds: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    tone = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)
    return np.stack([tone, tone], axis=1).astype(np.float32)


def test_k_weighting_at_48k_is_the_standards_table():
    (b1, a1), (b2, a2) = k_weighting(48000)
    assert np.allclose(b1, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
    assert np.allclose(a1, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-9)
    assert np.allclose(b2, [1.0, -2.0, 1.0]) and np.allclose(
        a2, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-9
    )


def test_reference_tones_measure_as_the_standard_says():
    # EBU Tech 3341: a 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS; a steady tone has no
    # loudness range.
    tone = measure(sine(1000, -23.0, 20.0), RATE)
    assert tone.integrated == pytest.approx(-23.0, abs=0.1)
    assert tone.range == pytest.approx(0.0, abs=0.1)
    # Half the time 20 dB quieter: the relative gate drops the quiet half.
    gated = np.concatenate([sine(1000, -20.0, 10.0), sine(1000, -40.0, 10.0)])
    assert measure(gated, RATE).integrated == pytest.approx(-20.0, abs=0.15)
    # A quarter-rate sine sampled 45 degrees off its crests: every sample is 3 dB under the
    # peak a decoder reconstructs between them.
    between = sine(RATE / 4, 0.0, 1.0, phase=np.pi / 4)
    assert 20 * np.log10(np.abs(between).max()) == pytest.approx(-3.01, abs=0.01)
    assert measure(between, RATE).true_peak == pytest.approx(0.0, abs=0.2)
    assert measure(np.zeros((RATE * 5, 2), np.float32), RATE) == Loudness(SILENT, SILENT, 0.0)


@pytest.mark.parametrize("clip", ["sample", "blackjournal.mp4", "noisy_restaurant.mp4"])
def test_meter_agrees_with_ffmpeg_on_real_sound(clip, tmp_path):
    source = SAMPLE_FOOTAGE / "clip_d.mp4" if clip == "sample" else shared_clip(clip)
    sound = decoded(source)
    wav(sound, tmp_path / "x.wav")
    integrated, peak, spread = ebur128(tmp_path / "x.wav")
    mine = measure(sound, RATE)
    assert mine.integrated == pytest.approx(integrated, abs=0.1)
    assert mine.true_peak == pytest.approx(peak, abs=0.2)
    assert mine.range == pytest.approx(spread, abs=0.5)
    # Fed in pieces of odd sizes, the meter gives the same numbers.
    meter = Meter(RATE, AUDIO_CHANNELS)
    for piece in np.array_split(sound, [7, 4800, 4801, 99991, 300000]):
        meter.feed(piece)
    assert meter.result() == mine
    from_file = dataclasses.astuple(measure_file(source))
    assert from_file == pytest.approx(dataclasses.astuple(mine), abs=0.05)


@pytest.mark.parametrize("standard", list(LOUDNESS))
@pytest.mark.parametrize("clip", ["sample", "blackjournal.mp4", "tones"])
def test_master_meets_the_target_after_aac(clip, standard, tmp_path):
    if clip == "tones":
        # Square-ish synthetic tones far over full scale: the hardest case for the limiter
        # and for the encoder's overshoot.
        sound = decoded(SAMPLE_FOOTAGE / "clip_a.mp4")
    elif clip == "sample":
        sound = decoded(SAMPLE_FOOTAGE / "clip_d.mp4")
    else:
        sound = decoded(shared_clip(clip))
    target, ceiling = LOUDNESS[standard]
    out, said = master(sound, RATE, target, ceiling)
    assert said.integrated == pytest.approx(target, abs=0.5) and said.true_peak <= ceiling
    assert out.shape == sound.shape and out.dtype == np.float32
    encode_aac(out, tmp_path / "x.m4a", 192)
    integrated, peak, _ = ebur128(tmp_path / "x.m4a")
    assert integrated == pytest.approx(target, abs=1.0)
    if clip != "tones":  # the renderer re-encodes tones with more headroom (next test)
        assert peak <= ceiling


def test_rendered_sound_of_loud_tones_holds_the_ceiling_after_encoding(tmp_path):
    from editor.render.sound import ENCODED_TOLERANCE, deliver_master

    sound = decoded(SAMPLE_FOOTAGE / "clip_a.mp4")
    heard = deliver_master(sound, tmp_path / "x.m4a", -14.0, -1.0, 192)
    integrated, peak, _ = ebur128(tmp_path / "x.m4a")
    assert peak <= -1.0 and integrated == pytest.approx(-14.0, abs=ENCODED_TOLERANCE + 0.1)
    assert heard.true_peak == pytest.approx(peak, abs=0.2)


def test_limiter_touches_only_the_peaks():
    sound = sine(440, -20.0, 4.0)
    sound[RATE * 2] = 0.99  # one loud click at 2 s
    gain = limiter_gain(peak_envelope(sound, RATE), RATE, -6.0)
    assert gain.min() < 10 ** (-6 / 20) / 0.99 + 0.01
    far = np.r_[0 : RATE * 2 - RATE // 2, RATE * 2 + RATE * 3 // 2 : RATE * 4]
    assert np.all(gain[far] == 1.0)  # 0.5 s before, 1.5 s after: untouched
    assert np.abs(np.diff(gain)).max() < 0.01  # no gain step a listener would hear as a click


def test_silence_is_left_silent():
    quiet = np.zeros((RATE * 3, 2), np.float32)
    out, said = master(quiet, RATE, -14.0, -1.0)
    assert not out.any() and said.integrated == SILENT


def test_check_names_loudness_misses_for_each_platform():
    on = dataclasses.replace(GOOD, loudness=Loudness(-14.3, -1.5, 5.0))
    assert all(not loudness_notes(on, p) for p in PLATFORMS.values())
    quiet = dataclasses.replace(GOOD, loudness=Loudness(-17.2, -3.0, 5.0))
    assert all("3.2 dB below" in " ".join(loudness_notes(quiet, p)) for p in PLATFORMS.values())
    hot = dataclasses.replace(GOOD, loudness=Loudness(-14.0, -0.3, 5.0))
    assert all("true peak" in " ".join(loudness_notes(hot, p)) for p in PLATFORMS.values())
    silent = dataclasses.replace(GOOD, loudness=Loudness(SILENT, SILENT, 0.0))
    assert not loudness_notes(silent, PLATFORMS["tiktok"])


def test_click_detector_hears_a_hard_splice_and_not_a_ramped_one():
    from benchmarks.sound import CLICK_RATIO, click_ratios

    low, high = sine(110, -12.0, 1.0), sine(180, -12.0, 1.0, phase=2.0)
    hard = np.concatenate([low, high])
    ramp = round(0.005 * RATE)
    soft = hard.copy()
    soft[RATE - ramp : RATE] *= np.linspace(1, 0, ramp)[:, None]
    soft[RATE : RATE + ramp] *= np.linspace(0, 1, ramp)[:, None]
    assert click_ratios(hard, RATE, [1.0])[0] > CLICK_RATIO
    assert click_ratios(soft, RATE, [1.0])[0] < CLICK_RATIO
