"""Face tracks: detections on sampled frames of one shot linked into identities.

Pure decisions on plain numbers (boxes are ``x, y, w, h`` in any one pixel unit):

- **Linking.** Samples are visited in order. Each open track predicts where its face is at
  the sample's frame from a constant velocity (its last two detections), and the detection
  that overlaps the prediction best (IoU, or a centre within a face width of it when the boxes
  barely overlap, at a similar size) continues it; the best pairs are taken first. A detection
  that continues nothing starts a new track. A track survives ``MAX_MISSED_SAMPLES`` samples
  without a detection (a turned head, a passing occluder) and is closed after that.
- **False positives.** A track seen in fewer than ``MIN_HITS`` samples, or in less than
  ``MIN_HIT_RATE`` of the samples it spans, is dropped: real faces stay on screen, detector
  noise flickers. A shot sampled fewer than ``MIN_HITS`` times keeps its single detections.
- **Every frame.** Between two detections the box moves linearly. Before its first and after
  its last detection a track extends (at its last velocity) halfway to the neighbouring sample
  that did not see it, or to the shot's edge when no sample lies in between: each sample
  speaks for the frames nearest to it.
- **Cuts.** Tracks are made shot by shot; a track never crosses a shot boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_MISSED_SAMPLES = 2
"""Samples in a row a face may go undetected before its track is closed."""
MIN_HITS = 2
"""Detections a track needs to be kept (unless its shot has fewer samples than this)."""
MIN_HIT_RATE = 0.5
"""Share of the samples a track spans in which it must have been detected."""
MIN_IOU = 0.2
"""Smallest overlap between a track's predicted box and a detection to link them..."""
MAX_CENTRE_JUMP = 1.0
"""... or largest centre distance, in face sizes, when they overlap less: a face crossing the
picture in about a second moves its own width between samples."""
MAX_SIZE_RATIO = 1.6
"""Largest size change between a prediction and a detection that continues it."""


@dataclass(frozen=True)
class Sample:
    """Detections on one frame: ``boxes`` is an (N, 5+) array of ``x, y, w, h, score`` and
    any further per-face measurements (carried along and interpolated like the box)."""

    frame: int
    boxes: np.ndarray


@dataclass(frozen=True)
class Track:
    """One face through part of a shot: its detections and its box on every frame.

    ``frames`` are consecutive frame indices and ``boxes`` the (n, 5+) rows ``x, y, w, h,
    score, ...`` on them (interpolated between detections); ``hits`` are the detected frames.
    """

    track_id: int
    frames: np.ndarray
    boxes: np.ndarray
    hits: np.ndarray

    @property
    def mean_size(self) -> float:
        """Mean face width (same unit as the boxes)."""
        return float(self.boxes[:, 2].mean())

    @property
    def confidence(self) -> float:
        """Mean detector score over the detected frames."""
        detected = np.isin(self.frames, self.hits)
        return float(self.boxes[detected, 4].mean())

    def share(self, shot_frames: int) -> float:
        """Share of a shot of ``shot_frames`` frames that this face is on screen."""
        return len(self.frames) / shot_frames if shot_frames > 0 else 0.0


