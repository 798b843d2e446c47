"""The music bed autocut makes itself, so every output has music without anyone's recording.

What is decided here (all of it a function of the EDL's music entry: the same entry gives
the same samples):

- **Grid.** The bed plays on the beat times the plan gives it; every fourth beat from the
  first downbeat starts a bar. Chords follow a minor i-VI-III-VII progression, one chord a
  bar, in a key drawn from the seed.
- **Intensity** rises by section (the plan's act boundaries): 0 is a pad and a kick on each
  bar; 1 adds a kick on every beat and the bass; 2 adds a clap on beats 2 and 4 and
  eighth-note hats; 3 plays the hats in sixteenths and the bass in eighths.
- **Riser and hit.** Two bars before the hit a noise sweep and a rising tone build; at the
  hit (the end card) a low boom, a kick and a crash ring out, and nothing else plays after.
- **Level.** The bed is made at a nominal level; the mix sets its loudness.
"""

from __future__ import annotations

import numpy as np

PROGRESSION = (0, 8, 3, 10)
"""Semitones above the key's root of each bar's chord root: i, VI, III, VII in minor."""
MINOR, MAJOR = (0, 3, 7), (0, 4, 7)
CHORDS = (MINOR, MAJOR, MAJOR, MAJOR)


def bed(
    duration: float,
    rate: int,
    beats: tuple[float, ...],
    downbeat: int,
    sections: tuple[tuple[float, int], ...],
    hit: float | None,
    seed: int,
) -> np.ndarray:
    """``duration`` seconds of stereo float32 music at ``rate`` (see the module notes).
    ``downbeat`` is the index in ``beats`` of a bar's first beat; ``sections`` are
    ``(start time, intensity 0-3)`` in order; ``hit`` is the time of the final hit."""
    rng = np.random.default_rng(seed)
    root = 40 + int(rng.integers(0, 8))  # E2 to B2
    total = round(duration * rate)
    left = np.zeros(total + rate * 3, np.float32)
    right = np.zeros_like(left)
    period = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
    end = hit if hit is not None else duration
    kick, clap, hat = _kick(rate), _clap(rate, rng), _hat(rate, rng)

    def add(sound: np.ndarray, at: float, gain: float, pan: float = 0.0) -> None:
        i = round(at * rate)
        if i < 0 or i >= total:
            return
        n = min(len(sound), len(left) - i)
        left[i : i + n] += sound[:n] * gain * (1 - pan)
        right[i : i + n] += sound[:n] * gain * (1 + pan)

    for k, t in enumerate(beats):
        if t >= end - 1e-6:
            break
        level = _intensity(sections, t)
        position = (k - downbeat) % 4
        bar = (k - downbeat) // 4
        chord_root = root + PROGRESSION[bar % 4]
        if position == 0:
            add(_pad(rate, chord_root, CHORDS[bar % 4], 4 * period), t, 0.06)
        if position == 0 or level >= 1:
            add(kick, t, 0.55 if position == 0 else 0.45)
        if level >= 1:
            notes = 2 if level >= 3 else 1
            for j in range(notes):
                add(_bass(rate, chord_root, period / notes), t + j * period / notes, 0.22)
        if level >= 2 and position in (1, 3):
            add(clap, t, 0.3)
        if level >= 2:
            ticks = 4 if level >= 3 else 2
            for j in range(ticks):
                add(hat, t + j * period / ticks, 0.07 if j % 2 == 0 else 0.045, pan=0.3)
    if hit is not None:
        rise = min(8 * period, hit)
        riser = _riser(rate, rise, rng)
        add(riser, hit - rise, 0.12)
        boom = _boom(rate)
        add(boom, hit, 0.7)
        add(kick, hit, 0.6)
        add(_crash(rate, rng), hit, 0.18, pan=-0.2)
        add(_crash(rate, rng), hit, 0.18, pan=0.2)
    return np.stack([left[:total], right[:total]], axis=1)


def beat_grid(bpm: float, anchor: float, start: float, end: float) -> tuple[float, ...]:
    """Beat times every ``60 / bpm`` s from ``start`` to ``end`` with one beat at ``anchor``
    (the hit), rounded to the microsecond."""
    period = 60.0 / bpm
    first = anchor - np.floor((anchor - start) / period + 1e-9) * period
    count = int(np.floor((end - first) / period + 1e-9)) + 1
    return tuple(round(first + k * period, 6) for k in range(count))


def _intensity(sections: tuple[tuple[float, int], ...], t: float) -> int:
    level = 0
    for start, value in sections:
        if t + 1e-6 >= start:
            level = value
    return level


def _midi(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _time(rate: int, seconds: float) -> np.ndarray:
    return np.arange(round(seconds * rate)) / rate


def _kick(rate: int) -> np.ndarray:
    t = _time(rate, 0.4)
    freq = 48 + 110 * np.exp(-t / 0.035)
    phase = 2 * np.pi * np.cumsum(freq) / rate
    return (np.sin(phase) * np.exp(-t / 0.14)).astype(np.float32)


def _clap(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _time(rate, 0.25)
    noise = np.diff(rng.standard_normal(len(t) + 1))
    body = np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.04)
    return ((0.5 * noise * np.exp(-t / 0.07)) + 0.6 * body).astype(np.float32)


def _hat(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _time(rate, 0.06)
    noise = np.diff(np.diff(rng.standard_normal(len(t) + 2)))
    return (0.4 * noise * np.exp(-t / 0.012)).astype(np.float32)


def _bass(rate: int, note: int, seconds: float) -> np.ndarray:
    t = _time(rate, seconds)
    f = _midi(note - 12)
    wave = sum(np.sin(2 * np.pi * f * h * t) / h for h in range(1, 6))
    envelope = np.minimum(1.0, t / 0.005) * np.exp(-t / (0.6 * seconds + 0.05))
    release = np.minimum(1.0, (seconds - t) / 0.01)
    return (wave * envelope * release).astype(np.float32)


def _pad(rate: int, note: int, chord: tuple[int, ...], seconds: float) -> np.ndarray:
    t = _time(rate, seconds)
    wave = sum(np.sin(2 * np.pi * _midi(note + 12 + i) * t) for i in chord)
    swell = np.minimum(1.0, t / 0.3) * np.minimum(1.0, (seconds - t) / 0.3)
    return (wave * swell).astype(np.float32)


def _riser(rate: int, seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = _time(rate, seconds)
    grow = (t / max(seconds, 1e-6)) ** 2
    noise = np.diff(rng.standard_normal(len(t) + 1))
    freq = 200 + 1800 * grow
    tone = np.sin(2 * np.pi * np.cumsum(freq) / rate)
    return ((0.5 * noise + 0.5 * tone) * grow).astype(np.float32)


def _boom(rate: int) -> np.ndarray:
    t = _time(rate, 2.5)
    freq = 38 + 60 * np.exp(-t / 0.08)
    return (np.sin(2 * np.pi * np.cumsum(freq) / rate) * np.exp(-t / 0.8)).astype(np.float32)


def _crash(rate: int, rng: np.random.Generator) -> np.ndarray:
    t = _time(rate, 2.0)
    noise = np.diff(rng.standard_normal(len(t) + 1))
    return (noise * np.exp(-t / 0.6)).astype(np.float32)
