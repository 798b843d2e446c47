"""One analysis pass per file: decode once, feed every signal, return an :class:`Analysis`.

Analysis is the expensive read; everything after it (planning, assembling) works on the
numbers collected here and never touches pixels again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from editor.analysis.scenes import Shot, ShotDetector, Transition, shots_from_cuts
from editor.analysis.signals import FrameSignals
from editor.errors import AutocutError
from editor.media.decode import analysis_frames
from editor.media.probe import Media

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


def analyze(media: Media, progress: Progress | None = None) -> Analysis:
    """Decode ``media`` once and collect shots and frame signals."""
    shots = ShotDetector()
    signals = FrameSignals()
    times: list[float] = []
    pending = 0
    for frame in analysis_frames(media):
        shots.add(frame.image, frame.time)
        signals.add(frame.image)
        times.append(frame.time)
        pending += 1
        if progress is not None and pending == 25:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    if not times:
        raise AutocutError(media.path, "no video frame could be decoded")
    time_array = np.asarray(times, dtype=np.float64)
    found, transitions = shots.finish()
    return Analysis(
        media=media,
        times=time_array,
        cuts=tuple(found),
        shots=shots_from_cuts(found, time_array, media.duration),
        brightness=signals.brightness(),
        motion=signals.motion(),
        transitions=tuple(transitions),
    )