@dataclass
class _Open:
    """A track being built: detected frames and their rows, misses since the last one."""

    frames: list[int]
    rows: list[np.ndarray]
    first_sample: int
    last_sample: int
    missed: int = 0

    def predict(self, frame: int) -> np.ndarray:
        """The box (x, y, w, h) at ``frame`` under constant velocity."""
        return _extrapolate(self.frames, self.rows, frame)[:4]


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ``x, y, w, h`` boxes."""
    ix = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    iy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    return float(inter / (a[2] * a[3] + b[2] * b[3] - inter))


def match_score(predicted: np.ndarray, box: np.ndarray) -> float:
    """How well a detection continues a prediction; 0 means it does not.

    IoU when they overlap enough; otherwise a small score falling with centre distance, for
    fast or small faces that moved by more than their overlap allows.
    """
    size_p = max(predicted[2], predicted[3], 1e-6)
    size_b = max(box[2], box[3], 1e-6)
    if max(size_p, size_b) / min(size_p, size_b) > MAX_SIZE_RATIO:
        return 0.0
    overlap = iou(predicted, box)
    if overlap >= MIN_IOU:
        return overlap
    dx = (predicted[0] + predicted[2] / 2) - (box[0] + box[2] / 2)
    dy = (predicted[1] + predicted[3] / 2) - (box[1] + box[3] / 2)
    jump = float(np.hypot(dx, dy)) / max(size_p, size_b)
    return MIN_IOU * (1.0 - jump / MAX_CENTRE_JUMP) if jump < MAX_CENTRE_JUMP else 0.0


def link_shot(
    samples: Sequence[Sample], start: int, end: int, first_id: int = 0
) -> tuple[Track, ...]:
    """Tracks of the faces in the shot of frames ``[start, end)``, numbered from ``first_id``
    in order of appearance. ``samples`` are this shot's sampled frames in increasing order."""
    samples = [s for s in samples if start <= s.frame < end]
    opened: list[_Open] = []
    closed: list[_Open] = []
    for k, sample in enumerate(samples):
        live = [t for t in opened if t.missed <= MAX_MISSED_SAMPLES]
        closed.extend(t for t in opened if t.missed > MAX_MISSED_SAMPLES)
        opened = live
        pairs = sorted(
            (
                (match_score(t.predict(sample.frame), row), ti, bi)
                for ti, t in enumerate(opened)
                for bi, row in enumerate(sample.boxes)
            ),
            reverse=True,
        )
        taken_t: set[int] = set()
        taken_b: set[int] = set()
        for score, ti, bi in pairs:
            if score <= 0 or ti in taken_t or bi in taken_b:
                continue
            taken_t.add(ti)
            taken_b.add(bi)
            track = opened[ti]
            track.frames.append(sample.frame)
            track.rows.append(np.asarray(sample.boxes[bi], dtype=np.float64))
            track.last_sample, track.missed = k, 0
        for ti, track in enumerate(opened):
            if ti not in taken_t:
                track.missed += 1
        for bi, row in enumerate(sample.boxes):
            if bi not in taken_b:
                opened.append(_Open([sample.frame], [np.asarray(row, np.float64)], k, k))
    everything = sorted(closed + opened, key=lambda t: (t.frames[0], t.rows[0][0]))
    kept = [t for t in everything if _is_real(t, len(samples))]
    frames = [s.frame for s in samples]
    return tuple(_fill(t, first_id + i, frames, start, end) for i, t in enumerate(kept))


def _is_real(track: _Open, sample_count: int) -> bool:
    """Whether a track is a face rather than detector noise (see the module notes)."""
    hits = len(track.frames)
    if sample_count < MIN_HITS:
        return True
    spanned = track.last_sample - track.first_sample + 1
    return hits >= MIN_HITS and hits / spanned >= MIN_HIT_RATE


def _fill(track: _Open, track_id: int, samples: list[int], start: int, end: int) -> Track:
    """The track's box on every frame it covers: detections joined linearly, extended at the
    ends halfway to the neighbouring samples (or to the shot edge)."""
    first, last = track.first_sample, track.last_sample
    begin = (samples[first - 1] + samples[first]) // 2 + 1 if first > 0 else start
    stop = (samples[last] + samples[last + 1]) // 2 + 1 if last + 1 < len(samples) else end
    frames = np.arange(begin, stop)
    hits = np.asarray(track.frames)
    rows = np.stack(track.rows)
    boxes = np.column_stack([np.interp(frames, hits, rows[:, c]) for c in range(rows.shape[1])])
    for i in np.flatnonzero(frames < hits[0]):
        boxes[i] = _extrapolate(track.frames[:2], track.rows[:2], int(frames[i]))
    for i in np.flatnonzero(frames > hits[-1]):
        boxes[i] = _extrapolate(track.frames, track.rows, int(frames[i]))
    return Track(track_id, frames, boxes, hits)


def _extrapolate(frames: Sequence[int], rows: Sequence[np.ndarray], frame: int) -> np.ndarray:
    """Row (x, y, w, h, score, ...) at ``frame`` from the nearest two detections' velocity; with
    one detection, that detection. Sizes never shrink below a pixel; the score and further
    measurements are the nearest detection's."""
    if len(frames) < 2:
        return rows[0].copy()
    near, other = (0, 1) if frame < frames[0] else (-1, -2)
    step = (rows[near] - rows[other]) / (frames[near] - frames[other])
    row = rows[near] + step * (frame - frames[near])
    row[2:4] = np.maximum(row[2:4], 1.0)
    row[4:] = rows[near][4:]
    return row
