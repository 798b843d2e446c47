"""Gradual transitions: fades and dissolves, found on the 16x9 BGR thumbnails of
:mod:`editor.analysis.scenes`.

A gradual transition is a run of small, non-cut changes that turns one picture into another
as a straight blend: every frame in between is ``(1 - a) * first + a * last`` with ``a``
rising, over a large part of the picture. A blend from or to a flat field (black, white, a
colour) is a fade, otherwise a dissolve. Camera motion is not a blend (edges move instead of
cross-fading), and a title fading in over a still picture changes too small a part of it.
"""

from __future__ import annotations

import numpy as np

from editor.analysis.model import Transition

BLEND_STEP = 0.6
"""Smallest per-frame change (BGR units) that can belong to a transition."""
BLEND_MIN_CHANGE = 20.0
"""A transition changes the picture by at least this much overall."""
BLEND_MIN_AREA = 0.4
"""... over at least this share of the picture."""
BLEND_MAX_RESIDUAL = 0.15
"""How far in-between frames may stray from a straight blend, relative to the change."""
BLEND_SECONDS = (0.2, 2.5)
"""Shortest and longest transition."""


def find_transitions(
    bgr: np.ndarray, flat: np.ndarray, times: np.ndarray, cuts: list[int]
) -> list[Transition]:
    """Fades and dissolves: runs of small changes that are straight blends (module docstring)."""
    n = len(bgr)
    fps = fps_from_times(times)
    step = np.r_[0.0, np.abs(np.diff(bgr, axis=0)).mean(axis=1)]
    delta = np.diff(bgr, axis=0, prepend=bgr[:1])
    # A blend changes every frame in the same direction; where the change turns back (the
    # far end of a fade, a camera move) one candidate ends and the next begins.
    recent = delta.cumsum(axis=0)
    recent = recent - np.roll(recent, 3, axis=0)  # change over the three frames before
    turns = np.r_[False, np.einsum("ij,ij->i", delta[1:], recent[:-1]) < 0]
    changing = step >= BLEND_STEP
    changing[cuts] = False
    changing[turns] = False
    shortest = max(4, round(BLEND_SECONDS[0] * fps))
    longest = round(BLEND_SECONDS[1] * fps)
    found = []
    for start, end in _runs(changing, gap=1):
        if end - start + 1 < shortest:
            continue
        blend = _best_blend(bgr, start, end, shortest, longest)
        if blend is None or blend[1] - blend[0] + 1 < shortest:
            continue
        first, last = blend
        kind = "fade" if flat[max(0, first - 1)] or flat[min(n - 1, last + 1)] else "dissolve"
        found.append(Transition(kind, first, last, float(times[first]), end_time(times, last)))
    return found


def _best_blend(
    bgr: np.ndarray, start: int, end: int, shortest: int, longest: int
) -> tuple[int, int] | None:
    """The changing frames of a run that form a straight blend, or None.

    The whole run is tried first; a run longer than a transition can be (motion running into
    a dissolve) is searched for its best-fitting stretch of transition length.
    """
    if end - start + 1 <= longest:
        fit = _blend_fit(bgr, start - 1, end)
        if fit is not None:
            return fit
    best, best_residual = None, BLEND_MAX_RESIDUAL / 2
    for length in range(shortest, min(longest, end - start + 1) + 1, max(1, shortest // 2)):
        for first in range(start, end - length + 2, max(1, length // 4)):
            fit = _blend_fit(bgr, first - 1, first + length - 1, best_residual)
            if fit is not None:
                best, best_residual = fit, _blend_residual(bgr, first - 1, first + length - 1)
    return best


def _blend_fit(
    bgr: np.ndarray, before: int, after: int, limit: float = BLEND_MAX_RESIDUAL
) -> tuple[int, int] | None:
    """If frames between ``before`` and ``after`` blend one into the other, the frames that
    actually change (blend weight between 2 % and 98 %), else None."""
    before = max(0, before)
    a, z = bgr[before], bgr[after]
    change = z - a
    if np.abs(change).mean() < BLEND_MIN_CHANGE:
        return None
    if (np.abs(change) > 10).mean() < BLEND_MIN_AREA:
        return None
    weights = _weights(bgr, before, after)
    if np.any(np.diff(weights) < -0.08):
        return None
    if _blend_residual(bgr, before, after) > limit:
        return None
    moving = np.flatnonzero((weights > 0.02) & (weights < 0.98))
    if moving.size == 0:
        return None
    return before + 1 + int(moving[0]), before + 1 + int(moving[-1])


def _weights(bgr: np.ndarray, before: int, after: int) -> np.ndarray:
    change = bgr[after] - bgr[before]
    return ((bgr[before + 1 : after] - bgr[before]) @ change) / float(change @ change)


def _blend_residual(bgr: np.ndarray, before: int, after: int) -> float:
    change = bgr[after] - bgr[before]
    weights = _weights(bgr, before, after)
    fitted = bgr[before] + np.outer(weights, change)
    return float(np.abs(bgr[before + 1 : after] - fitted).mean() / np.abs(change).mean())


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Inclusive runs of True, bridging up to ``gap`` False frames."""
    runs: list[tuple[int, int]] = []
    for i in np.flatnonzero(mask):
        if runs and i - runs[-1][1] <= gap + 1:
            runs[-1] = (runs[-1][0], int(i))
        else:
            runs.append((int(i), int(i)))
    return runs


def fps_from_times(times: np.ndarray) -> float:
    if len(times) < 2:
        return 30.0
    step = float(np.median(np.diff(times)))
    return 1.0 / step if step > 0 else 30.0


def end_time(times: np.ndarray, frame: int) -> float:
    """Time at which ``frame`` stops showing."""
    if frame + 1 < len(times):
        return float(times[frame + 1])
    return float(times[frame]) + (float(np.median(np.diff(times))) if len(times) > 1 else 0.0)
