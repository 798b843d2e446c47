"""Beat-tracking benchmark: how well ``editor.sound.beats`` finds the beats of music whose
beats are known exactly, against baselines measured in the same run.

    python -m benchmarks.beats [--seconds S] [--rounds N] [--draws N]

Two families of generated drum tracks (48 kHz stereo, as the renderer reads music), each
with its exact beat times, tempo and bar starts, every one with an accented kick on beat 1
and starting on any beat of its bar:

- **tuning** (:func:`tuning_tracks`): the family the tracker's constants were chosen on. One
  kit (swept-sine kick, noise snare, closed and open hats), optional bass on the beats or in
  octave eighths, optional pad; rock, four-on-the-floor and a syncopated-kick pattern with
  sixteenth hats (up to 128 BPM: with sixteenths much faster, many listeners tap half the
  tempo), with and without swing, white noise, levels -1 to -30 dBFS, 80-160 BPM;
- **held-out** (:func:`held_out_tracks`): another kit (808 or punchy kick, band-passed snare,
  clap, ride, shaker, toms, crash) and other patterns (funk kicks with ghost notes, a triplet
  shuffle, a swung hip-hop beat, disco, off-beat chord stabs), humanised timing (4 ms) and
  velocity, tom fills, pink noise or vinyl crackle, other tempi (82-156 BPM).

And **bed**: the project's own music bed (``editor.sound.bed``) on the grid ``plan_music``
lays, 100, 113 and 124 BPM, from its first bar start to the final hit.

For each family it prints, side by side: mean and lowest F-measure (:func:`f_measure`: a
detected beat is a hit within :data:`TOLERANCE` of a true beat not matched yet), the share of
tracks whose tempo is within :data:`TEMPO_TOLERANCE` (halving and doubling are misses), the
share whose bar starts are right (:func:`downbeat_ok`), and the mean distance of hits from
their true beats (ms), beside two baselines:

- ``peaks``: onset peaks picked as beats (local maxima of the tracker's own onset envelope
  above its mean plus one deviation, at least 100 ms apart; tempo from their median
  spacing), what a tracker with no notion of tempo gets;
- ``random phase``: the true tempo at a random phase (the mean of ``--draws`` draws), what
  knowing the tempo alone gets.

Neither baseline looks for bars: their first beat is their bar start, so their "bar" column
is chance (about one in four). Last, the tracker's time per 30 s of music (the best of
``--rounds`` runs on each track).
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d
from scipy.signal import butter, sosfilt

from editor.assemble.music import sections
from editor.sound.beats import FRAME_RATE, BeatTrack, onset_envelopes, track_beats
from editor.sound.bed import beat_grid, bed

RATE = 48000
TOLERANCE = 0.07
"""A detected beat within 70 ms of a true one is a hit (the usual beat-tracking window)."""
TEMPO_TOLERANCE = 0.02
BAR_SHARE = 0.9


# --------------------------------------------------------------------------- scoring


def f_measure(detected, truth, tolerance: float = TOLERANCE) -> float:
    """F-measure of ``detected`` beat times against ``truth``: each detected beat, in order,
    is a hit when an unmatched true beat lies within ``tolerance`` (the nearest one is taken);
    precision = hits / detected, recall = hits / true, F = 2PR / (P + R). 1.0 when both are
    empty, 0.0 when one of them is."""
    det, ref = np.asarray(detected, float), np.asarray(truth, float)
    if not len(det) and not len(ref):
        return 1.0
    hits = len(matched(det, ref, tolerance))
    if hits == 0:
        return 0.0
    precision, recall = hits / len(det), hits / len(ref)
    return 2 * precision * recall / (precision + recall)


def matched(detected, truth, tolerance: float = TOLERANCE) -> list[tuple[float, float]]:
    """``(detected, true)`` pairs of the hits :func:`f_measure` counts."""
    free = np.ones(len(truth), bool)
    pairs = []
    for t in detected:
        gap = np.where(free, np.abs(np.asarray(truth) - t), np.inf)
        if len(gap) and gap.min() <= tolerance:
            k = int(gap.argmin())
            free[k] = False
            pairs.append((float(t), float(truth[k])))
    return pairs


def tempo_ok(found: float, true: float) -> bool:
    return abs(found - true) <= TEMPO_TOLERANCE * true


def downbeat_ok(track: BeatTrack, truth: Track) -> bool:
    """Whether the detected bar starts (every fourth beat from ``downbeat``) that are true
    beats are true bar starts, at least :data:`BAR_SHARE` of them."""
    bars = set(truth.beats[truth.downbeat :: 4])
    hits = matched(track.beats[track.downbeat :: 4], truth.beats)
    return bool(hits) and sum(true in bars for _, true in hits) >= BAR_SHARE * len(hits)


# --------------------------------------------------------------------------- tracks


@dataclass(frozen=True)
class Track:
    """A generated piece of music and its truth: beat times (s), tempo, index of the first
    bar start in ``beats``, whether beat 1 has an accented kick."""

    name: str
    samples: np.ndarray
    bpm: float
    beats: tuple[float, ...]
    downbeat: int
    accented: bool


@dataclass(frozen=True)
class Hit:
    """One drum stroke: a sound, where (16ths, or 12ths for a triplet grid, from the bar
    start) and how loud."""

    sound: str
    step: int
    gain: float


class Mixer:
    """Adds sounds into a stereo buffer at times in seconds."""

    def __init__(self, seconds: float):
        self.left = np.zeros(round(seconds * RATE) + RATE * 3)
        self.right = np.zeros_like(self.left)
        self.total = round(seconds * RATE)

    def add(self, sound: np.ndarray, at: float, gain: float, pan: float = 0.0) -> None:
        i = round(at * RATE)
        if i < 0 or i >= self.total:
            return
        n = min(len(sound), len(self.left) - i)
        self.left[i : i + n] += sound[:n] * gain * (1 - pan)
        self.right[i : i + n] += sound[:n] * gain * (1 + pan)

    def out(self) -> np.ndarray:
        return np.stack([self.left[: self.total], self.right[: self.total]], axis=1)


def _t(seconds: float) -> np.ndarray:
    return np.arange(round(seconds * RATE)) / RATE


def _sweep(start: float, end: float, fall: float, decay: float, seconds: float) -> np.ndarray:
    t = _t(seconds)
    freq = end + (start - end) * np.exp(-t / fall)
    return np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.exp(-t / decay)


def _noise(rng: np.random.Generator, seconds: float, decay: float, order: int = 1):
    t = _t(seconds)
    noise = rng.standard_normal(len(t) + order)
    for _ in range(order):
        noise = np.diff(noise)
    return noise * np.exp(-t / decay)


def _band(noise: np.ndarray, low: float, high: float) -> np.ndarray:
    sos = butter(4, [low, high], "bandpass", fs=RATE, output="sos")
    return sosfilt(sos, noise)


def _midi(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


@functools.lru_cache(maxsize=512)
def _tone(freq: float, seconds: float, harmonics: int, attack: float, decay: float):
    t = _t(seconds)
    wave = sum(np.sin(2 * np.pi * freq * h * t) / h for h in range(1, harmonics + 1))
    release = np.clip((seconds - t) / 0.01, 0.0, 1.0)
    return wave * np.minimum(1.0, t / attack) * np.exp(-t / decay) * release


def _pink(rng: np.random.Generator, count: int) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(count))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    pink = np.fft.irfft(spectrum, count)
    return pink / pink.std()


CHORDS = ((0, 3, 7), (8, 12, 15), (3, 7, 10), (10, 14, 17))
"""i, VI, III, VII in minor (semitones over the key): one chord per bar."""


def render(
    name: str,
    kit: dict[str, np.ndarray],
    bars: list[list[Hit]],
    bpm: float,
    seconds: float,
    rng: np.random.Generator,
    *,
    steps: int = 16,
    swing: float = 0.0,
    jitter: float = 0.0,
    velocity: float = 0.0,
    pickup: int = 0,
    start: float = 0.3,
    bass: str = "",
    keys: str = "",
    noise: str = "",
    noise_db: float = -30.0,
    level_db: float = -6.0,
    accented: bool = True,
) -> Track:
    """Play ``bars`` (repeated in turn) at ``bpm`` from ``start`` s, the first beat being
    beat ``pickup`` (0-3) of its bar; ``swing`` delays the off-beat eighths by that share of
    an eighth and the odd sixteenths by that share of a sixteenth; ``jitter`` (s) and
    ``velocity`` (share) humanise; ``bass``: "" / "beats" / "eighths" / "kicks"; ``keys``:
    "" / "pad" / "stabs" (chords on the off-beats); ``noise``: "" / "white" / "pink" /
    "crackle" at ``noise_db`` under the music; peak at ``level_db``."""
    period = 60.0 / bpm
    step = 4 * period / steps
    mix = Mixer(seconds)
    root = 36 + int(rng.integers(0, 8))
    first_bar = start - pickup * period
    count = int(np.ceil((seconds - first_bar) / (4 * period))) + 1
    for b in range(count):
        bar_start = first_bar + 4 * b * period
        chord = CHORDS[b % 4]
        for hit in bars[b % len(bars)]:
            at = bar_start + hit.step * step
            if steps == 16 and hit.step % 4 == 2:
                at += swing * 2 * step
            if steps == 16 and hit.step % 2 == 1:
                at += swing * step
            at += rng.normal(0.0, jitter) if jitter else 0.0
            gain = hit.gain * (1 + rng.uniform(-velocity, velocity))
            if at >= start - 1e-9:
                pan = {"hat": 0.3, "open": 0.3, "ride": -0.3, "shaker": 0.4}.get(hit.sound, 0.0)
                mix.add(kit[hit.sound], at, gain, pan)
        for beat in range(4):
            at = bar_start + beat * period
            if at < start - 1e-9:
                continue
            note = _midi(root + chord[0] - 12)
            if bass == "beats":
                mix.add(_tone(note, period * 0.9, 4, 0.004, period), at, 0.25)
            elif bass == "eighths":
                for j, octave in enumerate((1, 2)):
                    mix.add(_tone(note * octave, period * 0.45, 4, 0.004, 0.2),
                            at + j * period / 2, 0.22)  # fmt: skip
            if keys == "stabs":
                for n in chord:
                    mix.add(_tone(_midi(root + 24 + n), period * 0.3, 3, 0.003, 0.12),
                            at + period / 2, 0.09)  # fmt: skip
        if bass == "kicks":
            for hit in bars[b % len(bars)]:
                if hit.sound == "kick":
                    at = bar_start + hit.step * step
                    if at >= start:
                        mix.add(_tone(_midi(root + chord[0] - 12), 2 * step, 2, 0.005, 0.3),
                                at, 0.3)  # fmt: skip
        if keys == "pad" and bar_start + 4 * period > start:
            at = max(bar_start, start)
            for n in chord:
                mix.add(_tone(_midi(root + 12 + n), 4 * period, 2, 0.25, 3.0), at, 0.05)
    music = mix.out()
    if noise:
        loud = np.sqrt(np.mean(music**2)) * 10 ** (noise_db / 20)
        if noise == "white":
            extra = rng.standard_normal(len(music))
        elif noise == "pink":
            extra = _pink(rng, len(music))
        else:
            extra = np.zeros(len(music))
            where = rng.integers(0, len(music), int(len(music) / RATE * 40))
            extra[where] = rng.standard_normal(len(where)) * 25
        music = music + (loud * extra)[:, None]
    music *= 10 ** (level_db / 20) / np.abs(music).max()
    first = start
    beats = tuple(round(first + k * period, 6) for k in range(int((seconds - first) / period) + 1))
    beats = tuple(b for b in beats if b < seconds)
    return Track(name, music.astype(np.float32), bpm, beats, (4 - pickup) % 4, accented)


def _hits(sound: str, steps, gain: float = 1.0) -> list[Hit]:
    return [Hit(sound, s, gain) for s in steps]


def tuning_kit(rng: np.random.Generator) -> dict[str, np.ndarray]:
    snare = 0.6 * _noise(rng, 0.25, 0.09) + 0.7 * np.sin(2 * np.pi * 185 * _t(0.25)) * np.exp(
        -_t(0.25) / 0.05
    )
    return {
        "kick": _sweep(150, 50, 0.04, 0.18, 0.5) + 0.2 * _noise(rng, 0.5, 0.002),
        "snare": snare,
        "hat": 0.35 * _noise(rng, 0.08, 0.02, order=2),
        "open": 0.3 * _noise(rng, 0.4, 0.15, order=2),
    }


def tuning_patterns() -> dict[str, list[list[Hit]]]:
    kick1 = [Hit("kick", 0, 1.0)]
    rock = kick1 + _hits("kick", [8], 0.8) + _hits("snare", [4, 12], 0.8)
    rock += _hits("hat", range(0, 16, 2), 0.6)
    four = kick1 + _hits("kick", [4, 8, 12], 0.8) + _hits("snare", [4, 12], 0.6)
    four += _hits("open", [2, 6, 10, 14], 0.5) + _hits("hat", [0, 4, 8, 12], 0.4)
    busy = kick1 + _hits("kick", [6, 8, 11], 0.75) + _hits("snare", [4, 12], 0.85)
    busy += _hits("hat", range(16), 0.35) + _hits("hat", range(0, 16, 4), 0.2)
    return {"rock": [rock], "four": [four], "busy": [busy]}


def tuning_tracks(seconds: float = 30.0) -> list[Track]:
    """The family the tracker's constants were chosen on (see the module notes)."""
    specs = [
        ("rock", 80, {"pickup": 1, "bass": "beats"}),
        ("busy", 88, {"swing": 0.3, "noise": "white", "noise_db": -25}),
        ("four", 100, {"pickup": 2, "keys": "pad"}),
        ("rock", 110, {"swing": 0.33, "pickup": 3, "noise": "white", "noise_db": -20}),
        ("four", 120, {"bass": "eighths", "level_db": -20}),
        ("busy", 128, {"pickup": 1, "keys": "pad", "bass": "beats"}),
        ("rock", 140, {"pickup": 2, "noise": "white", "noise_db": -15}),
        ("four", 150, {"pickup": 3, "swing": 0.2}),
        ("rock", 160, {"bass": "beats", "noise": "white", "noise_db": -25}),
        ("rock", 96, {"start": 1.1, "keys": "pad", "level_db": -30}),
    ]
    patterns = tuning_patterns()
    tracks = []
    for k, (name, bpm, options) in enumerate(specs):
        rng = np.random.default_rng(100 + k)
        tracks.append(render(f"{name} {bpm}", tuning_kit(rng), patterns[name], bpm, seconds, rng,
                             **options))  # fmt: skip
    return tracks


