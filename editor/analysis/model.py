"""What analysis produces: shots, transitions and per-frame numbers of one file.

Plain data and small pure helpers only, so that reading cached results, planning and every
consumer of an :class:`Analysis` load without the decoding and vision libraries.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from editor.media.probe import Media

ANALYSIS_WIDTH = 320
"""Width of analysis frames in pixels: enough for shot changes and frame statistics at a
fraction of the cost of full frames (a 1080p frame has 20x the pixels)."""

ANALYSIS_VERSION = 9
"""Bumped whenever what analysis computes changes, so cached results are recomputed."""

FACE_COLUMNS = ("frame", "track_id", "x", "y", "w", "h", "score", "mouth")
"""Columns of :attr:`Analysis.face_boxes`: one row per face per frame. ``x, y, w, h`` are in source
display pixels (upright, ``media.width`` x ``media.height``); ``score`` is the detector's
confidence in 0..1 (interpolated between detections); ``mouth`` is how much the mouth
region changes shape beyond the eye region (RMS luma change per frame, see
:mod:`editor.analysis.faces`), the cheap half of an active-speaker cue. A ``track_id`` is
one identity within one shot; ids never repeat across shots."""

Progress = Callable[[int], None]
"""Called with the number of frames just processed."""


def no_faces() -> np.ndarray:
    """An empty face table."""
    return np.zeros((0, len(FACE_COLUMNS)), np.float32)


SCOPES = ("full", "shots")
"""What an analysis measures: everything, or the shot boundaries alone."""


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
    face_boxes: np.ndarray = dataclasses.field(default_factory=no_faces)
    """Face boxes on every frame, rows as in :data:`FACE_COLUMNS`, sorted by frame."""
    motion_bands: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 16)))
    """(frames, 16) mean luma change per vertical band of the picture, left to right; empty
    when not measured."""
    audio_level: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    """Sound level (RMS, dBFS) during each frame; -100 where silent or without audio; empty
    when not measured."""
    detail: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    """Picture detail of each frame (see :func:`editor.analysis.signals.detail`); empty when
    not measured."""
    speech: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))
    """Speech probability (0..1) during each frame (see :mod:`editor.analysis.speech`);
    empty when not measured."""
    utterances: tuple[Utterance, ...] = ()
    """Stretches of speech, in order (see :mod:`editor.analysis.speech`)."""
    scope: str = "full"
    """What was measured (one of :data:`SCOPES`): ``"full"``, everything; ``"shots"``, only
    frame times, cuts, shots and transitions (``autocut scenes``, which needs nothing else
    and so decodes no sound and runs no face or speech detector), every per-frame signal
    left empty."""

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
class Utterance:
    """A stretch of speech: ``start``/``end`` in seconds of the file (the end is where the
    detector stopped hearing speech, just after the last sound), ``level`` its RMS in dBFS."""

    start: float
    end: float
    level: float


@dataclass(frozen=True)
class Transition:
    """A gradual transition over frames ``[start_frame, end_frame]`` (inclusive).

    ``kind`` is "fade" (to or from black/white), "dissolve" (one shot blending into another)
    or "wipe" (a boundary sweeping across the picture, the new shot behind it).
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


@dataclass(frozen=True)
class FaceTrack:
    """One face through one shot: frames ``[start_frame, end_frame)``, mean box width (source
    pixels), mean score, and the share of its shot's frames it is on screen."""

    track_id: int
    shot: int
    start_frame: int
    end_frame: int
    mean_size: float
    confidence: float
    share: float


def faces_in_frame(faces: np.ndarray, frame: int) -> np.ndarray:
    """Rows of ``faces`` on ``frame`` (rows are sorted by frame, so this is a slice)."""
    lo, hi = np.searchsorted(faces[:, 0], [frame, frame + 1], side="left")
    return faces[lo:hi]


def face_track(faces: np.ndarray, track_id: int) -> np.ndarray:
    """Rows of one track, in frame order."""
    return faces[faces[:, 1] == track_id]


def face_tracks(faces: np.ndarray, shots: tuple[Shot, ...]) -> tuple[FaceTrack, ...]:
    """A summary of every track in ``faces``, in order of track id."""
    out = []
    starts = np.asarray([s.start_frame for s in shots])
    for track_id in np.unique(faces[:, 1]).astype(int):
        rows = face_track(faces, track_id)
        first, last = int(rows[0, 0]), int(rows[-1, 0])
        shot = shots[int(np.searchsorted(starts, first, side="right")) - 1]
        out.append(
            FaceTrack(
                track_id=track_id,
                shot=shot.index,
                start_frame=first,
                end_frame=last + 1,
                mean_size=float(rows[:, 4].mean()),
                confidence=float(rows[:, 6].mean()),
                share=len(rows) / max(1, shot.frame_count),
            )
        )
    return tuple(out)
