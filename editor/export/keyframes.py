"""The reframe of a segment as keyframes of its crop window. Pure.

An EDL holds the crop window of every output frame (:class:`~editor.assemble.edl.Framing`:
a layout and one box per panel). Editing programs animate a crop by keyframes with linear
interpolation in between, so that is what is handed over. What is decided here:

- **Where the keyframes are.** The first and last frame of a segment, the frames on both
  sides of a change of layout (or of panel count: windows are never interpolated across
  it, the layout switches from one frame to the next), and, between those, as few frames as
  keep every box corner within :data:`TOLERANCE` pixels of the window the renderer uses
  when interpolated linearly (greedy: each keyframe is as far from the one before as the
  frames in between allow). A still window is two keyframes; a steady pan is two more
  per change of direction or speed.
- **Frame numbers** count from the segment's first frame on screen (its ``out_in``), as
  :attr:`~editor.assemble.edl.Segment.frames` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from editor.assemble.edl import Framing

TOLERANCE = 0.5
"""Pixels any box edge may be off when keyframes are interpolated (half the 1 px promise,
so that the 0.01 px rounding of the stored values never adds up to it)."""

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Keyframe:
    """The crop window at segment frame ``frame``: its ``layout`` and ``boxes`` (one
    ``[x, y, w, h]`` per panel, in source pixels)."""

    frame: int
    layout: str
    boxes: tuple[Box, ...]

    def to_dict(self) -> dict:
        return {"frame": self.frame, "layout": self.layout, "boxes": [list(b) for b in self.boxes]}

    @classmethod
    def from_dict(cls, data: dict) -> Keyframe:
        boxes = tuple(tuple(float(v) for v in b) for b in data["boxes"])
        return cls(int(data["frame"]), str(data["layout"]), boxes)  # type: ignore[arg-type]


def keyframes(frames: Sequence[Framing], tolerance: float = TOLERANCE) -> tuple[Keyframe, ...]:
    """The fewest keyframes (see the module notes) that give back ``frames`` within
    ``tolerance`` pixels by :func:`window_at`."""
    out: list[Keyframe] = []
    for start, stop in _runs(frames):
        anchor = start
        out.append(_key(frames, anchor))
        while anchor < stop - 1:
            reach = anchor + 1
            while reach + 1 < stop and _straight(frames, anchor, reach + 1, tolerance):
                reach += 1
            out.append(_key(frames, reach))
            anchor = reach
    return tuple(out)


def window_at(keys: Sequence[Keyframe], frame: int) -> tuple[str, tuple[Box, ...]]:
    """The layout and boxes at segment ``frame``: linear between the keyframes around it
    when both have the same layout and panel count, else the earlier one's."""
    if not keys:
        raise ValueError("no keyframes")
    before = next((k for k in reversed(keys) if k.frame <= frame), keys[0])
    after = next((k for k in keys if k.frame >= frame), keys[-1])
    if after.frame == before.frame or not _same_kind(before, after):
        return before.layout, before.boxes
    weight = (frame - before.frame) / (after.frame - before.frame)
    boxes = tuple(
        tuple(a + (b - a) * weight for a, b in zip(box_a, box_b))
        for box_a, box_b in zip(before.boxes, after.boxes)
    )
    return before.layout, boxes  # type: ignore[return-value]


def _runs(frames: Sequence[Framing]) -> list[tuple[int, int]]:
    """Spans ``[start, stop)`` of frames with one layout and panel count."""
    runs, start = [], 0
    for i in range(1, len(frames) + 1):
        if i == len(frames) or not _same_framing_kind(frames[start], frames[i]):
            runs.append((start, i))
            start = i
    return runs


def _straight(frames: Sequence[Framing], a: int, b: int, tolerance: float) -> bool:
    """Whether every frame between ``a`` and ``b`` lies within ``tolerance`` of the line
    from ``a`` to ``b``."""
    first, last = frames[a].boxes, frames[b].boxes
    for i in range(a + 1, b):
        weight = (i - a) / (b - a)
        for box_a, box_b, box in zip(first, last, frames[i].boxes):
            for va, vb, v in zip(box_a, box_b, box):
                if abs(va + (vb - va) * weight - v) > tolerance:
                    return False
    return True


def _key(frames: Sequence[Framing], index: int) -> Keyframe:
    framing = frames[index]
    return Keyframe(index, framing.layout, tuple(tuple(b) for b in framing.boxes))  # type: ignore[misc]


def _same_framing_kind(a: Framing, b: Framing) -> bool:
    return a.layout == b.layout and len(a.boxes) == len(b.boxes)


def _same_kind(a: Keyframe, b: Keyframe) -> bool:
    return a.layout == b.layout and len(a.boxes) == len(b.boxes)
