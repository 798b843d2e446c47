"""Frame-level picture work for the vertical layouts, in numpy/OpenCV, one call per frame.

Pictures are worked on as they are decoded and encoded: 4:2:0 planes (``Planes``: luma at full
size, the two chroma planes at half size each way), so no colour conversion happens anywhere
between the decoder and the encoder and a frame costs a third of the bytes of RGB. A layout
takes a source picture and returns an output picture of exactly ``size`` (width, height, both
even). Boxes are ``(x, y, w, h)`` in source (luma) pixels; they are clipped to the picture, so
a plan one pixel off never crashes the renderer. Where a layout puts things is decided once,
in luma pixels rounded to even numbers, and halved for chroma, so the planes always agree.

Enlarging (the usual case: a 1080-line window becomes 1920 lines) uses cubic interpolation for
luma, sharp on faces and text, and linear for chroma, which has a quarter of the detail. A
window at a fractional position is honoured to the nearest output pixel (finer than a source
pixel when enlarging): the whole-pixel region around the window is scaled and the output cut
from it at the right offset, so a slow pan glides instead of stepping a whole source pixel at
a time. Shrinking filters out what the output cannot hold before sampling (no moire).

Speed: a layout draws into arrays it keeps (:class:`Canvas`) rather than new ones each frame:
at 1080x1920 a fresh array costs more in page faults than the scaling itself.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

Box = tuple[float, float, float, float]
Planes = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Y (h, w), U and V (ceil(h/2), ceil(w/2)), uint8."""

BLUR_SCALE = 16
"""The fit layout's background is blurred at 1/16 of the output size and scaled back up: a
wide, soft blur for a fraction of the cost of blurring at full size."""


SOFTEN_ABOVE = 1.2
SOFTEN_SIGMA = 0.4
"""Shrinking by more than ``SOFTEN_ABOVE`` times first blurs with a Gaussian of
``SOFTEN_SIGMA`` times the factor (source pixels), then interpolates linearly: detail finer
than the output can hold is removed instead of folding back as moire, at about a third of
the cost of OpenCV's pixel-area averaging at such fractional factors."""


