"""Gradual transitions: fades, dissolves and wipes, found on the 16x9 BGR thumbnails of
:mod:`editor.analysis.scenes`.

What they have in common: between the last frame of the old picture (``b``) and the first
frame of the new one (``a``), every cell of the thumbnail moves once, monotonically, from its
old value to its new one. The path the picture takes is then as long as the straight line
from old to new (in L1 over the cells), whereas motion wanders: a cell's value goes up and
down. So candidates are spans ``(b, a)`` whose change is large, covers much of the picture
and is *straight* (chord over path length, both summed over the frames' cells), with no cut
inside. The strongest candidate wins its neighbourhood; its ends are moved frame by frame to
where the change is largest for the least wandering.

Each candidate is then fitted by two models of how the cells move:

- a blend, one weight per frame for the whole picture (``(1 - w) * old + w * new``): a
  dissolve, or a fade when one side is a flat field (black, white, a colour);
- a wipe, a boundary sweeping across the picture: each cell switches at its own time, and
  the times lie on a plane over the picture (any direction, diagonals too), with a soft or
  hard edge.

A candidate neither model explains is not a transition. Nor is one between two pictures that
leaves much of the picture as it was (a dissolve or a wipe replaces it; someone leaving a still
close-up, or a change of exposure, changes part of it strongly or all of it slightly), nor one
whose new picture is the old one relit (most of it a per-channel gain and offset of the old, a
gain that is not a fade's: an exposure change) or moved (the old one shifted or scaled matches
it far better, :mod:`editor.analysis.moved`: a pan or zoom over a soft picture blends like a
dissolve on the thumbnail), one whose pictures come back right after or were there just
before (a passer-by close to the lens, a whip pan), a blend made mostly in one frame (a
flash), or a fade to a flat field and back to the same picture (a flare, an overexposed
moment).

A transition joins two pictures that each hold still-ish around it; motion goes on before and
after. So a span whose pictures both keep changing, just before and just after it, at half
its own pace is motion (a moving close-up, a pan), and is dropped before any model is fitted:
in footage that moves all the time this is what keeps the cost down. The costly wipe edge
fit also waits until the cells' switch times are seen to lie near a plane.

The thresholds were set on the tune part of the spliced stress set (``fixtures.stress``) and
on real clips without transitions (close-ups of the sample footage among them, and 43 minutes
of random close-ups of the tune part's single shots, where the rule on how much of the picture
changes took false transitions from 2.5 to 0.5 per 10 minutes with every labelled one still
found), and checked on its held-out part."""

from __future__ import annotations

import numpy as np

from editor.analysis.model import Transition
from editor.analysis.moved import moved_residual

