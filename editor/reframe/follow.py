"""How a crop window follows its faces through one take, before giving up on a crop.

A fit (the whole picture over a blurred copy) shows the faces small; a vertical video is
there to show them big, so the planner tries, in order, and keeps the first that holds the
faces (their bare boxes, margins are only a preference) on ``min_held`` of the frames:

1. the calm camera of :mod:`editor.reframe.path` (a fixed window when one holds the faces
   with their margins, else an L1-smooth follow at the calm speed cap);
2. the same follow with a speed cap relative to the face: a close-up may move faster than a
   wide shot, since the viewer's eye is on a face that stays put in the frame while the
   background slides (at most ``face_speed`` face widths a second);
3. a window that re-frames only at pauses: the take is cut at pauses in the speech (any
   frame when nothing is said in it) into pieces of at least ``min_piece`` frames, each held
   by one fixed window where one can, else followed: jump cuts of the virtual camera where
   a cut does not break a sentence.

Only when none of these holds the faces does the take show the whole picture (``None``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from editor.reframe.path import CameraStyle, corridor_from_boxes, is_stationary, plan_path


@dataclass(frozen=True)
class Piece:
    """Frames ``[start, end)`` of a take (relative to it) held by one camera move ``x`` (the
    window's left edge per frame)."""

    start: int
    end: int
    x: np.ndarray
    mode: str
    """``stationary`` or ``track``."""
    note: str = ""
    """What the planner had to give for a crop: empty for the calm camera."""


@dataclass(frozen=True)
class Faces:
    """The per-frame horizontal extent of the faces of a take (NaN where none shows): bare,
    and with the margin the window should keep around them."""

    left: np.ndarray
    right: np.ndarray
    margin_left: np.ndarray
    margin_right: np.ndarray
    face_width: float
    """Typical width of the (largest) face followed, source pixels."""


def held_share(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of frames with a known subject on which window position ``x`` holds it."""
    known = np.isfinite(lo) & np.isfinite(hi) & (lo <= hi)
    if not known.any():
        return 1.0
    return float(np.mean((x[known] >= lo[known] - 0.5) & (x[known] <= hi[known] + 0.5)))


def face_style(style: CameraStyle, face_width: float, src_w: float, fps: float,
               face_speed: float) -> CameraStyle:  # fmt: skip
    """``style`` with its speed cap raised to ``face_speed`` face widths a second when that is
    faster (a close-up may be followed faster than a wide shot; never slower than calm)."""
    cap = face_speed * face_width / max(fps, 1e-6) / max(src_w, 1.0)
    return dataclasses.replace(style, max_step=max(style.max_step, cap))


def follow(
    faces: Faces,
    win_w: float,
    src_w: float,
    fps: float,
    pauses: np.ndarray,
    min_piece: int,
    min_held: float,
    face_speed: float,
    style: CameraStyle | None = None,
) -> list[Piece] | None:
    """The camera of one take as pieces covering it in order (see module), or None when no
    crop holds the faces. ``style`` is the calm camera (default :class:`CameraStyle`)."""
    style = style or CameraStyle()
    lo, hi = corridor_from_boxes(faces.margin_left, faces.margin_right, win_w, src_w)
    bare_lo, bare_hi = corridor_from_boxes(faces.left, faces.right, win_w, src_w)
    want = (faces.margin_left + faces.margin_right) / 2 - win_w / 2
    n = lo.size
    if is_stationary(lo, hi):
        return [Piece(0, n, plan_path(lo, hi, want, src_w, win_w, fps, style), "stationary")]
    x = plan_path(lo, hi, want, src_w, win_w, fps, style)
    if held_share(x, bare_lo, bare_hi) >= min_held:
        return [Piece(0, n, x, "track")]
    quick = face_style(style, faces.face_width, src_w, fps, face_speed)
    if quick.max_step > style.max_step:
        x = plan_path(lo, hi, want, src_w, win_w, fps, quick)
        if held_share(x, bare_lo, bare_hi) >= min_held:
            speed = quick.max_step * src_w * fps / max(faces.face_width, 1.0)
            return [Piece(0, n, x, "track", f"followed at a close-up's speed ({speed:.2f} "
                          "face widths a second)")]  # fmt: skip
    pieces = []
    for start, end in pause_pieces(bare_lo, bare_hi, pauses, min_piece):
        part = slice(start, end)
        if is_stationary(bare_lo[part], bare_hi[part]):
            x = plan_path(bare_lo[part], bare_hi[part], want[part], src_w, win_w, fps, style)
            mode = "stationary"
        else:
            x = plan_path(lo[part], hi[part], want[part], src_w, win_w, fps, quick)
            mode = "track"
        pieces.append(Piece(start, end, x, mode, "re-framed at a pause"))
    if len(pieces) < 2:
        return None
    x = np.concatenate([p.x for p in pieces])
    if held_share(x, bare_lo, bare_hi) < min_held:
        return None
    return pieces


def pause_pieces(
    lo: np.ndarray, hi: np.ndarray, pauses: np.ndarray, min_piece: int
) -> list[tuple[int, int]]:
    """Frames ``[start, end)`` of the pieces a take is cut into at pauses: each as long as one
    fixed window holds the faces (corridors ``lo``..``hi``, NaN where none shows), ending in
    the middle of a pause, and at least ``min_piece`` frames long. Cut points are the middles
    of the pauses; a take without any speech may be cut anywhere."""
    n = lo.size
    pauses = np.asarray(pauses, bool)
    if pauses.all():
        points = np.arange(1, n)
    else:
        edges = np.diff(np.concatenate([[0], pauses.astype(int), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        points = (starts + ends) // 2
    points = np.append(points[(points > 0) & (points < n)], n)
    a, b = np.fmin(lo, hi), np.fmax(lo, hi)
    pieces = []
    start = 0
    while start < n:
        usable = points[(points - start >= min_piece) & ((n - points >= min_piece) | (points == n))]
        if not usable.size:
            if pieces:
                pieces[-1] = (pieces[-1][0], n)
            else:
                pieces.append((start, n))
            break
        floor = np.fmax.accumulate(np.nan_to_num(a[start:], nan=-np.inf))
        ceil = np.fmin.accumulate(np.nan_to_num(b[start:], nan=np.inf))
        broken = np.flatnonzero(floor > ceil + 1e-6)
        reach = start + (int(broken[0]) if broken.size else n - start)
        fits = usable[usable <= reach]
        end = int(fits.max()) if fits.size else int(usable.min())
        pieces.append((start, end))
        start = end
    return pieces
