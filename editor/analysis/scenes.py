"""Shot boundaries: hard cuts, and the detector that also runs the gradual-transition test.

Every analysis frame is reduced to a 16x9 thumbnail (CIELAB for judging cuts, BGR for
judging blends) and a flatness figure. All decisions are then made on these numbers:

Hard cut at frame i (the first frame of the new shot) when the picture changes in a *step*:
- every cross pair (i-1, i), (i-1, i+1), (i-1, i+2), (i-1, i+3), (i-2, i), (i-2, i+1)
  differs, so an event of up to three frames (a flash, a car filling the frame, a hologram
  flicker) that returns to the old picture does not count;
- the change is large against the motion inside the two sides (the largest neighbouring
  step counts half against it), so fast action inside a shot does not count;
- no two pictures less than half a second apart, one before the step and one after it,
  match closer than half the step (a car that fills the frame and drives on, a figure
  crossing the lens, alternating flicker): what comes back was covered, not cut away, and
  a shot shorter than half a second would not count anyway. The pair may straddle the
  step anywhere, since whatever covers the picture also spoils the frames either side;
- the two sides are not both flat fields (black, a colour card, a grey fade), where there is
  no picture to cut from or to;
- a step between low-contrast pictures (a dark scene, haze) is scaled up by how far the
  pictures' contrast falls short of normal footage's, at most threefold: every difference
  inside such a shot shrinks with its contrast, and a cut between two dark shots measured
  on the normal scale would look like motion. The motion inside the shots is scaled the
  same, so the rules above keep their meaning;
- a smaller step (from half the threshold) still counts when it stands alone, since the
  threshold is relative to the neighbourhood: either it is three times every other change
  within half a second (a cut between two still shots of one set, shot and reverse shot,
  which differ little), or the pictures' colour distribution (16 bins per Lab channel)
  changes three times more than in the neighbouring steps (a cut into a handheld close-up:
  movement shifts pixels but keeps their colours; a cut replaces them);
- the new picture is not the old one shifted (:func:`without_camera_jerks`): a handheld
  camera that jerks moves the whole picture in one frame, which the step test alone takes
  for a cut in a close-up;
- shots are at least ``MIN_SHOT_SECONDS`` long; the strongest cut in a crowded stretch wins.

Gradual transitions (fades, dissolves) are found by :mod:`editor.analysis.transitions` on the
same frames, between the cuts.

Frames are decided a few seconds behind the newest, on a window around them, so memory stays
bounded on files of any length (:class:`ShotDetector`).

The same detector runs under PySceneDetect's ``SceneManager`` as
:class:`editor.analysis.pyscenedetect.StepDetector`.

The thresholds were set on the labelled clips: true cuts score at least 14, in-shot events at
most 10 (Lab units, mean absolute difference of the 16x9 thumbnails). The contrast scaling and
the lone-step rule were set on the tune part of the spliced stress set (``fixtures.stress``)
and checked on its held-out part: cuts between dark shots went from 0.57 / 0.46 F1 (tune /
held out) to 0.97 / 1.00, cuts within one scene from 0.93 / 0.70 to 1.00 / 1.00, with hard-cut
F1 over the whole set at 0.993 / 0.978. A variant that also discounted flashes next to a cut
reached 1.000 on the tune part but lost precision on the held-out part, and was left out.
The camera-jerk rule was set on shaking close-ups of the tune part's shots (false cuts from 8
to 1 in 16 minutes, no labelled cut lost); on the held-out part it removed 3 false cuts (2 in
handheld close-ups, 1 on an in-shot trap) and lost 1 cut between two framings of one scene.
Comparing every pair of pictures that straddles the step (before, only the pictures right
next to it and the new one against the old ones) took the tune part's false cuts from 3 to
0 with no cut lost, and the held-out part's from 11 to 2 (all 11 were cars crossing the lens
in close-ups and 60 fps copies of one source): hard-cut F1 0.990 on both parts.
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.analysis.model import Transition
from editor.analysis.moved import shifted_residual
from editor.analysis.rows import Rows
from editor.analysis.transitions import find_transitions, fps_from_times

MIN_SHOT_SECONDS = 0.5
"""No two cuts closer than this: shorter flashes are flicker, not shots."""
CUT_THRESHOLD = 12.0
"""Step score above which a frame starts a new shot."""
RETURN_SECONDS = 0.5
"""Longest span over which a picture that comes back after a step counts as the old one
uncovered (see the module docstring)."""
FLAT_SHARE = 0.9
"""A frame is flat when this share of its pixels has nearly the frame's median colour."""
THUMB_SIZE = (16, 9)
FLAT_SIZE = (64, 36)
"""The picture the flatness and the colour distribution are measured on; the thumbnail is
averaged down from it."""
FLAT_DISTANCE = 12
"""Lab distance (summed over the channels) from the median colour within which a pixel is
part of a flat field."""

