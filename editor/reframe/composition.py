"""Vertical composition of a crop window: where the faces sit from top to bottom.

A vertical video is watched with captions and platform buttons over its lower part, and
viewers look for eyes near the upper third. For one shot's faces (their highest top, lowest
bottom and typical eye line, in source pixels) this decides the window's height and top:

- The window is the largest one of the output's shape that fits the source (no zoom) unless
  the faces would then reach into the bottom ``caption`` share of the frame. A full-height
  window of a landscape source cannot move up or down, so then it is made smaller (zoomed in)
  in steps of 5 % until the faces clear that zone, up to ``max_zoom``: every step costs
  sharpness, so zoom is only spent on this rule, never on taste, and the plan says so.
- Within the room left, the window's top puts the eye line on the upper third (matters for
  square and portrait sources, where the window can slide vertically), never cutting the top
  of a face.
- When no zoom up to ``max_zoom`` clears the zone (a close-up filling the frame, faces at the
  very bottom), the window stays whole and the eyes go as high as they can: a sharp picture
  with a caption over a chin beats a blurry one.
"""

from __future__ import annotations

from dataclasses import dataclass

from editor.reframe.window import fit_window

ZOOM_STEP = 0.05


@dataclass(frozen=True)
class Placement:
    """A window's size and top edge for one shot, and what it achieved."""

    w: int
    h: int
    y: float
    zoom: float
    clear: bool
    """Whether the faces stay above the caption zone (and inside the window)."""


def place_vertically(
    face_top: float,
    face_bottom: float,
    eye: float,
    need_w: float,
    src: tuple[int, int],
    size: tuple[int, int],
    caption: float = 0.2,
    eye_line: float = 1 / 3,
    max_zoom: float = 1.5,
) -> Placement:
    """The window for faces spanning ``face_top``..``face_bottom`` with eyes at ``eye`` (source
    px) that must also hold ``need_w`` px across, for an output of ``size`` (see module)."""
    src_w, src_h = src
    full_w, full_h = fit_window(src_w, src_h, *size)
    steps = round((max_zoom - 1) / ZOOM_STEP)
    for k in range(steps + 1):
        zoom = 1 + k * ZOOM_STEP
        h = max(2, int(full_h / zoom) // 2 * 2)
        w = max(2, round(h * size[0] / size[1]) // 2 * 2)
        if w < need_w:
            break
        lowest = max(0.0, face_bottom - (1 - caption) * h)
        highest = min(face_top, float(src_h - h))
        if lowest <= highest:
            y = min(max(eye - eye_line * h, lowest), highest)
            return Placement(w, h, round(y, 2), round(full_h / h, 3), True)
    y = min(max(eye - eye_line * full_h, 0.0), min(face_top, float(src_h - full_h)))
    return Placement(full_w, full_h, round(max(0.0, y), 2), 1.0, False)
