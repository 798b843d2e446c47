"""Frame-level picture work for the vertical layouts, in numpy/OpenCV, one call per frame.

Each function takes an upright source frame (H x W x 3, uint8) and returns an output frame of
exactly ``size`` (width, height). Boxes are ``(x, y, w, h)`` in source pixels; they are clipped
to the frame, so a plan one pixel off never crashes the renderer.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[float, float, float, float]

BLUR_SCALE = 16
"""The fit layout's background is blurred at 1/16 of the output size and scaled back up: a
wide, soft blur for a fraction of the cost of blurring at full size."""


def scale_region(frame: np.ndarray, box: Box, size: tuple[int, int]) -> np.ndarray:
    """``box`` cut out of ``frame`` and scaled to ``size``.

    Enlarging uses cubic interpolation (sharper than bilinear on faces and text) and honours
    fractional box positions, so a slow pan glides instead of stepping a whole pixel at a
    time. Shrinking averages pixels (no aliasing) over the box taken to whole pixels, where a
    fraction cannot be seen.
    """
    x, y, w, h = (float(v) for v in box)
    if w < size[0] and h < size[1]:
        sx, sy = size[0] / w, size[1] / h
        # Pixel centres line up as in cv2.resize: source x + (u + 0.5) * w / width - 0.5.
        matrix = np.array([[sx, 0.0, (0.5 - x) * sx - 0.5], [0.0, sy, (0.5 - y) * sy - 0.5]])
        return cv2.warpAffine(
            frame, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        )
    region = _region(frame, box)
    if (region.shape[1], region.shape[0]) == size:
        return np.ascontiguousarray(region)
    return cv2.resize(region, size, interpolation=cv2.INTER_AREA)


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
    x, y, w, h = (round(float(v)) for v in box)
    x, y = max(0, min(x, fw - 1)), max(0, min(y, fh - 1))
    return frame[y : min(fh, y + h), x : min(fw, x + w)]