SETTLE_SECONDS = 3.0
"""Cuts and transitions more than this far behind the newest frame are decided for good."""
WINDOW_SECONDS = 10.0
"""How far behind the first undecided frame a decision looks."""
DECIDE_EVERY_SECONDS = 5.0
"""How often (in video time) the frames that have settled are decided."""

ISOLATED_MIN = 6.0
"""A step scoring at least this (half of ``CUT_THRESHOLD``) is a cut when it stands alone:"""
ISOLATION_RATIO = 3.0
"""... at least this many times every other change within ``RETURN_SECONDS`` around it (plus
``ISOLATION_FLOOR`` for noise), or its colour distribution changes this many times more than
in the neighbouring steps (plus ``HIST_FLOOR``) by at least ``HIST_MIN``."""
ISOLATION_FLOOR = 1.0
HIST_FLOOR = 0.01
HIST_MIN = 0.05
HIST_BINS = 16
"""Bins per Lab channel of the colour distribution (of the ``FLAT_SIZE`` picture)."""

CONTRAST_REF = 25.0
"""Contrast (mean absolute deviation of the thumbnail's lightness, Lab units) from which a
picture's steps are taken as they are; below it they are scaled up by ``CONTRAST_REF / c``."""
MAX_CONTRAST_GAIN = 3.0
"""At most this much: a nearly flat picture's noise must not be scaled into cuts."""

CAMERA_JERK_SHARE = 0.3
"""A step whose new picture the previous one, shifted, matches this well (residual relative to
the unmoved residual) is the camera moving, not a cut."""

_THUMB_VALUES = THUMB_SIZE[0] * THUMB_SIZE[1] * 3
_CHANNEL_OFFSETS = np.array([0, 256, 512], np.int32)


class ShotDetector:
    """Takes frames one by one (``add``); ``finish`` returns all cuts and transitions.

    autocut feeds it from its own analysis pass through ``add`` with true frame times;
    :class:`editor.analysis.pyscenedetect.StepDetector` runs it under PySceneDetect.

    Every decision looks at a few frames around it (a step test, half a second back for
    returns, the shortest shot, the longest blend), so frames :data:`SETTLE_SECONDS` behind
    the newest are decided for good. They are decided as the frames come, every
    :data:`DECIDE_EVERY_SECONDS`, on a window reaching :data:`WINDOW_SECONDS` behind the first
    undecided frame, and the thumbnails behind that window are let go: memory and the cost
    of a decision stay the same whatever the file's length.
    """

    def __init__(self) -> None:
        self._lab = Rows(_THUMB_VALUES, np.uint8)
        self._bgr = Rows(_THUMB_VALUES, np.uint8)
        self._hist = Rows(3 * HIST_BINS, np.float32)
        self._flat = Rows(1, np.float64)
        self._times = Rows(1, np.float64)
        self._cuts: list[int] = []
        self._transitions: list[Transition] = []
        self._decided = 0
        self._next_decision = 0

    def add(self, image: np.ndarray, time: float) -> None:
        """Take the next frame (BGR) shown at ``time`` seconds."""
        small = cv2.resize(image, FLAT_SIZE, interpolation=cv2.INTER_AREA)
        thumb = cv2.resize(small, THUMB_SIZE, interpolation=cv2.INTER_AREA)
        self._bgr.add(thumb.reshape(-1))
        self._lab.add(cv2.cvtColor(thumb, cv2.COLOR_BGR2LAB).reshape(-1))
        lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).reshape(-1, 3)
        counts = channel_counts(lab)
        self._hist.add(colour_histogram(counts))
        self._flat.add(flat_share(lab, counts))
        self._times.add(time)
        if len(self._times) >= self._next_decision:
            self._decide_settled()

    def settled(self, since: int) -> tuple[list[int], list[Transition], int]:
        """Cuts and transitions from frame ``since`` on that later frames can no longer change,
        and the frame up to which that holds. :meth:`finish` gives the same ones."""
        self._decide_settled()
        cuts = [c for c in self._cuts if c >= since]
        transitions = [t for t in self._transitions if t.end_frame >= since]
        return cuts, transitions, max(since, self._decided)

    def finish(self) -> tuple[list[int], list[Transition]]:
        """Hard cuts (first frames of new shots) and gradual transitions of all frames added."""
        self._decide(len(self._times), self._fps())
        return list(self._cuts), list(self._transitions)

    def _decide_settled(self) -> None:
        fps = self._fps()
        self._decide(len(self._times) - round(SETTLE_SECONDS * fps), fps)
        self._next_decision = len(self._times) + max(1, round(DECIDE_EVERY_SECONDS * fps))

    def _fps(self) -> float:
        return fps_from_times(self._times.since(len(self._times) - 64)[:, 0])

    def _decide(self, horizon: int, fps: float) -> None:
        """Decide the frames from the first undecided one up to ``horizon`` (exclusive)."""
        since = self._decided
        if horizon <= since:
            return
        first = max(self._times.first, since - round(WINDOW_SECONDS * fps))
        lab = self._lab.since(first).astype(np.float32)
        bgr = self._bgr.since(first).astype(np.float32)
        times = self._times.since(first)[:, 0].copy()
        hist = self._hist.since(first)
        flat = self._flat.since(first)[:, 0] >= FLAT_SHARE
        scores = cut_scores(lab, hist, flat, max(2, round(RETURN_SECONDS * fps)))
        scores = without_camera_jerks(scores, bgr)
        local = pick_cuts(scores, times, CUT_THRESHOLD, MIN_SHOT_SECONDS)
        self._cuts += [first + c for c in local if since <= first + c < horizon]
        self._transitions += [
            Transition(t.kind, first + t.start_frame, first + t.end_frame, t.start, t.end)
            for t in find_transitions(bgr, flat, times, local)
            if since <= first + t.end_frame < horizon
        ]
        self._decided = horizon
        keep = horizon - round(WINDOW_SECONDS * fps)
        for rows in (self._lab, self._bgr, self._hist, self._flat, self._times):
            rows.drop_before(keep)


