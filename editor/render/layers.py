"""Pictures laid over the output frames for a while: a logo, a caption.

A layer is an RGBA picture turned once into the output's 4:2:0 planes with its alpha, placed
on even pixels (so its chroma lines up with its luma) and blended in place into every frame
it shows on, in the planes, as the rest of the render is. Its times become frame numbers by
rounding, as a segment's do, so a caption ending at 68/30 s is gone from frame 68.
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.assemble.edl import Overlay
from editor.errors import AutocutError
from editor.render.frames import Planes, from_rgb


class Layer:
    """``rgba`` (straight alpha, uint8) with its top-left corner at ``(x, y)`` (output
    pixels), shown on output frames ``first`` to ``end`` (exclusive)."""

    def __init__(self, rgba: np.ndarray, x: int, y: int, first: int, end: int) -> None:
        self.x, self.y, w, h = even_box(x, y, rgba.shape[1], rgba.shape[0])
        rgba = rgba[self.y - y : self.y - y + h, self.x - x : self.x - x + w]
        self.planes, self.alphas = from_rgb(rgba[..., :3], rgba[..., 3].astype(np.float32) / 255.0)
        self.first, self.end = first, end

    def shows(self, index: int) -> bool:
        return self.first <= index < self.end

    def blend(self, picture: Planes, index: int) -> None:
        """Blend the layer into ``picture`` (output frame ``index``) in place if it shows."""
        if not self.shows(index):
            return
        for k, (plane, layer) in enumerate(zip(picture, self.planes)):
            alpha = self.alphas[0 if k == 0 else 1]
            scale = 1 if k == 0 else 2
            x, y = self.x // scale, self.y // scale
            h, w = layer.shape
            region = plane[y : y + h, x : x + w]
            h, w = region.shape  # clipped at the frame's edge
            mixed = region * (1.0 - alpha[:h, :w]) + layer[:h, :w] * alpha[:h, :w]
            region[...] = (mixed + 0.5).astype(np.uint8)


def even_box(x: int, y: int, w: int, h: int) -> tuple[int, int, int, int]:
    """The largest box inside ``[x, y, w, h]`` with even position and size (at least 2)."""
    ex, ey = x + x % 2, y + y % 2
    return ex, ey, max(2, (w - (ex - x)) // 2 * 2), max(2, (h - (ey - y)) // 2 * 2)


def logo_layer(overlay: Overlay, fps: float) -> Layer:
    """The overlay's image scaled to its box, on the frames of its times at ``fps``."""
    x, y, w, h = even_box(*overlay.box)
    image = cv2.imread(overlay.path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise AutocutError(overlay.path, "not a readable image")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGRA)
    elif image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)
    rgba = cv2.cvtColor(cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA),
                        cv2.COLOR_BGRA2RGBA)  # fmt: skip
    return Layer(rgba, x, y, round(overlay.out_in * fps), round(overlay.out_out * fps))