def held_out_kit(rng: np.random.Generator, kick: str) -> dict[str, np.ndarray]:
    t = _t(0.4)
    if kick == "808":
        kick_sound = _sweep(120, 52, 0.02, 0.35, 0.9)
    else:
        kick_sound = _sweep(220, 68, 0.012, 0.07, 0.3) + 0.5 * _band(
            _noise(rng, 0.3, 0.004), 1500, 6000
        )
    snare = _band(_noise(rng, 0.4, 0.14), 900, 7000) * 1.4
    snare += 0.4 * (np.sin(2 * np.pi * 240 * t) + np.sin(2 * np.pi * 330 * t)) * np.exp(-t / 0.04)
    gap = round(0.011 * RATE)
    clap = sum(np.pad(_band(_noise(rng, 0.3, 0.012 if j < 2 else 0.08), 800, 5000),
                      (j * gap, (2 - j) * gap)) for j in range(3))  # fmt: skip
    partials = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)
    metal = sum(np.sign(np.sin(2 * np.pi * f * _t(1.2))) for f in partials)
    ride = _band(metal, 3000, 12000) * np.exp(-_t(1.2) / 0.35) * 0.25
    shaker = (
        _band(rng.standard_normal(len(_t(0.12))), 4000, 14000)
        * np.minimum(1.0, _t(0.12) / 0.015)
        * np.exp(-_t(0.12) / 0.03)
    )
    crash = _band(rng.standard_normal(len(_t(2.5))), 2500, 15000) * np.exp(-_t(2.5) / 0.7)
    return {
        "kick": kick_sound,
        "snare": snare,
        "clap": clap * 0.8,
        "ride": ride,
        "shaker": shaker * 0.5,
        "tom": _sweep(160, 110, 0.05, 0.2, 0.5),
        "crash": crash * 0.35,
        "open": _band(_noise(rng, 0.5, 0.2), 5000, 14000) * 0.6,
    }


