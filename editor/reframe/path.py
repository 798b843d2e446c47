"""The virtual camera path of one shot: where the 9:16 window's left edge sits on each frame.

The window has the source's full height, so only its left edge ``x`` moves, within
``[0, W - w]``. For each frame the planner gets a *corridor* ``lo <= x <= hi`` (every ``x`` in
it keeps the subject box inside the window; NaN where no subject is known) and a *preferred*
``x`` (``want``; NaN where there is none). The path is planned offline with full look-ahead.

Method: L1-optimal camera paths (Grundmann, Kwatra and Essa, CVPR 2011). The path minimises

    w1 * |D1 x| + w2 * |D2 x| + w3 * |D3 x| + w_want * |x - want| + w_out * (corridor excess)

as one linear programme (HiGHS through :func:`scipy.optimize.linprog`). L1 norms of the
derivatives are sparse at the optimum, so the path is a chain of static, constant-speed and
constant-acceleration pieces: it holds, eases in, pans and eases out the way a camera operator
does, instead of drifting with every detector wobble as least-squares smoothing would.

Decisions:

- The speed cap ``|D1 x| <= max_step * W`` is a hard bound (no jump on any frame); the corridor
  is soft with a large exact-penalty weight, so it holds wherever the cap allows it and, where
  the subject moves faster than the camera may, the path lags as little as possible instead of
  failing.
- When the subject is wider than the window (``lo > hi``) no window contains it; every ``x`` in
  ``[hi, lo]`` keeps the window wholly on the subject, so that swapped interval is the
  corridor and ``want`` picks the point within it.
- A shot whose corridors all share one point is *stationary*: the camera does not move at all
  (:func:`is_stationary`); this skips the programme and is how most shots are framed.
- Frames without a subject only feel smoothness and the ``[0, W - w]`` bounds, so the L1 terms
  hold the camera still there.
- A move is never followed by a move the other way within one second. The programme cannot
  say this directly, so when its first solution reverses too soon it is solved again with
  every step's direction fixed and a one-second hold at each reversal. This rule wins over
  the corridor: a subject jittering in a corridor a few pixels wide may poke out by the
  jitter rather than make the camera shake.
- Long shots are solved on at most ``max_knots`` evenly spaced frames and interpolated
  linearly; each knot's corridor is the intersection of the corridors up to its neighbours,
  so the interpolated path keeps the corridor (and the cap) on every frame. Planning time
  stays about 0.1 s a shot whatever its length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from editor.reframe.motion_metrics import STATIC_STEP_PX


@dataclass(frozen=True)
class CameraStyle:
    """How the virtual operator trades stillness, smoothness and framing.

    Weights are per pixel of the source (the programme is solved in pixels). ``w3`` dominates
    so that speed changes are gentle ramps, as in Grundmann et al.; ``w_want`` is small so the
    preferred point only decides where the camera rests, never makes it chase a wobbling
    target; ``w_out`` is far above the cost of any move, so the corridor is exact wherever the
    speed cap allows.
    """

    max_step: float = 0.0049
    """Speed cap as a share of the source width per frame (just under the 0.5 % rule, so
    solver tolerances can never cross it)."""
    w1: float = 10.0
    w2: float = 1.0
    w3: float = 100.0
    w_want: float = 0.05
    w_out: float = 5000.0
    max_knots: int = 360
    """Longest programme solved: longer shots are planned on evenly spaced knot frames and
    interpolated, which keeps planning time flat (about 0.1-0.3 s a shot on one core)."""


def corridor_from_boxes(
    box_left: np.ndarray, box_right: np.ndarray, window_w: float, src_w: float
) -> tuple[np.ndarray, np.ndarray]:
    """The corridor ``(lo, hi)`` of window left edges that keep ``[box_left, box_right]`` inside.

    ``lo = box_right - window_w`` and ``hi = box_left``, both clipped to ``[0, src_w - window_w]``.
    NaN boxes give NaN corridors; a box wider than the window gives ``lo > hi`` (empty).
    """
    top = float(src_w - window_w)
    lo = np.clip(np.asarray(box_right, float) - window_w, 0.0, top)
    hi = np.clip(np.asarray(box_left, float), 0.0, top)
    return lo, hi


def is_stationary(lo: np.ndarray, hi: np.ndarray, tol: float = 1e-6) -> bool:
    """True when one fixed ``x`` lies in every known corridor of the shot.

    NaN frames constrain nothing; empty corridors (subject wider than the window) count as
    their swapped interval, as in :func:`plan_path`. A shot with no subject at all is
    stationary.
    """
    a, b = _ordered(np.asarray(lo, float), np.asarray(hi, float))
    known = ~(np.isnan(a) | np.isnan(b))
    if not known.any():
        return True
    return bool(a[known].max() <= b[known].min() + tol)


def plan_path(
    lo: np.ndarray,
    hi: np.ndarray,
    want: np.ndarray,
    src_w: float,
    window_w: float,
    fps: float,
    style: CameraStyle = CameraStyle(),
) -> np.ndarray:
    """The window's left edge on every frame of one shot (float source pixels).

    ``lo``, ``hi`` and ``want`` have one value per frame (NaN where unknown). The result lies in
    ``[0, src_w - window_w]``, never moves more than ``style.max_step * src_w`` between frames,
    never reverses direction within one second (``fps`` frames), and keeps the subject inside
    wherever the speed cap allows. The caller plans each shot separately: a path never pans
    across a cut.
    """
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    want = np.asarray(want, float)
    n = lo.size
    if not (hi.size == n and want.size == n):
        raise ValueError("lo, hi and want must have one value per frame")
    top = float(src_w - window_w)
    if n == 0:
        return np.zeros(0)
    if top <= 0:
        return np.zeros(n)
    a, b = _ordered(np.clip(lo, 0.0, top), np.clip(hi, 0.0, top))
    want = np.clip(want, 0.0, top)
    if is_stationary(a, b):
        return np.full(n, _resting_point(a, b, want, top))
    knots = _knots(n, style.max_knots)
    ka, kb = _knot_corridor(a, b, knots)
    problem = _Problem(
        lo=ka,
        hi=kb,
        want=want[knots],
        spacing=np.diff(knots).astype(float),
        top=top,
        cap=float(src_w) * style.max_step,
        style=style,
    )
    xk = _solve(problem)
    gap = math.ceil(fps / float(np.diff(knots).min())) if n > 1 else 1
    signs = _direction_plan(np.diff(xk), gap)
    if signs is not None:
        xk = _solve(problem, signs)
    return np.clip(np.interp(np.arange(n), knots, xk), 0.0, top)


def _ordered(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corridors with empty ones replaced by their swapped interval (NaN stays NaN)."""
    return np.minimum(lo, hi), np.maximum(lo, hi)


