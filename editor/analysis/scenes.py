"""Shot boundaries: where one shot ends and the next begins.

Cuts come from PySceneDetect's content detector fed with the shared analysis frames (not its
own decoder), so shot detection costs no extra decode. A cut is the 0-based index of the first
frame of the new shot. Shots are half-open frame ranges ``[start_frame, end_frame)``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scenedetect import ContentDetector, FrameTimecode

MIN_SHOT_SECONDS = 0.5
"""No two cuts closer than this: shorter flashes are flicker, not shots."""


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


class CutDetector:
    """Consumes analysis frames one by one and collects hard cuts."""

    def __init__(self, fps: float, threshold: float = 27.0) -> None:
        self._fps = fps
        min_len = max(1, round(MIN_SHOT_SECONDS * fps))
        self._detector = ContentDetector(threshold=threshold, min_scene_len=min_len)
        self._cuts: list[int] = []
        self._last: FrameTimecode | None = None

    def add(self, index: int, image: np.ndarray) -> None:
        self._last = FrameTimecode(index, self._fps)
        for cut in self._detector.process_frame(self._last, image):
            self._cuts.append(cut.frame_num)

    def finish(self) -> list[int]:
        """All cuts, sorted, after the detector has flushed what it held back."""
        if self._last is not None:
            for cut in self._detector.post_process(self._last):
                self._cuts.append(cut.frame_num)
        return sorted(c for c in set(self._cuts) if c > 0)


def shots_from_cuts(cuts: list[int], times: np.ndarray, duration: float) -> tuple[Shot, ...]:
    """Split ``len(times)`` frames at ``cuts`` into shots; a shot ends where the next starts."""
    count = len(times)
    bounds = [0, *[c for c in cuts if 0 < c < count], count]
    shots = []
    for i, (start, end) in enumerate(itertools.pairwise(bounds)):
        end_time = float(times[end]) if end < count else duration
        shots.append(Shot(i, start, end, float(times[start]), end_time))
    return tuple(shots)