class Canvas:
    """Arrays reused from frame to frame, found by a name and a shape."""

    def __init__(self) -> None:
        self._arrays: dict[tuple, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        key = (name, *shape)
        array = self._arrays.get(key)
        if array is None:
            array = self._arrays[key] = np.empty(shape, np.uint8)
        return array

    def planes(self, size: tuple[int, int]) -> Planes:
        """The output picture's planes for ``size`` (width, height)."""
        width, height = size
        return (
            self.get("y", (height, width)),
            self.get("u", (height // 2, width // 2)),
            self.get("v", (height // 2, width // 2)),
        )


def scale_region(
    plane: np.ndarray,
    box: Box,
    out: np.ndarray,
    canvas: Canvas | None = None,
    fine: bool = True,
) -> np.ndarray:
    """``box`` of one plane scaled into ``out`` (its shape is the size), which is returned.

    ``fine`` picks cubic rather than linear interpolation when enlarging.
    """
    canvas = canvas or Canvas()
    x, y, w, h = (float(v) for v in box)
    height, width = plane.shape[:2]
    out_h, out_w = out.shape[:2]
    if w < out_w and h < out_h:
        sx, sy = out_w / w, out_h / h
        x0 = max(0, min(math.floor(x), width - 1))
        y0 = max(0, min(math.floor(y), height - 1))
        x1 = max(x0 + 1, min(math.ceil(x + w) + 1, width))
        y1 = max(y0 + 1, min(math.ceil(y + h) + 1, height))
        big_w, big_h = max(out_w, round((x1 - x0) * sx)), max(out_h, round((y1 - y0) * sy))
        big = canvas.get(f"big{out.shape}", (big_h, big_w, *plane.shape[2:]))
        method = cv2.INTER_CUBIC if fine else cv2.INTER_LINEAR
        cv2.resize(plane[y0:y1, x0:x1], (big_w, big_h), dst=big, interpolation=method)
        left = min(max(0, round((x - x0) * sx)), big_w - out_w)
        top = min(max(0, round((y - y0) * sy)), big_h - out_h)
        np.copyto(out, big[top : top + out_h, left : left + out_w])
        return out
    region = _region(plane, box)
    if region.shape[:2] == out.shape[:2]:
        np.copyto(out, region)
        return out
    factor = max(region.shape[1] / out_w, region.shape[0] / out_h)
    if factor > SOFTEN_ABOVE:
        # up to about 2x, OpenCV's fixed 3-tap kernel (sigma 0.8) is enough and much faster
        kernel = (3, 3) if SOFTEN_SIGMA * factor <= 0.9 else (0, 0)
        region = cv2.GaussianBlur(region, kernel, sigmaX=0 if kernel[0] else SOFTEN_SIGMA * factor)
    cv2.resize(region, (out_w, out_h), dst=out, interpolation=cv2.INTER_LINEAR)
    return out


def crop_layout(
    picture: Planes, box: Box, size: tuple[int, int], canvas: Canvas | None = None
) -> Planes:
    """The crop layout: one source region fills the frame."""
    canvas = canvas or Canvas()
    out = canvas.planes(size)
    for k, (plane, target) in enumerate(zip(picture, out)):
        scale_region(plane, _div(box, 2 if k else 1), target, canvas, fine=k == 0)
    return out


def split_layout(
    picture: Planes, boxes: list[Box], size: tuple[int, int], canvas: Canvas | None = None
) -> Planes:
    """The split layout: one panel per box, stacked top to bottom, equal heights (even
    numbers of lines; the last panel takes the remainder)."""
    canvas = canvas or Canvas()
    out = canvas.planes(size)
    height = size[1]
    edges = [2 * round(height / 2 * k / len(boxes)) for k in range(len(boxes) + 1)]
    for k, (plane, target) in enumerate(zip(picture, out)):
        d = 2 if k else 1
        for box, top, bottom in zip(boxes, edges[:-1], edges[1:]):
            scale_region(plane, _div(box, d), target[top // d : bottom // d], canvas, k == 0)
    return out


def fit_geometry(box: Box, size: tuple[int, int]) -> tuple[int, int]:
    """Height and top line of the fit layout's foreground (even numbers): the box shown as
    wide as the frame, centred vertically."""
    width, height = size
    _x, _y, w, h = box
    fg_h = min(height, max(2, 2 * round(h * width / max(w, 1) / 2)))
    return fg_h, (height - fg_h) // 4 * 2


def fit_layout(
    picture: Planes, box: Box, size: tuple[int, int], canvas: Canvas | None = None
) -> Planes:
    """The fit layout: ``box`` shown whole, as wide as the frame, centred vertically, over a
    blurred, frame-filling copy of the same region.

    The background only needs its broad colours: it is read off every few pixels before the
    averaging that shrinks it, which costs a fraction of averaging every pixel.
    """
    canvas = canvas or Canvas()
    out = canvas.planes(size)
    fg_h, top = fit_geometry(box, size)
    for k, (plane, target) in enumerate(zip(picture, out)):
        d = 2 if k else 1
        height, width = target.shape
        part = _div(box, d)
        small = (max(1, width // BLUR_SCALE), max(1, height // BLUR_SCALE))
        cover = _cover(_region(plane, part), width, height)
        step = max(1, min(cover.shape[0] // small[1], cover.shape[1] // small[0]) // 2)
        background = cv2.resize(cover[::step, ::step], small, interpolation=cv2.INTER_AREA)
        background = cv2.GaussianBlur(background, (0, 0), sigmaX=2.0)
        cv2.resize(background, (width, height), dst=target, interpolation=cv2.INTER_LINEAR)
        scale_region(plane, part, target[top // d : (top + fg_h) // d], canvas, k == 0)
    return out


def _div(box: Box, k: int) -> Box:
    return tuple(float(v) / k for v in box)


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


def _region(plane: np.ndarray, box: Box) -> np.ndarray:
    fh, fw = plane.shape[:2]
    x, y, w, h = (round(float(v)) for v in box)
    x, y = max(0, min(x, fw - 1)), max(0, min(y, fh - 1))
    return plane[y : min(fh, y + max(1, h)), x : min(fw, x + max(1, w))]


KR, KB = 0.2126, 0.0722
"""BT.709 luma weights of red and blue: the output's colour tags, and HD sources' colours."""


def to_rgb(picture: Planes) -> np.ndarray:
    """A limited-range BT.709 4:2:0 picture as RGB (even size: an odd last row or column is
    dropped), for covers, card backgrounds and eyes. Chroma is upsampled linearly."""
    y, u, v = picture
    height, width = y.shape[0] // 2 * 2, y.shape[1] // 2 * 2
    luma = (y[:height, :width].astype(np.float32) - 16.0) / 219.0
    size = (width, height)
    pb = (cv2.resize(u[: height // 2, : width // 2], size, interpolation=cv2.INTER_LINEAR)
          .astype(np.float32) - 128.0) / 224.0  # fmt: skip
    pr = (cv2.resize(v[: height // 2, : width // 2], size, interpolation=cv2.INTER_LINEAR)
          .astype(np.float32) - 128.0) / 224.0  # fmt: skip
    r = luma + 2 * (1 - KR) * pr
    b = luma + 2 * (1 - KB) * pb
    g = (luma - KR * r - KB * b) / (1 - KR - KB)
    rgb = np.stack([r, g, b], axis=-1) * 255.0
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def from_rgb(rgb: np.ndarray, alpha: np.ndarray | None = None) -> tuple[Planes, tuple | None]:
    """An RGB picture (even size) as limited-range BT.709 4:2:0 planes; with ``alpha``
    (0..1 per pixel), also the alpha at luma and at chroma resolution."""
    height, width = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
    r, g, b = (rgb[:height, :width, i].astype(np.float32) / 255.0 for i in range(3))
    luma = KR * r + (1 - KR - KB) * g + KB * b
    pb = (b - luma) / (2 * (1 - KB))
    pr = (r - luma) / (2 * (1 - KR))
    half = (width // 2, height // 2)
    y = np.clip(16.0 + 219.0 * luma + 0.5, 0, 255).astype(np.uint8)
    u = np.clip(128.0 + 224.0 * cv2.resize(pb, half, interpolation=cv2.INTER_AREA) + 0.5, 0, 255)
    v = np.clip(128.0 + 224.0 * cv2.resize(pr, half, interpolation=cv2.INTER_AREA) + 0.5, 0, 255)
    planes = (y, u.astype(np.uint8), v.astype(np.uint8))
    if alpha is None:
        return planes, None
    a = alpha[:height, :width].astype(np.float32)
    return planes, (a, cv2.resize(a, half, interpolation=cv2.INTER_AREA))
