"""What analysis produces: shots, transitions and per-frame numbers of one file.

Plain data and small pure helpers only, so that reading cached results, planning and every
consumer of an :class:`Analysis` load without the decoding and vision libraries.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from editor.media.probe import Media

ANALYSIS_WIDTH = 320
"""Width of analysis frames in pixels: enough for shot changes and frame statistics at a
fraction of the cost of full frames (a 1080p frame has 20x the pixels)."""

ANALYSIS_VERSION = 3
"""Bumped whenever what analysis computes changes, so cached results are recomputed."""

Progress = Callable[[int], None]
"""Called with the number of frames just processed."""


@dataclass(frozen=True)
class Analysis:
    """What one decode pass learned about a file. Arrays hold one value per decoded frame."""

    media: Media
    times: np.ndarray
    cuts: tuple[int, ...]
    shots: tuple[Shot, ...]
    brightness: np.ndarray
    motion: np.ndarray
    transitions: tuple[Transition, ...] = ()

    @property
    def frame_count(self) -> int:
        return len(self.times)

    def scene_dict(self) -> dict:
        """The scene JSON contract: cuts and shots of this file."""
        media = self.media
        return {
            "video": str(media.path),
            "fps": media.fps,
            "frame_count": self.frame_count,
            "duration": media.duration,
            "cuts": [{"frame": c, "time": round(float(self.times[c]), 6)} for c in self.cuts],
            "scenes": [
                {
                    "start_frame": s.start_frame,
                    "end_frame": s.end_frame,
                    "start": round(s.start, 6),
                    "end": round(s.end, 6),
                }
                for s in self.shots
            ],
            "transitions": [
                {"type": t.kind, "start": round(t.start, 6), "end": round(t.end, 6)}
                for t in self.transitions
            ],
        }


@dataclass(frozen=True)
class Shot:
    """A shot: frames ``[start_frame, end_frame)``, times in seconds from the first frame."""

    index: int
    start_frame: int
    end_frame: int
    start: float
    end: float

    @property
    def frame_count(self) -> int:
        return self.end_frame - self.start_frame

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Transition:
    """A gradual transition over frames ``[start_frame, end_frame]`` (inclusive).

    ``kind`` is "fade" (to or from black/white) or "dissolve" (one shot blending into another).
    """

    kind: str
    start_frame: int
    end_frame: int
    start: float
    end: float


def shots_from_cuts(cuts: list[int], times: np.ndarray, duration: float) -> tuple[Shot, ...]:
    """Split ``len(times)`` frames at ``cuts`` into shots; a shot ends where the next starts."""
    count = len(times)
    bounds = [0, *[c for c in cuts if 0 < c < count], count]
    shots = []
    for i, (start, end) in enumerate(itertools.pairwise(bounds)):
        end_time = float(times[end]) if end < count else duration
        shots.append(Shot(i, start, end, float(times[start]), end_time))
    return tuple(shots)
