"""Where text and logos go on the vertical frame. Pure geometry, no I/O.

Everything written on the picture stays inside :data:`SAFE_BOX`, the part of a 1080x1920
frame that TikTok, Reels and Shorts all leave uncovered by their buttons, captions and
progress bars (x 65-940, y 270-1250), scaled to the output size. Within it:

- the title card centres the series title in the middle of the box;
- the end card puts the title in the upper half and the call to action, as a button,
  below it;
- subtitle lines go in the bottom quarter of the box;
- a logo sits in the top-right corner of the box, at most :data:`LOGO_WIDTH` of the frame
  wide and :data:`LOGO_HEIGHT` tall, its aspect kept.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

Box = tuple[int, int, int, int]

SAFE_BOX = (65, 270, 940, 1250)
"""Left, top, right, bottom on a 1080x1920 frame."""
REFERENCE = (1080, 1920)
LOGO_WIDTH = 0.2
LOGO_HEIGHT = 0.08


def safe_box(width: int, height: int) -> Box:
    """The safe box ``[x, y, w, h]`` on a ``width`` x ``height`` frame (whole pixels, inside
    the scaled reference box)."""
    sx, sy = width / REFERENCE[0], height / REFERENCE[1]
    left, top = math.ceil(SAFE_BOX[0] * sx), math.ceil(SAFE_BOX[1] * sy)
    right, bottom = math.floor(SAFE_BOX[2] * sx), math.floor(SAFE_BOX[3] * sy)
    return left, top, right - left, bottom - top


def _band(box: Box, top: float, bottom: float, width: float = 1.0) -> Box:
    """The part of ``box`` from ``top`` to ``bottom`` (shares of its height), ``width`` of
    its width, centred."""
    x, y, w, h = box
    inner_w = round(w * width)
    return (x + (w - inner_w) // 2, y + round(h * top), inner_w, round(h * (bottom - top)))


def title_card_box(width: int, height: int) -> Box:
    """Where the title goes on the title card."""
    return _band(safe_box(width, height), 0.3, 0.62)


def end_card_boxes(width: int, height: int) -> tuple[Box, Box]:
    """Where the title and the call-to-action button go on the end card."""
    box = safe_box(width, height)
    return _band(box, 0.16, 0.48), _band(box, 0.58, 0.74, width=0.86)


CAPTION_BAND = 0.25
"""Height of the caption band, as a share of the safe box's: room for two lines at the
largest caption size."""


def caption_box(width: int, height: int, position: float = 1.0) -> Box:
    """Where subtitle lines go: the band of the safe box that ends ``position`` of its height
    down. By default its bottom quarter, above the platforms' buttons and progress bar,
    below faces (framed in the upper two thirds)."""
    bottom = min(1.0, max(CAPTION_BAND, position))
    return _band(safe_box(width, height), bottom - CAPTION_BAND, bottom)


def logo_box(width: int, height: int, logo_size: tuple[int, int]) -> Box:
    """Where a ``logo_size`` (pixels) logo goes: top-right corner of the safe box, scaled
    down (never up) to at most :data:`LOGO_WIDTH` x :data:`LOGO_HEIGHT` of the frame."""
    x, y, w, _h = safe_box(width, height)
    lw, lh = logo_size
    scale = min(1.0, LOGO_WIDTH * width / lw, LOGO_HEIGHT * height / lh)
    out_w, out_h = max(1, math.floor(lw * scale)), max(1, math.floor(lh * scale))
    return (x + w - out_w, y, out_w, out_h)


def series_title(inputs: list[str | Path]) -> str:
    """A readable series title from the input's name: ``my_show-ep01`` -> ``My Show Ep01``;
    several inputs use the folder they share, if any."""
    paths = [Path(p).resolve() for p in inputs]
    if len(paths) == 1:
        path = paths[0]
        name = path.name if path.is_dir() else path.stem
    else:
        parents = {p.parent for p in paths}
        name = parents.pop().name if len(parents) == 1 else ""
    words = [w for w in re.split(r"[\s_\-.]+", name) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words)