def _resting_point(a: np.ndarray, b: np.ndarray, want: np.ndarray, top: float) -> float:
    """Where a stationary camera rests: the median preference (the L1-best constant), moved
    into the common corridor; the corridor's middle when nothing is preferred."""
    known = ~(np.isnan(a) | np.isnan(b))
    floor = float(a[known].max()) if known.any() else 0.0
    ceil = float(b[known].min()) if known.any() else top
    ceil = max(floor, ceil)
    wanted = want[~np.isnan(want)]
    point = float(np.median(wanted)) if wanted.size else (floor + ceil) / 2
    return float(np.clip(point, floor, ceil))


def _knots(n: int, max_knots: int) -> np.ndarray:
    """Frames the programme solves for: every frame, or evenly spaced ones for long shots.

    The first and last frame are always knots; between knots the path is linear.
    """
    count = min(n, max(4, max_knots))
    return np.unique(np.round(np.linspace(0, n - 1, count)).astype(int))


def _knot_corridor(
    a: np.ndarray, b: np.ndarray, knots: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Corridors at the knots that make the interpolated path safe on every frame.

    A frame between two knots gets a blend of their positions, so each knot must lie in the
    corridors of every frame up to its neighbouring knots. Where the subject moves too fast
    for that, the interval comes out crossed (``lo > hi``); the soft corridor then settles on
    its middle, the smallest worst miss. On every-frame knots the corridor is used as is.
    """
    if knots.size == a.size:
        return a, b
    ends = knots[1:]
    with np.errstate(invalid="ignore"):
        seg_lo = np.fmax(np.fmax.reduceat(a, knots[:-1]), a[ends])
        seg_hi = np.fmin(np.fmin.reduceat(b, knots[:-1]), b[ends])
    lo = np.fmax(np.concatenate([seg_lo, [np.nan]]), np.concatenate([[np.nan], seg_lo]))
    hi = np.fmin(np.concatenate([seg_hi, [np.nan]]), np.concatenate([[np.nan], seg_hi]))
    return lo, hi


@dataclass(frozen=True)
class _Problem:
    """One shot's programme on its knots (corridors may be crossed or NaN)."""

    lo: np.ndarray
    hi: np.ndarray
    want: np.ndarray
    spacing: np.ndarray
    """Frames between consecutive knots (all 1 when every frame is a knot)."""
    top: float
    cap: float
    """Speed cap in pixels per frame."""
    style: CameraStyle


def _diff_matrix(n: int, order: int) -> sp.csr_matrix:
    """The ``order``-th forward difference as an ``(n - order) x n`` sparse matrix."""
    d = sp.identity(n, format="csr")
    for _ in range(order):
        d = d[1:] - d[:-1]
    return d.tocsr()


def _solve(problem: _Problem, signs: np.ndarray | None = None) -> np.ndarray:
    """Solve the L1 programme for the knot positions.

    Variables: ``x`` and one slack per absolute value (``e1..e3`` for the differences, ``s``
    for corridor excess, ``p`` for distance from the preference). Knot differences are
    weighted so that the objective approximates the per-frame one whatever the knot spacing:
    on spacing ``k`` a knot difference of order ``j`` is ``k**j`` frame differences summed
    over ``1/k`` as many terms. ``signs`` (one per knot step: +1, -1 or 0) fixes the
    direction of every step when a first solution reversed too soon.
    """
    lo, hi, want, style = problem.lo, problem.hi, problem.want, problem.style
    n = lo.size
    k = float(problem.spacing.mean()) if problem.spacing.size else 1.0
    orders = [j for j in (1, 2, 3) if n > j]
    weights = {1: style.w1, 2: style.w2 / k, 3: style.w3 / k**2}
    corr = np.flatnonzero(~(np.isnan(lo) | np.isnan(hi)))
    pref = np.flatnonzero(~np.isnan(want))
    blocks = [n] + [n - j for j in orders] + [corr.size, pref.size]
    offsets = np.concatenate([[0], np.cumsum(blocks)]).astype(int)
    total = int(offsets[-1])

    def columns(
        count: int, start: int, sign: float = 1.0, at: np.ndarray | None = None
    ) -> sp.csr_matrix:
        cols = start + (np.arange(count) if at is None else at)
        return sp.csr_matrix((np.full(count, sign), (np.arange(count), cols)), shape=(count, total))

    def on_x(m: sp.spmatrix) -> sp.csr_matrix:
        return sp.hstack([m, sp.csr_matrix((m.shape[0], total - n))], format="csr")

    rows: list[sp.csr_matrix] = []
    rhs: list[np.ndarray] = []
    for block, j in enumerate(orders, start=1):  # |D_j x| <= e_j
        d = on_x(_diff_matrix(n, j))
        e = columns(n - j, offsets[block])
        rows += [d - e, -d - e]
        rhs += [np.zeros(n - j)] * 2
    s = columns(corr.size, offsets[len(orders) + 1])  # lo - s <= x <= hi + s
    pick = columns(corr.size, 0, at=corr)
    rows += [-pick - s, pick - s]
    rhs += [-lo[corr], hi[corr]]
    p = columns(pref.size, offsets[len(orders) + 2])  # |x - want| <= p
    pick = columns(pref.size, 0, at=pref)
    rows += [pick - p, -pick - p]
    rhs += [want[pref], -want[pref]]

    cost = np.zeros(total)
    bounds = np.zeros((total, 2))
    bounds[:, 1] = np.inf
    bounds[:n, 1] = problem.top
    for block, j in enumerate(orders, start=1):
        cost[offsets[block] : offsets[block + 1]] = weights[j]
    cost[offsets[len(orders) + 1] : offsets[len(orders) + 2]] = style.w_out * k
    cost[offsets[len(orders) + 2] :] = style.w_want * k
    if 1 in orders:
        step_cap = problem.cap * problem.spacing  # the speed cap, as a bound on |D1 x|
        if signs is not None:
            step_cap = np.where(signs == 0, 0.0, step_cap)
            for sign in (1.0, -1.0):  # a step of fixed direction: -sign * D1 x <= 0
                at = np.flatnonzero(signs == sign)
                rows.append(-sign * on_x(_diff_matrix(n, 1)[at]))
                rhs.append(np.zeros(at.size))
        bounds[offsets[1] : offsets[2], 1] = step_cap

    result = linprog(
        cost,
        A_ub=sp.vstack(rows, format="csr"),
        b_ub=np.concatenate(rhs),
        bounds=bounds,
        method="highs",
    )
    if result.x is None:  # cannot happen: a constant path is always feasible
        return np.full(n, problem.top / 2)
    return np.clip(result.x[:n], 0.0, problem.top)


def _direction_plan(steps: np.ndarray, gap: int) -> np.ndarray | None:
    """A direction for every knot step that leaves ``gap`` still steps at each reversal.

    None when the path already never reverses within ``gap`` steps. Otherwise each run of
    same-direction moves keeps its direction over its stretch, and ``gap`` steps centred
    between two opposite runs are held still; a shot too short for any such pause keeps only
    its biggest run's direction. Re-solving under this plan cannot reverse too soon.
    """
    moving = np.flatnonzero(np.abs(steps) >= STATIC_STEP_PX)
    if moving.size < 2:
        return None
    sign = np.sign(steps[moving])
    turns = np.flatnonzero(sign[1:] != sign[:-1])
    if not turns.size or (moving[turns + 1] - moving[turns]).min() > gap:
        return None
    starts = np.concatenate([[0], turns + 1])
    ends = np.concatenate([turns, [moving.size - 1]])
    run_sign = sign[starts]
    plan = np.full(steps.size, run_sign[0])
    if steps.size <= gap + 1:
        sizes = [np.abs(steps[moving[s : e + 1]]).sum() for s, e in zip(starts, ends)]
        return np.full(steps.size, run_sign[int(np.argmax(sizes))])
    holds = []
    for r in range(turns.size):
        middle = (moving[ends[r]] + moving[starts[r + 1]]) / 2
        first = int(np.clip(round(middle - gap / 2), 0, steps.size - gap))
        plan[first + gap // 2 :] = run_sign[r + 1]
        holds.append(first)
    for first in holds:
        plan[first : first + gap] = 0.0
    return plan
