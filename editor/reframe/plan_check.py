"""What a reframe plan document must be before it is rendered (``autocut reframe --plan``).

A plan handed in by a user is often hand-edited, so nothing in it is taken on trust: every
key is where the contract says, every number is finite and of the right kind, every frame
of the video has exactly one entry, in order, and every box is a real region of the source
picture. A box that leaves the picture or has no size would render black, grey or smeared
video without complaint, so it is refused instead, naming the first frame where it occurs.
What is decided here:

- **Output.** Width and height even (4:2:0) and within the presets' limits; a frame rate
  from :data:`MIN_FPS` to :data:`MAX_FPS`.
- **Boxes.** ``crop`` and ``fit`` frames have one box, ``split`` frames
  :data:`MIN_PANELS` to :data:`MAX_PANELS`; each box is at least :data:`MIN_BOX` pixels
  each way and lies inside the source frame, up to :data:`EDGE_SLACK` of a pixel (positions
  are written to 1/100 px).
- **Shots.** Shots cover the frames from first to last without gaps or overlaps, each with
  a known camera mode.
"""

from __future__ import annotations

import math

from editor.preset import MAX_SIDE, MIN_SIDE
from editor.reframe.plan import LAYOUTS, MODES, PLAN_VERSION

MIN_FPS = 1.0
MAX_FPS = 240.0
MIN_PANELS = 2
MAX_PANELS = 4
MIN_BOX = 2.0
"""Smallest box side in source pixels: a 4:2:0 picture has no smaller colour sample."""
EDGE_SLACK = 0.01


class PlanProblem(ValueError):
    """What is wrong with a plan document, in words for its author."""


def check_plan_document(data: object, width: int, height: int, frame_count: int) -> None:
    """Raise :class:`PlanProblem` unless ``data`` (parsed JSON) is a renderable plan for a
    ``width`` x ``height`` source (display orientation) of ``frame_count`` frames."""
    doc = _table(data, "the plan")
    if doc.get("version") != PLAN_VERSION:
        raise PlanProblem(f"'version' must be {PLAN_VERSION}, not {doc.get('version')!r}")
    source = _table(doc.get("source"), "'source'")
    for key in ("width", "height", "frame_count"):
        _whole(source.get(key), f"'source.{key}'")
    _number(source.get("fps"), "'source.fps'")
    if (source["width"], source["height"]) != (width, height):
        raise PlanProblem(
            f"is for a {source['width']}x{source['height']} source, not {width}x{height}"
        )
    output = _table(doc.get("output"), "'output'")
    for key in ("width", "height"):
        side = _whole(output.get(key), f"'output.{key}'")
        if side % 2 or not MIN_SIDE <= side <= MAX_SIDE:
            raise PlanProblem(
                f"'output.{key}' must be even and from {MIN_SIDE} to {MAX_SIDE}, not {side}"
            )
    fps = _number(output.get("fps"), "'output.fps'")
    if not MIN_FPS <= fps <= MAX_FPS:
        raise PlanProblem(f"'output.fps' must be from {MIN_FPS:g} to {MAX_FPS:g}, not {fps:g}")
    frames = _list(doc.get("frames"), "'frames'")
    if len(frames) != frame_count:
        raise PlanProblem(f"plans {len(frames)} frames but the video has {frame_count}")
    for index, entry in enumerate(frames):
        _check_frame(entry, index, width, height)
    _check_shots(_list(doc.get("shots"), "'shots'"), frame_count)


def _check_frame(entry: object, index: int, width: int, height: int) -> None:
    where = f"frame {index}"
    frame = _table(entry, where)
    if frame.get("frame") != index or isinstance(frame.get("frame"), bool):
        raise PlanProblem(f"{where}: 'frame' must be {index}, not {frame.get('frame')!r}")
    layout = frame.get("layout")
    if layout not in LAYOUTS:
        raise PlanProblem(f"{where}: 'layout' must be one of {', '.join(LAYOUTS)}")
    boxes = _list(frame.get("boxes"), f"{where}: 'boxes'")
    low, high = (MIN_PANELS, MAX_PANELS) if layout == "split" else (1, 1)
    if not low <= len(boxes) <= high:
        count = f"{low} to {high}" if low != high else str(low)
        raise PlanProblem(f"{where}: a {layout} frame has {count} boxes, not {len(boxes)}")
    for box in boxes:
        values = _list(box, f"{where}: a box")
        if len(values) != 4:
            raise PlanProblem(f"{where}: a box is [x, y, w, h], not {box!r}")
        x, y, w, h = (_number(v, f"{where}: box {box!r}") for v in values)
        if w < MIN_BOX or h < MIN_BOX:
            raise PlanProblem(f"{where}: box {box!r} is smaller than {MIN_BOX:g} px")
        inside = x >= -EDGE_SLACK and y >= -EDGE_SLACK
        inside = inside and x + w <= width + EDGE_SLACK and y + h <= height + EDGE_SLACK
        if not inside:
            raise PlanProblem(f"{where}: box {box!r} leaves the {width}x{height} picture")


def _check_shots(shots: list, frame_count: int) -> None:
    expected = 0
    for k, entry in enumerate(shots):
        shot = _table(entry, f"shot {k}")
        start = _whole(shot.get("start_frame"), f"shot {k}: 'start_frame'")
        end = _whole(shot.get("end_frame"), f"shot {k}: 'end_frame'")
        if start != expected or end <= start:
            raise PlanProblem(
                f"shot {k}: frames {start}-{end} do not follow on from frame {expected}"
            )
        if shot.get("mode") not in MODES:
            raise PlanProblem(f"shot {k}: 'mode' must be one of {', '.join(MODES)}")
        if not isinstance(shot.get("reason"), str):
            raise PlanProblem(f"shot {k}: 'reason' must be a string")
        faces = shot.get("faces", [])
        if not isinstance(faces, list) or not all(_is_whole(f) for f in faces):
            raise PlanProblem(f"shot {k}: 'faces' must be a list of track ids")
        speaker = shot.get("speaker")
        if speaker is not None and not _is_whole(speaker):
            raise PlanProblem(f"shot {k}: 'speaker' must be a track id or null")
        expected = end
    if expected != frame_count:
        raise PlanProblem(f"the shots end at frame {expected}, the video at {frame_count}")


def _table(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise PlanProblem(f"{what} must be a JSON object")
    return value


def _list(value: object, what: str) -> list:
    if not isinstance(value, list):
        raise PlanProblem(f"{what} must be a list")
    return value


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value: object, what: str) -> int:
    if not _is_whole(value) or value < 0:
        raise PlanProblem(f"{what} must be a whole number, not {value!r}")
    return value


def _number(value: object, what: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value):
        raise PlanProblem(f"{what} must be a finite number, not {value!r}")
    return float(value)