MIN_CHANGE = 20.0
"""A transition changes the picture by at least this much (mean absolute BGR difference)."""
MIN_AREA = 0.4
"""... over at least this share of the picture (values changing by more than 10)."""
WIDE_CHANGE = 30.0
WIDE_SHARE = 0.5
"""Between two pictures (neither a flat field), at least this share of the thumbnail's cells
changes by more than ``WIDE_CHANGE`` (root mean square over B, G, R): a dissolve or a wipe
replaces the picture. A person crossing a still view close to the lens changes part of it
strongly and the rest not at all; a change of exposure changes all of it slightly."""
SECONDS = (0.2, 2.5)
"""Shortest and longest transition."""
MIN_STRAIGHT = 0.7
"""A candidate's change is at least this share of the path its frames take."""
WANDER_COST = 1.5
"""How much a frame of wandering (path beyond the straight line) costs against change when
a candidate's ends are placed."""
MAX_BLEND_RESIDUAL = 0.15
"""How far in-between frames may stray from a straight blend, relative to the change."""
MAX_BLEND_STEP = 0.5
"""No frame of a blend makes more than this share of its change: more is a step (a flash,
a cut) with the picture merely drifting around it."""
MAX_WIPE_RESIDUAL = 0.2
"""... from a sweeping boundary."""
MAX_PLANE_STRAY = 0.35
"""A wipe's cells switch within this share of its sweep (root mean square, weighted by the
cells' change) of the plane fitted to their switch times; checked before the edge is fitted,
which is the costly part: moving pictures mostly fail it."""
WIPE_EDGES = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0)
"""Edge softness tried for a wipe: frames a cell takes to switch."""
RELIT_SHARE = 0.6
"""A new picture that is a gain and offset of the old one over this share of it ..."""
RELIT_GAIN = 0.5
"""... with a gain between this and its inverse is the old picture relit, not a new one (a
fade's gain is near 0 or very large)."""
RETURN_SHARE = 0.6
"""Neither picture may come this close (relative to the change) to the other side's."""
HOLD_SECONDS = 0.2
"""How far before and after a candidate the picture is watched for motion; ..."""
HOLD_SHARE = 0.5
"""... a candidate whose pictures both keep changing at this share of its own pace (change
per frame) is motion going on through it, not a transition between two pictures."""
MOVED_SHARE = 0.5
"""A new picture that the old one, shifted or scaled, matches this much better (mean
residual relative to the change) than unmoved is the old picture moved: a pan or a zoom."""
SAME_PICTURE = 0.3
"""A fade out and in whose outer pictures differ by less than this share of the fade-out's
change goes back to the same picture."""

_CELLS = (16, 9)
_gx, _gy = np.meshgrid(
    (np.arange(_CELLS[0]) + 0.5) / _CELLS[0], (np.arange(_CELLS[1]) + 0.5) / _CELLS[1]
)
_PLANE = np.c_[np.ones(_gx.size), _gx.ravel(), _gy.ravel()]
"""Per cell: 1, x, y (fractions of the width and height): a wipe's switch times are a
linear function of these."""


def find_transitions(
    bgr: np.ndarray, flat: np.ndarray, times: np.ndarray, cuts: list[int]
) -> list[Transition]:
    """Fades, dissolves and wipes of (n, 432) 16x9 BGR thumbnails (module docstring).

    ``flat`` marks flat frames, ``cuts`` the first frames of new shots (no transition spans
    one)."""
    n = len(bgr)
    fps = fps_from_times(times)
    shortest = max(3, round(SECONDS[0] * fps))
    longest = max(shortest + 1, round(SECONDS[1] * fps))
    path = np.r_[0.0, np.cumsum(np.abs(np.diff(bgr, axis=0)).sum(axis=1))]
    cut_before = np.r_[0, np.cumsum(np.bincount(np.asarray(cuts, int), minlength=n)[:n])]

    def clean(b: int, a: int) -> bool:
        """No cut at frames b + 1 .. a."""
        return cut_before[a + 1] == cut_before[b + 1]

    def placement(b: int, a: int) -> float:
        if b < 0 or a >= n or not 2 <= a - b <= longest + 1 or not clean(b, a):
            return -np.inf
        chord = float(np.abs(bgr[a] - bgr[b]).sum())
        return chord - WANDER_COST * (path[a] - path[b] - chord)

    motion = _motion_table(bgr, max(2, round(HOLD_SECONDS * fps)))
    cut_at = np.zeros(n + 1, bool)
    cut_at[[c for c in cuts if 0 < c < n]] = True
    shot_start = np.maximum.accumulate(np.where(cut_at[:n], np.arange(n), 0))
    shot_end = np.minimum.accumulate(np.where(cut_at[1:], np.arange(n), n - 1)[::-1])[::-1]
    bounds = (shot_start, shot_end)
    found: list[tuple[int, int, str, int, int]] = []
    settled: dict[tuple[int, int], tuple[int, int]] = {}
    tried: set[tuple[int, int]] = set()
    for _, b, a in _candidates(bgr, path, clean, (shortest + 1, longest + 1), motion, flat, bounds):
        if any(b < t[1] and a > t[0] for t in found):
            continue
        b, a = _settle(placement, b, a, settled)
        if (b, a) in tried or any(b < t[1] and a > t[0] for t in found):
            continue
        tried.add((b, a))
        lo = max([shot_start[b], *(t[1] for t in found if t[1] <= b)])
        hi = min([shot_end[a], *(t[0] for t in found if t[0] >= a)])
        pace = float(np.abs(bgr[a] - bgr[b]).mean()) / (a - b)
        if _keeps_moving(motion, flat, np.array([b]), np.array([a]), (lo, hi), pace)[0]:
            continue
        fit = _classify(bgr, flat, b, a, shortest)
        if fit is not None:
            found.append((b, a, *fit))
    found = _drop_returns(sorted(found), bgr, flat, round(0.5 * fps))
    return [
        Transition(kind, first, last, float(times[first]), end_time(times, last))
        for _, _, kind, first, last in found
    ]


