"""Frame-level picture work for the vertical layouts, in numpy/OpenCV, one call per frame.

Each function takes an upright source frame (H x W x 3, uint8) and returns an output frame of
exactly ``size`` (width, height). Boxes are ``(x, y, w, h)`` in source pixels; they are clipped
to the frame, so a plan one pixel off never crashes the renderer.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]

BLUR_SCALE = 16
"""The fit layout's background is blurred at 1/16 of the output size and scaled back up: a
wide, soft blur for a fraction of the cost of blurring at full size."""


def scale_region(frame: np.ndarray, box: Box, size: tuple[int, int]) -> np.ndarray:
    """``box`` cut out of ``frame`` and scaled to ``size``: averaging when shrinking (no
    aliasing), cubic when enlarging (sharper than bilinear on faces and text)."""
    region = _region(frame, box)
    if (region.shape[1], region.shape[0]) == size:
        return np.ascontiguousarray(region)
    shrinking = region.shape[1] > size[0] and region.shape[0] > size[1]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(region, size, interpolation=interpolation)


def crop_layout(frame: np.ndarray, box: Box, size: tuple[int, int]) -> np.ndarray:
    """The crop layout: one source region fills the frame."""
    return scale_region(frame, box, size)


def split_layout(frame: np.ndarray, boxes: list[Box], size: tuple[int, int]) -> np.ndarray:
    """The split layout: one panel per box, stacked top to bottom, equal heights (the last
    panel takes the rounding remainder)."""
    width, height = size
    edges = np.linspace(0, height, len(boxes) + 1).round().astype(int)
    panels = [
        scale_region(frame, box, (width, int(bottom - top)))
        for box, top, bottom in zip(boxes, edges[:-1], edges[1:])
    ]
    return np.concatenate(panels, axis=0)


def fit_layout(frame: np.ndarray, box: Box, size: tuple[int, int]) -> np.ndarray:
    """The fit layout: ``box`` shown whole, as wide as the frame, centred vertically, over a
    blurred, frame-filling copy of the same region."""
    width, height = size
    region = _region(frame, box)
    small = (max(1, width // BLUR_SCALE), max(1, height // BLUR_SCALE))
    background = cv2.resize(_cover(region, width, height), small, interpolation=cv2.INTER_AREA)
    background = cv2.GaussianBlur(background, (0, 0), sigmaX=2.0)
    out = cv2.resize(background, size, interpolation=cv2.INTER_LINEAR)
    fg_h = min(height, max(2, round(region.shape[0] * width / region.shape[1])))
    top = (height - fg_h) // 2
    out[top : top + fg_h] = scale_region(frame, box, (width, fg_h))
    return out


def _cover(region: np.ndarray, width: int, height: int) -> np.ndarray:
    """The central part of ``region`` with the output's aspect ratio (it will fill the frame)."""
    rh, rw = region.shape[:2]
    if rw * height > rh * width:  # wider than the output: trim the sides
        keep = max(1, round(rh * width / height))
        left = (rw - keep) // 2
        return region[:, left : left + keep]
    keep = max(1, round(rw * height / width))
    top = (rh - keep) // 2
    return region[top : top + keep]


def _region(frame: np.ndarray, box: Box) -> np.ndarray:
    fh, fw = frame.shape[:2]
    x, y, w, h = box
    x, y = max(0, min(int(x), fw - 1)), max(0, min(int(y), fh - 1))
    return frame[y : min(fh, y + int(h)), x : min(fw, x + int(w))]
