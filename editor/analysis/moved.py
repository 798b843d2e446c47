"""Whether a new thumbnail is an old one moved: shifted and scaled (a pan, a tilt, a zoom).

On 16x9 thumbnails a camera move blends neighbouring cells into each other and can look
like a dissolve; a real transition brings a picture that no shift or scale of the old one
explains. The old picture is warped by every scale in ``_SCALES`` (about the centre) and
every shift up to three cells across and two down, in quarter cells, by linear
interpolation, and the best warp's residual is compared with the residual unmoved.
"""

from __future__ import annotations

import numpy as np

_CELLS = (16, 9)


def moved_residual(old: np.ndarray, new: np.ndarray) -> float:
    """Mean residual of ``new`` against ``old`` shifted and scaled as well as it can be (see
    :func:`_axis_warps`), relative to the residual unmoved, over the cells the warp keeps in
    view."""
    return float(np.min(_residuals(old, new)))


def shifted_residual(old: np.ndarray, new: np.ndarray) -> float:
    """As :func:`moved_residual`, with ``old`` only shifted, not scaled: how a camera that
    jerks or whips moves the picture between two frames (a zoom lens moves smoothly)."""
    return float(_residuals(old, new)[_SCALES.index(1.0)])


def _residuals(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Per scale of ``_SCALES``, the best relative residual over the shifts."""
    w, h = _CELLS
    before = old.reshape(h, w, 3).astype(np.float32)
    after = new.reshape(h, w, 3).astype(np.float32)
    across = np.matmul(_WARP_X[:, :, None], before[None, None])  # (scales, dx, h, w, 3)
    across = across.transpose(0, 2, 1, 3, 4).reshape(len(_SCALES), 1, h, -1)
    warped = np.matmul(_WARP_Y, across).reshape(*_WARP_Y.shape[:3], -1, w, 3)
    warped -= after[:, None]
    np.abs(warped, out=warped)
    miss = np.einsum("sjhkw,sjkhw->sjk", warped[..., 0] + warped[..., 1] + warped[..., 2], _SEEN)
    base = np.einsum("hw,sjkhw->sjk", np.abs(before - after).sum(axis=-1), _SEEN)
    relative = np.where(_KEPT, miss / np.maximum(base, 1e-6), np.inf)
    return relative.reshape(len(_SCALES), -1).min(axis=1)


_SCALES = (0.8, 0.9, 1.0, 1.1, 1.25)
"""Scales (about the centre) tried when the old picture is moved onto the new one."""


def _axis_warps(size: int, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation along one axis of ``size`` cells for every scale in ``_SCALES``
    (about the centre) and shift up to ``reach`` cells either way in quarter cells: matrices
    ``(scales, shifts, size, size)`` and which cells stay in view ``(scales, shifts, size)``."""
    shifts = np.arange(-reach, reach + 0.125, 0.25)
    mats = np.zeros((len(_SCALES), len(shifts), size, size), np.float32)
    seen = np.zeros((len(_SCALES), len(shifts), size), np.float32)
    cell = np.arange(size)
    for s, scale in enumerate(_SCALES):
        for k, shift in enumerate(shifts):
            source = (cell - (size - 1) / 2) * scale + (size - 1) / 2 - shift
            inside = (source >= 0) & (source <= size - 1)
            low = np.clip(np.floor(source), 0, size - 2).astype(int)
            frac = np.clip(source - low, 0, 1)
            mats[s, k, cell, low] = (1 - frac) * inside
            mats[s, k, cell, low + 1] += frac * inside
            seen[s, k] = inside
    return mats, seen


_WARP_X, _SEEN_X = _axis_warps(_CELLS[0], 3.0)
_WARP_Y, _SEEN_Y = _axis_warps(_CELLS[1], 2.0)
_SEEN = _SEEN_Y[:, :, None, :, None] * _SEEN_X[:, None, :, None, :]
"""(scales, dy, dx, h, w): cells in view after each warp."""
_KEPT = _SEEN.mean(axis=(3, 4)) >= 0.5
"""Warps keeping at least half the picture in view."""