def _candidates(bgr, path, clean, lengths, motion, flat, bounds) -> list[tuple[float, int, int]]:
    """Spans ``(b, a)`` with a large, wide, straight change and no cut, whose pictures do not
    both keep moving (:func:`_keeps_moving`, within the shots ``bounds``: first and last
    frame of the shot of every frame), strongest first. ``lengths``: shortest and longest."""
    n, values = bgr.shape
    found = []
    for length in _lengths(lengths[0], min(lengths[1], n - 1)):
        diff = np.abs(bgr[length:] - bgr[:-length])
        chord = diff.sum(axis=1)
        travel = path[length:n] - path[: n - length]
        ok = (chord >= MIN_CHANGE * values) & ((diff > 10).mean(axis=1) >= MIN_AREA)
        ok &= chord >= MIN_STRAIGHT * travel
        starts = np.flatnonzero(ok)
        ends = starts + length
        shot = (bounds[0][starts], bounds[1][ends])
        keep = ~_keeps_moving(motion, flat, starts, ends, shot, chord[starts] / values / length)
        for b, a in zip(starts[keep].tolist(), ends[keep].tolist()):
            if clean(b, a):
                score = chord[b] - WANDER_COST * (travel[b] - chord[b])
                found.append((float(score), b, a))
    return sorted(found, reverse=True)


def _lengths(shortest: int, longest: int) -> list[int]:
    """Span lengths tried, about 12 % apart: the best ends are found by :func:`_settle`."""
    out, length = [], shortest
    while length < longest:
        out.append(length)
        length = max(length + 1, round(length * 1.12))
    return [*out, longest] if longest >= shortest else out


def _settle(placement, b: int, a: int, settled: dict) -> tuple[int, int]:
    """Move the ends of ``(b, a)`` one frame at a time while ``placement`` improves.
    ``settled`` remembers where every span passed on the way ends up: neighbouring
    candidates mostly climb to the same ends."""
    visited = []
    best = placement(b, a)
    while (b, a) not in settled:
        visited.append((b, a))
        moves = [(placement(b + db, a + da), b + db, a + da) for db, da in _MOVES]
        score, nb, na = max(moves)
        if score <= best:
            settled[b, a] = (b, a)
            break
        best, b, a = score, nb, na
    end = settled[b, a]
    settled.update(dict.fromkeys(visited, end))
    return end


_MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _classify(
    bgr: np.ndarray, flat: np.ndarray, b: int, a: int, shortest: int
) -> tuple[str, int, int] | None:
    """``(kind, first, last)`` of the transition from frame ``b`` to frame ``a``, or None.
    Cheap tests come first: most candidates in moving footage fail one of them."""
    old, new = bgr[b], bgr[a]
    change = new - old
    size = float(np.abs(change).mean())
    if size < MIN_CHANGE or (np.abs(change) > 10).mean() < MIN_AREA:
        return None
    if not (flat[a] or flat[b]) and wide_share(change) < WIDE_SHARE:
        return None
    between = bgr[b + 1 : a] - old
    weights = between @ change / float(change @ change)
    blend = float(np.abs(between - np.outer(weights, change)).mean()) / size
    steps = np.diff(np.r_[0.0, weights, 1.0])
    if blend <= MAX_BLEND_RESIDUAL and steps.min() > -0.08 and steps.max() <= MAX_BLEND_STEP:
        moving = np.flatnonzero((weights > 0.02) & (weights < 0.98))
        if moving.size == 0:
            return None
        first, last = b + 1 + int(moving[0]), b + 1 + int(moving[-1])
        kind = "fade" if flat[b] or flat[a] else "dissolve"
    elif _is_wipe(between, change, size, blend):
        first, last, kind = b + 1, a - 1, "wipe"
    else:
        return None
    if last - first + 1 < shortest:
        return None
    if not (flat[a] or flat[b]) and _returns(bgr, b, a, last - first + 1):
        return None
    share, gain = _relit(old, new)
    if share >= RELIT_SHARE:
        if RELIT_GAIN <= gain <= 1 / RELIT_GAIN:
            return None
        if kind == "dissolve":
            kind = "fade"  # toward or from black or white, short of a flat field
    if not (flat[a] or flat[b]) and moved_residual(old, new) < MOVED_SHARE:
        return None
    return kind, first, last


def wide_share(change: np.ndarray) -> float:
    """Share of the thumbnail's cells whose colour changes by more than ``WIDE_CHANGE`` (root
    mean square over the channels) in ``change`` (new minus old, cells' B, G, R in a row)."""
    cells = change.reshape(-1, 3)
    return float((np.sqrt((cells**2).mean(axis=1)) > WIDE_CHANGE).mean())


def _keeps_moving(motion, flat, b: np.ndarray, a: np.ndarray, shot, pace) -> np.ndarray:
    """For spans from frames ``b`` to frames ``a``: whether the picture changes just before
    ``b`` and just after ``a`` (over up to the frames of ``motion``, within the frames
    ``shot`` = (first, last) that no cut or other transition splits) at a rate of at least
    ``HOLD_SHARE`` of the span's ``pace`` (mean change per frame). A flat side, or one with
    under two frames to watch before a cut or another transition, holds; at the clip's ends
    nothing is known, and the other side decides."""
    hold, last = len(motion) - 1, motion.shape[1] - 1
    before = np.minimum(np.minimum(hold, b - shot[0]), a - b)
    after = np.minimum(np.minimum(hold, shot[1] - a), a - b)
    rate_before = motion[before, b] / np.maximum(before, 1)
    rate_after = motion[after, a + after] / np.maximum(after, 1)
    unknown_before = (before < 2) & (shot[0] == 0)
    unknown_after = (after < 2) & (shot[1] == last)
    moving_before = np.where(unknown_before, ~unknown_after, before >= 2)
    moving_before &= unknown_before | (rate_before >= HOLD_SHARE * pace)
    moving_after = np.where(unknown_after, ~unknown_before, after >= 2)
    moving_after &= unknown_after | (rate_after >= HOLD_SHARE * pace)
    return moving_before & moving_after & ~flat[b] & ~flat[a]


def _motion_table(bgr: np.ndarray, frames: int) -> np.ndarray:
    """``(frames + 1, n)``: row m, column i holds the mean absolute difference between
    frames i - m and i (0 where i < m)."""
    table = np.zeros((frames + 1, len(bgr)))
    for m in range(1, min(frames, len(bgr) - 1) + 1):
        table[m, m:] = np.abs(bgr[m:] - bgr[:-m]).mean(axis=1)
    return table