def held_out_patterns() -> dict[str, tuple[list[list[Hit]], int]]:
    """Name: (bars played in turn, steps per bar)."""
    kick1 = [Hit("kick", 0, 1.0)]
    funk = kick1 + _hits("kick", [3], 0.6) + _hits("kick", [10], 0.75)
    funk += _hits("snare", [4, 12], 0.8) + _hits("snare", [7, 9, 14], 0.18)
    funk += _hits("shaker", range(16), 0.5) + _hits("shaker", range(0, 16, 2), 0.4)
    fill = [h for h in funk if h.step < 12] + _hits("tom", [12, 13, 14, 15], 0.7)
    crash = [Hit("crash", 0, 1.0)]
    shuffle = kick1 + _hits("kick", [6], 0.75) + _hits("snare", [3, 9], 0.8)
    shuffle += _hits("ride", [0, 2, 3, 5, 6, 8, 9, 11], 0.5)
    hiphop = kick1 + _hits("kick", [7, 10], 0.8) + _hits("snare", [4, 12], 0.9)
    hiphop += _hits("shaker", range(0, 16, 2), 0.6)
    disco = kick1 + _hits("kick", [4, 8, 12], 0.8) + _hits("clap", [4, 12], 0.6)
    disco += _hits("open", [2, 6, 10, 14], 0.45) + _hits("shaker", range(16), 0.25)
    skank = kick1 + _hits("kick", [8], 0.75) + _hits("snare", [4, 12], 0.7)
    skank += _hits("ride", range(0, 16, 2), 0.35)
    return {
        "funk": ([crash + funk, funk, funk, fill], 16),
        "shuffle": ([crash + shuffle, shuffle], 12),
        "hiphop": ([hiphop, hiphop, hiphop, hiphop[:-3] + _hits("tom", [13, 15], 0.6)], 16),
        "disco": ([crash + disco, disco], 16),
        "skank": ([skank], 16),
    }