def cut_scores(lab: np.ndarray, hist: np.ndarray, flat: np.ndarray, back: int) -> np.ndarray:
    """Step score per frame (see module docstring); 0 for frame 0. ``lab``: thumbnails,
    ``hist``: colour distributions (:func:`colour_histogram`), ``flat``: flat-field flags, one
    row per frame; ``back``: frames in ``RETURN_SECONDS``."""
    n = len(lab)
    last = n - 1

    def pairs(rows: np.ndarray, offset: int, shift: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Rows i + shift - offset and i + shift for every i, indices clamped to the clip."""
        idx = np.arange(n) + shift
        return rows[np.clip(idx - offset, 0, last)], rows[np.clip(idx, 0, last)]

    def dist(offset: int, shift: int = 0) -> np.ndarray:
        a, b = pairs(lab, offset, shift)
        return np.abs(b - a).mean(axis=1)

    def hist_dist(offset: int, shift: int = 0) -> np.ndarray:
        a, b = pairs(hist, offset, shift)
        return np.abs(b - a).sum(axis=1) / 6

    cross_pairs = ((1, 0), (2, 1), (3, 2), (4, 3), (2, 0), (3, 1))
    # (i-1, i), (i-1, i+1), (i-1, i+2), (i-1, i+3), (i-2, i), (i-2, i+1)
    neighbours = ((1, -1), (1, 1), (1, 2))  # the steps into i-1, i+1 and i+2
    cross = np.minimum.reduce([dist(*p) for p in cross_pairs])
    within = np.maximum.reduce([dist(*p) for p in neighbours])
    score = cross - 0.5 * within
    seen = np.full(n, np.inf)  # closest pair of pictures on the two sides, within `back`
    for gap in range(2, back + 1):
        pair = np.where(np.arange(n) >= gap, dist(gap), np.inf)  # frames (j - gap, j)
        for ahead in range(min(gap, n)):  # the later picture `ahead` frames after the step
            seen[: n - ahead] = np.minimum(seen[: n - ahead], pair[ahead:])
    returned = seen < 0.5 * dist(1)
    score = np.where(returned, np.minimum(score, seen), score)
    both_flat = flat & np.roll(flat, 1)
    score = np.where(both_flat, np.minimum(score, 0.0), score)
    gain = contrast_gain(lab)
    score = score * gain
    step = dist(1) * gain
    around = within * gain
    for offset in range(2, min(back, n - 1) + 1):
        around[:-offset] = np.maximum(around[:-offset], step[offset:])
        around[offset:] = np.maximum(around[offset:], step[:-offset])
    alone = cross * gain >= ISOLATION_RATIO * (around + ISOLATION_FLOOR)
    hist_cross = np.minimum.reduce([hist_dist(*p) for p in cross_pairs])
    hist_within = np.maximum.reduce([hist_dist(*p) for p in neighbours])
    recoloured = (hist_cross >= HIST_MIN) & (
        hist_cross >= ISOLATION_RATIO * (hist_within + HIST_FLOOR)
    )
    lone = (score >= ISOLATED_MIN) & (alone | recoloured) & ~returned & ~both_flat
    score = np.where(lone, np.maximum(score, CUT_THRESHOLD), score)
    score[0] = 0.0
    return score


def channel_counts(lab: np.ndarray) -> np.ndarray:
    """How many pixels (rows of L, a, b values, 0-255) take each value, per channel:
    ``(3, 256)``. The colour distribution and the median colour both come from it."""
    values = np.asarray(lab).reshape(-1, 3).astype(np.int32) + _CHANNEL_OFFSETS
    return np.bincount(values.reshape(-1), minlength=3 * 256).reshape(3, 256)


def colour_histogram(counts: np.ndarray) -> np.ndarray:
    """Share of the pixels in each of ``HIST_BINS`` bins per channel, channels one after
    another, from :func:`channel_counts`."""
    binned = counts.reshape(3, HIST_BINS, -1).sum(axis=2).reshape(-1)
    return binned.astype(np.float32) / max(1, int(counts[0].sum()))


def flat_share(lab: np.ndarray, counts: np.ndarray) -> float:
    """Share of the pixels of ``lab`` (rows of L, a, b) within ``FLAT_DISTANCE`` (summed over
    the channels) of the picture's median colour; ``counts`` from :func:`channel_counts`."""
    below = np.cumsum(counts, axis=1)
    n = int(below[0, -1])
    # In doubled units, where the median (a whole or half value) is a whole number.
    twice_median = (below <= (n - 1) // 2).sum(axis=1) + (below <= n // 2).sum(axis=1)
    twice = np.asarray(lab).reshape(-1, 3).astype(np.int16) * 2
    off = np.abs(twice - twice_median.astype(np.int16))
    distance = off[:, 0] + off[:, 1] + off[:, 2]
    return float(np.count_nonzero(distance < 2 * FLAT_DISTANCE)) / max(1, n)


def contrast_gain(lab: np.ndarray) -> np.ndarray:
    """Per frame ``i``, the scale for the step from ``i - 1`` to ``i``: ``CONTRAST_REF`` over the
    larger contrast of the two pictures, between 1 and ``MAX_CONTRAST_GAIN``."""
    lightness = lab[:, 0::3].astype(np.float32)
    contrast = np.abs(lightness - lightness.mean(axis=1, keepdims=True)).mean(axis=1)
    sides = np.maximum(contrast, np.roll(contrast, 1))
    return np.clip(CONTRAST_REF / np.maximum(sides, 1e-3), 1.0, MAX_CONTRAST_GAIN)


def without_camera_jerks(scores: np.ndarray, thumbs: np.ndarray) -> np.ndarray:
    """``scores`` with every cut whose new picture is the previous one shifted set to 0: a
    handheld camera that jerks, or whips, moves the whole picture in one frame, a cut brings
    another (:func:`editor.analysis.moved.shifted_residual` below ``CAMERA_JERK_SHARE``). A
    change of scale is left a cut: a zoom lens moves smoothly, while a cut to a closer view
    of the same set is an edit. Only frames that score a cut are checked."""
    out = np.array(scores, dtype=float)
    for i in np.flatnonzero(out >= CUT_THRESHOLD):
        if i > 0 and shifted_residual(thumbs[i - 1], thumbs[i]) < CAMERA_JERK_SHARE:
            out[i] = 0.0
    return out


def pick_cuts(
    scores: np.ndarray, times: np.ndarray, threshold: float, min_shot: float
) -> list[int]:
    """Frames scoring above ``threshold``, strongest first, at least ``min_shot`` s apart."""
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] < threshold:
            break
        if all(abs(times[i] - times[c]) >= min_shot for c in chosen):
            chosen.append(int(i))
    return sorted(chosen)