def _is_wipe(between: np.ndarray, change: np.ndarray, size: float, blend: float) -> bool:
    """Whether the frames ``between`` (minus the old picture) are a boundary sweeping across
    it: each cell switches once, at a time that is a plane over the picture, much better
    than one blend weight explains them (``blend``: that residual)."""
    frames = len(between)
    step = change.reshape(-1, 3)
    cells = between.reshape(frames, -1, 3)
    norm = (step**2).sum(axis=1)
    weight = np.einsum("tcj,cj->tc", cells, step) / np.maximum(norm, 1e-6)
    switch = (1 - np.clip(weight, 0, 1)).sum(axis=0)  # frames before each cell switches
    strength = np.sqrt(norm) * (np.sqrt(norm / 3) > 10)
    coef, *_ = np.linalg.lstsq(_PLANE * strength[:, None], switch * strength, rcond=None)
    sweep = abs(coef[1]) + abs(coef[2])  # frames the boundary takes across the picture
    if sweep < 2.0:
        return False
    planned = (_PLANE @ coef).astype(np.float32)
    stray = np.sqrt(((switch - planned) ** 2 * strength).sum() / max(strength.sum(), 1e-6))
    if stray > MAX_PLANE_STRAY * sweep:
        return False
    t = np.arange(frames, dtype=np.float32)[:, None] + 0.5
    edges = np.array(WIPE_EDGES, np.float32)[:, None, None]
    shown = np.clip((t - planned) / edges + 0.5, 0, 1)  # (edges, frames, cells)
    # The edge is picked on the cells' weights (cheap), the fit judged on their colours.
    best = int(np.argmin((np.abs(shown - weight) @ strength).sum(axis=1)))
    misses = shown[best][..., None] * step
    misses -= cells
    residual = float(np.abs(misses, out=misses).mean()) / size
    return residual <= MAX_WIPE_RESIDUAL and sweep >= WIPE_EDGES[best] and residual < 0.7 * blend


def _returns(bgr: np.ndarray, b: int, a: int, span: int) -> bool:
    """Whether, within ``span`` frames, the new picture goes back toward the old one or the
    old one was near the new one just before."""
    size = float(np.abs(bgr[a] - bgr[b]).mean())
    after = bgr[a + 1 : a + 1 + span]
    before = bgr[max(0, b - span) : b]
    near_old = np.abs(after - bgr[b]).mean(axis=1) < RETURN_SHARE * size
    near_new = np.abs(before - bgr[a]).mean(axis=1) < RETURN_SHARE * size
    return bool(near_old.any() or near_new.any())


def _relit(old: np.ndarray, new: np.ndarray, tolerance: float = 8.0) -> tuple[float, float]:
    """Share of the picture where ``new`` is a per-channel gain and offset of ``old`` (fitted
    on the better half of the cells, three times), and the mean gain."""
    x, y = old.reshape(-1, 3), new.reshape(-1, 3)
    keep = np.ones(len(x), bool)
    for _ in range(3):
        miss, gains = np.zeros(len(x)), []
        for k in range(3):
            design = np.c_[x[:, k], np.ones(len(x))]
            coef, *_ = np.linalg.lstsq(design[keep], y[keep, k], rcond=None)
            miss += np.abs(y[:, k] - design @ coef) / 3
            gains.append(float(coef[0]))
        keep = miss <= np.median(miss)
    return float((miss < tolerance).mean()), float(np.mean(gains))


def _drop_returns(found: list, bgr: np.ndarray, flat: np.ndarray, gap: int) -> list:
    """Without fades to a flat field and back (within ``gap`` frames) to the same picture."""
    drop: set[int] = set()
    for i, (b1, a1, *_) in enumerate(found):
        if not flat[a1] or flat[b1]:
            continue
        for j in range(i + 1, len(found)):
            b2, a2 = found[j][:2]
            if b2 - a1 > gap:
                break
            if flat[b2] and not flat[a2]:
                apart = np.abs(bgr[a2] - bgr[b1]).mean()
                if apart < SAME_PICTURE * np.abs(bgr[a1] - bgr[b1]).mean():
                    drop.update((i, j))
                break
    return [t for i, t in enumerate(found) if i not in drop]


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