def held_out_tracks(seconds: float = 30.0) -> list[Track]:
    """The family nothing was chosen on (see the module notes)."""
    specs = [
        ("funk", 98, {"kick": "punch", "bass": "kicks", "noise": "pink", "pickup": 3}),
        ("shuffle", 84, {"kick": "808", "bass": "beats", "keys": "pad", "pickup": 1}),
        ("hiphop", 90, {"kick": "808", "swing": 0.25, "keys": "pad", "noise": "crackle"}),
        ("disco", 126, {"kick": "punch", "bass": "eighths", "pickup": 2, "noise": "pink"}),
        ("skank", 146, {"kick": "punch", "keys": "stabs", "pickup": 1}),
        ("funk", 116, {"kick": "808", "noise": "crackle", "noise_db": -20, "level_db": -18}),
        ("shuffle", 132, {"kick": "punch", "noise": "pink", "noise_db": -18, "pickup": 2}),
        ("disco", 156, {"kick": "808", "keys": "pad", "pickup": 3}),
        ("hiphop", 104, {"kick": "punch", "swing": 0.15, "bass": "kicks", "pickup": 2}),
        ("skank", 82, {"kick": "808", "keys": "stabs", "bass": "beats", "noise": "pink"}),
    ]
    patterns = held_out_patterns()
    tracks = []
    for k, (name, bpm, options) in enumerate(specs):
        rng = np.random.default_rng(900 + k)
        options = dict(options)
        kit = held_out_kit(rng, options.pop("kick"))
        bars, steps = patterns[name]
        tracks.append(render(f"{name} {bpm}", kit, bars, bpm, seconds, rng, steps=steps,
                             jitter=0.004, velocity=0.12, start=0.2 + 0.13 * k,
                             **options))  # fmt: skip
    return tracks


