"""Which stretches of footage may be used, and how strongly each one holds the eye.

A *piece* is a usable stretch of one shot: away from the cut on either side, with no black
or nearly black frames (fades, black slugs), and no longer than a trailer shot ever is, so a
long shot offers several pieces. Its score is its motion energy: still, dull pictures rank
last. These are pure functions of the analysis numbers.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis
from editor.preset import Preset

CUT_MARGIN_SECONDS = 0.1
"""Frames this close to a cut are never used: they may hold the tail of a transition."""


@dataclass(frozen=True)
class Piece:
    """A usable stretch ``[start_frame, end_frame)`` of shot ``shot`` in source ``source``."""

    source: int
    shot: int
    start_frame: int
    end_frame: int
    start: float
    end: float
    score: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def usable_pieces(analysis: Analysis, source: int, preset: Preset) -> list[Piece]:
    """All pieces of one analysed file, in source order, with raw motion scores."""
    fps = analysis.media.fps
    margin = max(2, round(CUT_MARGIN_SECONDS * fps))
    max_piece = 1.25 * max(preset.pacing.first_shot, preset.pacing.last_shot)
    min_piece = preset.pacing.min_shot
    bright = analysis.brightness >= preset.selection.min_brightness
    pieces = []
    for shot in analysis.shots:
        if shot.duration < preset.selection.min_shot_length:
            continue
        first = shot.start_frame + (margin if shot.start_frame > 0 else 0)
        last = shot.end_frame - (margin if shot.end_frame < analysis.frame_count else 0)
        for run_start, run_end in _true_runs(bright, first, last):
            run_time = _span(analysis, run_start, run_end)
            if run_time < min_piece:
                continue
            parts = math.ceil(run_time / max_piece)
            edges = np.linspace(run_start, run_end, parts + 1).round().astype(int)
            for a, b in itertools.pairwise(edges):
                motion = analysis.motion[max(a, shot.start_frame + 1) : b]
                start = float(analysis.times[a])
                pieces.append(
                    Piece(
                        source=source,
                        shot=shot.index,
                        start_frame=int(a),
                        end_frame=int(b),
                        start=start,
                        end=start + _span(analysis, int(a), int(b)),
                        score=float(motion.mean()) if motion.size else 0.0,
                    )
                )
    return pieces


def _span(analysis: Analysis, start: int, end: int) -> float:
    """Seconds covered by frames ``[start, end)``: up to the next frame's time."""
    stop = float(analysis.times[end]) if end < analysis.frame_count else analysis.media.duration
    return stop - float(analysis.times[start])


def _true_runs(mask: np.ndarray, first: int, last: int) -> list[tuple[int, int]]:
    """Half-open runs of True in ``mask[first:last]``, in absolute indices."""
    runs, start = [], None
    for i in range(first, last):
        if mask[i] and start is None:
            start = i
        elif not mask[i] and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, last))
    return runs
