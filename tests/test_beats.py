"""Beat tracking: beats, tempo and bar starts found on generated drum tracks of known tempo
(the family the tracker's constants were chosen on, and a held-out family nothing was chosen
on), on autocut's own music bed, and nothing found where there is no beat. The tracks and
the F-measure are those of ``benchmarks.beats``."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy.signal import resample_poly

from benchmarks.beats import (
    RATE,
    Mixer,
    Track,
    bed_tracks,
    downbeat_ok,
    f_measure,
    held_out_tracks,
    random_phase,
    tempo_ok,
    tuning_kit,
    tuning_tracks,
)
from editor.sound.beats import NO_BEATS, BeatTrack, track_beats

SECONDS = 15.0
FAMILIES = {
    "tuning": (tuning_tracks, 10),
    "held-out": (held_out_tracks, 10),
    "bed": (bed_tracks, 3),
}
CASES = [(name, k) for name, (_, count) in FAMILIES.items() for k in range(count)]


@functools.cache
def family(name: str) -> list[Track]:
    tracks = FAMILIES[name][0](SECONDS)
    assert len(tracks) == FAMILIES[name][1]
    return tracks


@functools.cache
def tracked(name: str, k: int) -> BeatTrack:
    return track_beats(family(name)[k].samples, RATE)


@pytest.mark.parametrize(("name", "k"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_beats_tempo_and_bar_start_of_known_music(name, k):
    truth, found = family(name)[k], tracked(name, k)
    label = f"{truth.name}: {found.bpm} BPM, first beats {found.beats[:4]}"
    assert 80 <= truth.bpm <= 160
    assert f_measure(found.beats, truth.beats) >= 0.9, label
    assert tempo_ok(found.bpm, truth.bpm), label  # no halving, no doubling
    if truth.accented:
        assert downbeat_ok(found, truth), label


def test_the_families_cover_the_tempi_and_do_not_overlap():
    tuning, held = family("tuning"), family("held-out")
    for tracks in (tuning, held):
        tempi = sorted(t.bpm for t in tracks)
        assert tempi[0] <= 84 and tempi[-1] >= 156
        assert {t.downbeat for t in tracks} == {0, 1, 2, 3}  # pickups: bar starts vary
    assert not {t.bpm for t in tuning} & {t.bpm for t in held}
    assert not {t.name.split()[0] for t in tuning} & {t.name.split()[0] for t in held}


def test_what_the_tracker_returns():
    for name, k in CASES:
        truth, found = family(name)[k], tracked(name, k)
        beats = np.asarray(found.beats)
        assert np.all(np.diff(beats) > 0) and beats[0] >= 0
        assert beats[-1] <= len(truth.samples) / RATE
        assert all(b == round(b, 6) for b in found.beats)
        assert 0 <= found.downbeat <= 3 and isinstance(found.downbeat, int)
        assert abs(60 / np.median(np.diff(beats)) - found.bpm) < 0.02 * found.bpm


def test_the_score_can_fail():
    truth = family("tuning")[3]
    period = 60 / truth.bpm
    found = tracked("tuning", 3).beats
    # Off the beat, twice as fast, half as fast: all far under the bar.
    assert f_measure([b + period / 2 for b in found], truth.beats) == 0.0
    half_way = [b + period / 2 for b in found]
    assert f_measure(sorted(found + tuple(half_way)), truth.beats) < 0.7
    assert f_measure(found[::2], truth.beats) < 0.7
    assert not tempo_ok(truth.bpm / 2, truth.bpm) and not tempo_ok(truth.bpm * 1.03, truth.bpm)
    # Knowing the tempo but not where the beat falls: far under the bar on average.
    rng = np.random.default_rng(0)
    tracks = family("tuning") + family("held-out")
    guesses = [f_measure(random_phase(t, rng).beats, t.beats) for t in tracks for _ in range(3)]
    assert np.mean(guesses) < 0.6


def test_f_measure():
    truth = [1.0, 1.5, 2.0, 2.5]
    assert f_measure(truth, truth) == 1.0
    assert f_measure([t + 0.06 for t in truth], truth) == 1.0
    assert f_measure([t + 0.08 for t in truth], truth) == 0.0
    assert f_measure([1.0, 2.0], truth) == pytest.approx(2 / 3)  # precision 1, recall 1/2
    assert f_measure([1.0, 1.01], [1.0]) == pytest.approx(2 / 3)  # one true beat, one hit
    assert f_measure([], []) == 1.0 and f_measure([], truth) == 0.0 and f_measure(truth, []) == 0.0


def test_the_bed_at_other_tempi_and_lengths():
    from benchmarks.beats import bed_track

    for bpm, seconds, seed in ((96, 16.0, 11), (131, 24.0, 12)):
        truth = bed_track(bpm, seconds, seed)
        found = track_beats(truth.samples, RATE)
        assert f_measure(found.beats, truth.beats) >= 0.9, (bpm, found.bpm)
        assert tempo_ok(found.bpm, bpm) and downbeat_ok(found, truth)


def test_mono_other_rates_and_levels_give_the_same_beats():
    truth = family("tuning")[1]
    stereo = tracked("tuning", 1)
    mono = track_beats(truth.samples.mean(axis=1), RATE)
    assert mono.beats == stereo.beats and mono.downbeat == stereo.downbeat
    quiet = track_beats(truth.samples * 10 ** (-40 / 20), RATE)
    assert quiet.beats == stereo.beats
    for rate in (44100, 22050):
        resampled = resample_poly(truth.samples, rate, RATE, axis=0).astype(np.float32)
        found = track_beats(resampled, rate)
        assert f_measure(found.beats, truth.beats) >= 0.9 and tempo_ok(found.bpm, truth.bpm)
        assert downbeat_ok(found, truth)


def _random_strokes(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    kit, mix = tuning_kit(rng), Mixer(seconds)
    for at in np.sort(rng.uniform(0, seconds, int(3 * seconds))):
        mix.add(kit[str(rng.choice(["kick", "snare", "hat"]))], float(at), 0.8)
    return mix.out().astype(np.float32)


def test_no_beats_where_there_are_none():
    rng = np.random.default_rng(1)
    n = round(SECONDS * RATE)
    t = np.arange(n) / RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.2
    drums = family("tuning")[0].samples
    cases = {
        "digital silence": np.zeros((n, 2), np.float32),
        "empty stereo": np.zeros((0, 2), np.float32),
        "empty mono": np.zeros(0, np.float32),
        "inaudible noise": (rng.standard_normal((n, 2)) * 1e-4).astype(np.float32),
        "white noise": (rng.standard_normal((n, 2)) * 0.2).astype(np.float32),
        "held chord": np.stack([chord, chord], axis=1).astype(np.float32),
        "strokes at random": _random_strokes(SECONDS, 2),
        "strokes at random, short": _random_strokes(6.0, 3),
        "too short": drums[: round(3.5 * RATE)],
    }
    for name, samples in cases.items():
        assert track_beats(samples, RATE) == NO_BEATS == BeatTrack(0.0, (), 0), name


def test_bad_samples_do_not_raise():
    drums = family("tuning")[0].samples.copy()
    drums[1000:2000] = np.nan
    drums[5000] = np.inf
    assert len(track_beats(drums, RATE).beats) > 10
    assert track_beats(drums[:, :1], RATE).beats  # (n, 1)
    assert track_beats(drums, 0) == NO_BEATS