def bed_track(bpm: float, seconds: float, seed: int, acts: int = 3) -> Track:
    """The project's music bed on the grid ``plan_music`` lays for a ``seconds`` edit whose
    end card starts 3 s before its end; truth: the beats from the first bar start (nothing
    plays before it) to the hit (nothing plays after it but the hit's ring)."""
    hit = seconds - 3.0
    grid = beat_grid(bpm, hit, 0.0, seconds)
    downbeat = round((hit - grid[0]) * bpm / 60) % 4
    act_starts = [2.5 + k * (hit - 2.5) / acts for k in range(acts)]
    plan = sections(act_starts)
    samples = bed(seconds, RATE, grid, downbeat, plan, hit, seed)
    truth = tuple(b for b in grid[downbeat:] if b <= hit + 1e-6)
    return Track(f"bed {bpm:g}", samples, bpm, truth, 0, True)


def bed_tracks(seconds: float = 30.0) -> list[Track]:
    return [bed_track(bpm, seconds, seed) for bpm, seed in ((100, 1), (113, 2), (124, 3))]


# --------------------------------------------------------------------------- baselines


def peak_baseline(samples: np.ndarray, rate: int) -> BeatTrack:
    """Onset peaks as beats (see the module notes)."""
    onset, _ = onset_envelopes(samples, rate)
    if not len(onset):
        return BeatTrack(0.0, (), 0)
    width = max(1, round(0.1 * FRAME_RATE))
    peaks = np.flatnonzero(
        (onset == maximum_filter1d(onset, 2 * width + 1)) & (onset > onset.mean() + onset.std())
    )
    keep: list[int] = []
    for p in peaks:
        if not keep or p - keep[-1] >= width:
            keep.append(int(p))
    times = tuple(round(p / FRAME_RATE, 6) for p in keep)
    gap = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    return BeatTrack(60.0 / gap if gap else 0.0, times, 0)


