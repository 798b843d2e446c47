"""The mix of the footage's sound (the dialogue stem) with the music. Pure numpy.

What is decided here:

- **Level.** The music is set to ``level`` LU relative to the dialogue stem's integrated
  loudness (measured as :mod:`editor.sound.loudness` does), so the balance is the same
  whatever the footage's own level; when the footage is silent the music carries the output
  alone (the master sets the final loudness either way).
- **Ducking.** Under each stretch of dialogue the music is ``duck`` dB lower. The gain starts
  falling :data:`DUCK_ATTACK` s before the first word (the times are known in advance, so
  the music is already down when the line starts) and comes back over
  :data:`DUCK_RELEASE` s after the last one; it moves in dB, linearly, so the change is
  heard as a smooth fade, never a step.
- **Fades.** Linear fades in and out at the music's ends, at least :data:`EDGE_FADE` long as
  at every edge of the mix, so nothing starts or stops with a click.
"""

from __future__ import annotations

import numpy as np

from editor.sound.loudness import SILENT, measure

DUCK_ATTACK = 0.12
DUCK_RELEASE = 0.4
EDGE_FADE = 0.005
"""The shortest fade at any sound edge (a hard cut, the music's ends): 5 ms, no click."""
SILENT_FOOTAGE_LEVEL = -20.0
"""Loudness (LUFS) the music is set to when the footage has no sound to balance against."""


def duck_gain(count: int, rate: int, speech: tuple[tuple[float, float], ...], duck: float):
    """Per-sample gain (linear) of the music: ``-duck`` dB under ``speech`` (seconds from the
    music's first sample), with the attack and release of the module notes."""
    depth = np.zeros(count)
    t = np.arange(count) / rate
    for start, end in speech:
        a, b = (
            max(0, int((start - DUCK_ATTACK) * rate)),
            min(count, int((end + DUCK_RELEASE) * rate) + 1),
        )
        if b <= a:
            continue
        span = t[a:b]
        rise = np.clip((span - (start - DUCK_ATTACK)) / DUCK_ATTACK, 0.0, 1.0)
        fall = np.clip(((end + DUCK_RELEASE) - span) / DUCK_RELEASE, 0.0, 1.0)
        depth[a:b] = np.maximum(depth[a:b], np.minimum(rise, fall))
    return (10 ** (-duck * depth / 20)).astype(np.float32)


def fades(count: int, rate: int, fade_in: float, fade_out: float) -> np.ndarray:
    """Per-sample gain: linear fades at both ends, each at least :data:`EDGE_FADE` long."""
    gain = np.ones(count, np.float32)
    for seconds, at_start in ((fade_in, True), (fade_out, False)):
        n = min(count, max(round(max(seconds, EDGE_FADE) * rate), 1))
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        if at_start:
            gain[:n] *= ramp
        else:
            gain[count - n :] *= ramp[::-1]
    return gain


def music_scale(dialogue: np.ndarray, music: np.ndarray, rate: int, level: float) -> float:
    """The factor that puts ``music`` ``level`` LU from ``dialogue`` (see the module notes);
    1 for silent music."""
    own = measure(music, rate).integrated
    if own <= SILENT:
        return 1.0
    footage = measure(dialogue, rate).integrated
    goal = footage + level if footage > SILENT else SILENT_FOOTAGE_LEVEL
    return float(10 ** ((goal - own) / 20))
