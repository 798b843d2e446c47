"""How a camera path moves, measured the way the camera rules are phrased.

The rules for one shot's path (window left edge ``x`` per frame, source width ``W``):
95th-percentile speed at most 0.5 % of ``W`` per frame, mean ``|third difference|`` at most
0.1 % of ``W``, no direction reversal within one second, at least 40 % of frames still when the
subject allows it, no step above the speed cap, and the subject inside the window wherever its
corridor is non-empty. These functions only measure; the thresholds live with the callers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STATIC_STEP_PX = 0.05
"""A frame-to-frame move smaller than this (source pixels) is no move: the camera is still."""

INSIDE_TOLERANCE_PX = 0.5
"""The subject counts as inside when the window edge misses the corridor by no more than
rounding to whole pixels."""


@dataclass(frozen=True)
class PathMetrics:
    """Measurements of one path; speeds and jumps in percent of the source width per frame."""

    p95_speed_pct: float
    mean_jerk_pct: float
    """Mean absolute third difference, percent of the source width."""
    static_share: float
    """Share of frame-to-frame steps that move less than :data:`STATIC_STEP_PX`."""
    min_reversal_s: float
    """Shortest time from a move in one direction to the next move the other way (inf: none)."""
    max_jump_pct: float
    inside_share: float
    """Share of frames with a known, non-empty corridor where the window holds the subject."""
    move_count: int
    """Separate moves: runs of consecutive moving steps (a deliberate operator makes few)."""

    def summary(self) -> str:
        """One line for benchmark output."""
        return (
            f"p95 speed {self.p95_speed_pct:.3f} %W/frame, jerk {self.mean_jerk_pct:.4f} %W, "
            f"static {self.static_share:.0%}, reversal gap {self.min_reversal_s:.2f} s, "
            f"max jump {self.max_jump_pct:.3f} %W, inside {self.inside_share:.1%}, "
            f"{self.move_count} moves"
        )


def p95_speed_pct(x: np.ndarray, src_w: float) -> float:
    """95th percentile of ``|x[i+1] - x[i]|`` in percent of the source width."""
    steps = np.abs(np.diff(np.asarray(x, float)))
    return float(np.percentile(steps, 95) / src_w * 100) if steps.size else 0.0


def mean_jerk_pct(x: np.ndarray, src_w: float) -> float:
    """Mean absolute third difference in percent of the source width."""
    d3 = np.diff(np.asarray(x, float), n=3)
    return float(np.abs(d3).mean() / src_w * 100) if d3.size else 0.0


def static_share(x: np.ndarray) -> float:
    """Share of steps that move less than :data:`STATIC_STEP_PX` (1.0 for a single frame)."""
    steps = np.abs(np.diff(np.asarray(x, float)))
    return float((steps < STATIC_STEP_PX).mean()) if steps.size else 1.0


def min_reversal_s(x: np.ndarray, fps: float) -> float:
    """Shortest interval between a move one way and the next move the other way, in seconds.

    Only steps of at least :data:`STATIC_STEP_PX` are moves; a step at index ``i`` followed by
    an opposite step at ``j`` gives ``(j - i) / fps``. Infinite when the path never reverses.
    """
    steps = np.diff(np.asarray(x, float))
    moving = np.flatnonzero(np.abs(steps) >= STATIC_STEP_PX)
    if moving.size < 2:
        return math.inf
    signs = np.sign(steps[moving])
    turns = np.flatnonzero(signs[1:] != signs[:-1])
    if not turns.size:
        return math.inf
    return float((moving[turns + 1] - moving[turns]).min() / fps)


def max_jump_pct(x: np.ndarray, src_w: float) -> float:
    """Largest single step in percent of the source width."""
    steps = np.abs(np.diff(np.asarray(x, float)))
    return float(steps.max() / src_w * 100) if steps.size else 0.0


def move_count(x: np.ndarray) -> int:
    """Number of runs of consecutive steps of at least :data:`STATIC_STEP_PX`."""
    moving = np.abs(np.diff(np.asarray(x, float))) >= STATIC_STEP_PX
    return int(np.count_nonzero(moving[1:] & ~moving[:-1]) + (moving[:1].sum()))


def inside_share(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of frames with a known, non-empty corridor where ``lo <= x <= hi`` (to rounding).

    1.0 when no frame has such a corridor.
    """
    x, lo, hi = (np.asarray(v, float) for v in (x, lo, hi))
    with np.errstate(invalid="ignore"):
        feasible = ~(np.isnan(lo) | np.isnan(hi)) & (lo <= hi)
        inside = (x >= lo - INSIDE_TOLERANCE_PX) & (x <= hi + INSIDE_TOLERANCE_PX)
    return float(inside[feasible].mean()) if feasible.any() else 1.0


def measure_path(
    x: np.ndarray,
    src_w: float,
    fps: float,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> PathMetrics:
    """All measurements of one shot's path; ``inside_share`` is 1.0 without a corridor."""
    x = np.asarray(x, float)
    return PathMetrics(
        p95_speed_pct=p95_speed_pct(x, src_w),
        mean_jerk_pct=mean_jerk_pct(x, src_w),
        static_share=static_share(x),
        min_reversal_s=min_reversal_s(x, fps),
        max_jump_pct=max_jump_pct(x, src_w),
        inside_share=1.0 if lo is None or hi is None else inside_share(x, lo, hi),
        move_count=move_count(x),
    )