def random_phase(track: Track, rng: np.random.Generator) -> BeatTrack:
    """The true tempo at a random phase over the true beats' span."""
    period = 60.0 / track.bpm
    first = track.beats[0] - rng.uniform(0, period)
    times = np.arange(first, track.beats[-1] + period / 2, period)
    times = times[times >= 0]
    return BeatTrack(track.bpm, tuple(round(float(t), 6) for t in times), 0)


# --------------------------------------------------------------------------- table


@dataclass(frozen=True)
class Score:
    """Per track: F-measure, tempo right, bar start right (shares over the draws), mean
    distance of hits (ms); and the best time per 30 s of music."""

    f: list[float]
    tempo: list[float]
    downbeat: list[float]
    offset_ms: list[float]
    seconds: float

    def row(self) -> list[str]:
        offset = np.mean(self.offset_ms) if self.offset_ms else float("nan")
        downbeat = f"{np.mean(self.downbeat):.0%}" if self.downbeat else "-"
        return [
            f"{np.mean(self.f):.3f}",
            f"{min(self.f):.3f}",
            f"{np.mean(self.tempo):.0%}",
            downbeat,
            f"{offset:.1f}",
        ]


def score(tracks: list[Track], tracker: Callable[[Track], BeatTrack], draws: int = 1) -> Score:
    """``tracker`` on every track, ``draws`` times each (the best time, the mean scores)."""
    f, tempo, down, offsets = [], [], [], []
    elapsed = music = 0.0
    for truth in tracks:
        best, found = np.inf, []
        for _ in range(draws):
            start = time.perf_counter()
            found.append(tracker(truth))
            best = min(best, time.perf_counter() - start)
        elapsed += best
        music += len(truth.samples) / RATE
        f.append(float(np.mean([f_measure(x.beats, truth.beats) for x in found])))
        tempo.append(float(np.mean([tempo_ok(x.bpm, truth.bpm) for x in found])))
        if truth.accented:
            down.append(float(np.mean([downbeat_ok(x, truth) for x in found])))
        offsets += [1000 * abs(a - b) for x in found for a, b in matched(x.beats, truth.beats)]
    return Score(f, tempo, down, offsets, 30.0 * elapsed / music)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each track")
    parser.add_argument("--rounds", type=int, default=3, help="timing runs of the tracker")
    parser.add_argument("--draws", type=int, default=20, help="random-phase draws per track")
    args = parser.parse_args(argv)
    families = {
        "tuning": tuning_tracks(args.seconds),
        "held-out": held_out_tracks(args.seconds),
        "bed": bed_tracks(args.seconds),
    }
    rng = np.random.default_rng(0)

    def tracker(t: Track) -> BeatTrack:
        return track_beats(t.samples, RATE)

    def peaks(t: Track) -> BeatTrack:
        return peak_baseline(t.samples, RATE)

    def phase(t: Track) -> BeatTrack:
        return random_phase(t, rng)

    rows = []
    for label, method, rounds in (("tracker", tracker, args.rounds), ("peaks", peaks, 1),
                                  ("random phase", phase, args.draws)):  # fmt: skip
        rows.append((label, {name: score(tracks, method, rounds) for name, tracks in
                             families.items()}))  # fmt: skip
    head = ["F mean", "F min", "tempo", "bar", "ms"]
    print(f"{len(families['tuning'])} tuning, {len(families['held-out'])} held-out and "
          f"{len(families['bed'])} bed tracks of {args.seconds:g} s; F within "
          f"{TOLERANCE * 1000:.0f} ms, tempo within {TEMPO_TOLERANCE:.0%}, bar = bar "
          "starts right, ms = mean |hit - true beat|")  # fmt: skip
    widths = [7, 6, 6, 5, 5]
    line = f"{'':14}" + "".join(f"| {name:^{sum(widths) + len(widths) - 1}} " for name in families)
    print(line)
    sub = f"{'':14}" + "".join(
        "| " + " ".join(f"{h:>{w}}" for h, w in zip(head, widths)) + " " for _ in families
    )
    print(sub)
    print("-" * len(sub))
    for label, scores in rows:
        cells = "".join(
            "| " + " ".join(f"{c:>{w}}" for c, w in zip(s.row(), widths)) + " "
            for s in scores.values()
        )
        print(f"{label:14}{cells}")
    speed = rows[0][1]
    print(
        "tracker time per 30 s of music: "
        + ", ".join(f"{name} {s.seconds * 1000:.0f} ms" for name, s in speed.items())
    )
    for name, tracks in families.items():
        worst = sorted(zip(speed[name].f, [t.name for t in tracks]))[:3]
        print(f"lowest {name}: " + ", ".join(f"{n} {f:.3f}" for f, n in worst))


if __name__ == "__main__":
    main()
