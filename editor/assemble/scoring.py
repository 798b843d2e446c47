"""Which stretches of footage may be used, and how strongly each one holds the eye.

A *piece* is a usable stretch of one shot, no longer than any planned shot, so a long shot
offers several. What is decided here, from the analysis numbers alone (pure functions):

- **Rejected, never used:** frames darker than ``selection.min_brightness`` (black slugs,
  fades), frames with less picture detail than ``selection.min_detail`` (out of focus, or an
  empty, flat picture), frames inside a gradual transition (fade or dissolve) or within
  its own length of it, frames within :data:`CUT_MARGIN_SECONDS` of a cut, and shots
  shorter than ``selection.min_shot_length``. The wide margin around a transition is there
  because its tails, where one picture barely shows through the other, change the picture
  too little to be measured: a detected dissolve is its middle, and the blend starts
  earlier and ends later than that.
- **Rank:** the score plus a seed's jitter (at most :data:`SEED_JITTER`), so different
  seeds give different but equally plausible cuts while one seed always gives the same
  cut; seed 0 of the first variant ranks by score alone (:func:`seed_jitter`).
- **Score:** a weighted mean (weights from the preset's ``[scoring]`` table) of features in
  0..1, each on a fixed scale so that a score means the same on any footage:
  faces (size of the largest face, its detector confidence, a bonus for two or more faces),
  motion energy, audio level, audio onsets (hits, lines starting), sharpness, exposure, and
  the length of the shot the piece comes from (flash shots are often transitional).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Shot
from editor.assemble.dialogue import split_at_pauses
from editor.preset import MIN_SHOT, Preset, Scoring

SEED_JITTER = 0.08
"""Largest random change to a score (0..1) a seed can make."""
CUT_MARGIN_SECONDS = 0.1
"""Frames this close to a cut are never used: they may hold the tail of a transition."""
FEATURES = ("faces", "motion", "audio", "onsets", "sharpness", "exposure", "length")

FACE_FULL = 0.25
"""A face this tall (share of the source height) or taller counts fully: a close-up."""
MOTION_SCALE = 3.0
"""Mean luma change per frame (levels) at which motion counts 63 %."""
AUDIO_FLOOR_DB, AUDIO_FULL_DB = -45.0, -12.0
"""Sound level counting nothing / fully."""
ONSET_RISE_DB = 6.0
"""An onset: the level jumps by this much above its minimum over the previous few frames."""
ONSETS_FULL = 2.0
"""Onsets per second counting fully."""
DETAIL_SCALE = 15.0
"""Picture detail at which sharpness counts 63 %."""
MID_GREY = 118.0
"""Best mean luma: the middle of the video range."""
LENGTH_FULL = 3.0
"""Shots this long (seconds) or longer count fully for length."""


@dataclass(frozen=True)
class Piece:
    """A usable stretch ``[start_frame, end_frame)`` of shot ``shot`` in source ``source``,
    its features (0..1, in :data:`FEATURES` order) and its score (0..1)."""

    source: int
    shot: int
    start_frame: int
    end_frame: int
    start: float
    end: float
    features: tuple[float, ...]
    score: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def feature(self, name: str) -> float:
        return self.features[FEATURES.index(name)]


def usable_mask(analysis: Analysis, preset: Preset, cut_margin: bool = True) -> np.ndarray:
    """True for every frame that may be used (see the module notes); without
    ``cut_margin``, frames next to a hard cut are usable too (a line of dialogue may run
    across the source's own cut)."""
    n = analysis.frame_count
    fps = analysis.media.fps
    sel = preset.selection
    usable = analysis.brightness >= sel.min_brightness
    if analysis.detail.size == n:
        usable &= analysis.detail >= sel.min_detail
    margin = max(2, round(CUT_MARGIN_SECONDS * fps))
    for cut in analysis.cuts if cut_margin else ():
        usable[max(0, cut - margin) : cut + margin] = False
    for t in analysis.transitions:
        tails = max(margin, t.end_frame + 1 - t.start_frame)
        usable[max(0, t.start_frame - tails) : t.end_frame + 1 + tails] = False
    for shot in analysis.shots:
        if shot.duration < sel.min_shot_length:
            usable[shot.start_frame : shot.end_frame] = False
    return usable


def usable_pieces(
    analysis: Analysis, source: int, preset: Preset, length: float | None = None
) -> list[Piece]:
    """All pieces of one analysed file, in source order, scored.

    A usable stretch is cut into equal pieces of ``length`` seconds or more (under twice
    that); by default 1.25 times the longest shot the preset plans, so every piece can fill
    any shot with room to centre it or move its cut onto a beat.
    """
    if length is None:
        longest = max(max(a.first_shot, a.last_shot) for a in preset.acts)
        length = 1.25 * max(longest, preset.hook.max_length)
    usable = usable_mask(analysis, preset)
    level = analysis.audio_level if analysis.audio_level.size == analysis.frame_count else None
    onsets = onset_frames(level) if level is not None else np.zeros(analysis.frame_count, bool)
    pieces = []
    for shot in analysis.shots:
        for run_start, run_end in _true_runs(usable, shot.start_frame, shot.end_frame):
            run_time = _span(analysis, run_start, run_end)
            if run_time < MIN_SHOT:
                continue
            parts = math.ceil(run_time / length)
            edges = np.linspace(run_start, run_end, parts + 1).round().astype(int)
            reach = (run_end - run_start) // (4 * parts)
            edges = split_at_pauses(analysis.times, edges, analysis.utterances, reach)
            for a, b in itertools.pairwise(edges):
                start = float(analysis.times[a])
                features = piece_features(analysis, shot, int(a), int(b), onsets)
                pieces.append(
                    Piece(
                        source=source,
                        shot=shot.index,
                        start_frame=int(a),
                        end_frame=int(b),
                        start=start,
                        end=start + _span(analysis, int(a), int(b)),
                        features=features,
                        score=weighted_score(features, preset.scoring),
                    )
                )
    return pieces


def piece_features(
    analysis: Analysis, shot: Shot, start: int, end: int, onsets: np.ndarray
) -> tuple[float, ...]:
    """The features of frames ``[start, end)`` of ``shot``, each in 0..1 (module notes)."""
    seconds = max(_span(analysis, start, end), 1e-6)
    motion = analysis.motion[max(start, shot.start_frame + 1) : end]
    faces = _face_feature(analysis, start, end)
    if analysis.audio_level.size == analysis.frame_count:
        level = float(np.mean(analysis.audio_level[start:end]))
        audio = _clip01((level - AUDIO_FLOOR_DB) / (AUDIO_FULL_DB - AUDIO_FLOOR_DB))
        onset = _clip01(float(onsets[start:end].sum()) / seconds / ONSETS_FULL)
    else:
        audio = onset = 0.0
    detail = analysis.detail[start:end] if analysis.detail.size == analysis.frame_count else None
    sharp = 1.0 - math.exp(-float(np.median(detail)) / DETAIL_SCALE) if detail is not None else 0.5
    bright = float(np.mean(analysis.brightness[start:end]))
    exposure = _clip01(1.0 - abs(bright - MID_GREY) / MID_GREY)
    return (
        faces,
        1.0 - math.exp(-float(motion.mean()) / MOTION_SCALE) if motion.size else 0.0,
        audio,
        onset,
        sharp,
        exposure,
        _clip01(shot.duration / LENGTH_FULL),
    )


def weighted_score(features: tuple[float, ...], weights: Scoring) -> float:
    """Weighted mean of ``features`` (0..1); 0 when every weight is 0."""
    w = np.asarray([getattr(weights, name) for name in FEATURES], float)
    total = float(w.sum())
    return round(float(np.dot(w, features)) / total, 6) if total > 0 else 0.0


def onset_frames(level: np.ndarray, lookback: int = 3) -> np.ndarray:
    """Frames where the sound level jumps :data:`ONSET_RISE_DB` over its minimum across the
    previous ``lookback`` frames and is clearly audible: percussive hits, lines starting."""
    padded = np.concatenate([np.full(lookback, level[0] if level.size else 0.0), level])
    windows = np.lib.stride_tricks.sliding_window_view(padded[:-1], lookback)
    floor = windows.min(axis=1) if level.size else np.zeros(0)
    rise = level - floor
    hits = (rise >= ONSET_RISE_DB) & (level > AUDIO_FLOOR_DB)
    hits[1:] &= ~hits[:-1]  # one onset per rise
    return hits


def _face_feature(analysis: Analysis, start: int, end: int) -> float:
    """Largest face size (share of the source height, full at :data:`FACE_FULL`) times its
    confidence, averaged over the frames, plus 0.2 where two or more faces show."""
    faces = analysis.face_boxes
    if faces.shape[0] == 0:
        return 0.0
    lo, hi = np.searchsorted(faces[:, 0], [start, end], side="left")
    rows = faces[lo:hi]
    if rows.shape[0] == 0:
        return 0.0
    frames = rows[:, 0].astype(int) - start
    size = np.minimum(1.0, rows[:, 5] / (FACE_FULL * analysis.media.height)) * rows[:, 6]
    best = np.zeros(end - start)
    np.maximum.at(best, frames, size)
    count = np.bincount(frames, minlength=end - start)
    value = best + 0.2 * (count >= 2)
    return _clip01(float(value.mean()))


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))


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


def seed_jitter(count: int, seed: int, variant: int, stream: int = 0) -> np.ndarray:
    """``count`` random rank changes for ``seed`` and ``variant`` (``stream`` keeps the
    draws for different kinds of footage apart); all 0 for seed 0, variant 0."""
    if not (seed or variant):
        return np.zeros(count)
    rng = np.random.default_rng([seed, variant, stream] if stream else [seed, variant])
    return rng.uniform(0.0, SEED_JITTER, size=count)
