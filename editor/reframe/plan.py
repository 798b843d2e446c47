"""The reframe plan: for every source frame, which layout and which source regions.

A plan is what the reframe planner decides and the renderer obeys, and nothing else passes
between them. It can be written out as JSON (the reframe plan contract) and read back, so a
plan can be inspected, edited or rendered later. Boxes are ``[x, y, w, h]`` in source pixels
in display orientation (after rotation metadata):

- ``crop``: one box, the region shown full-frame;
- ``split``: one box per panel, panels stacked top to bottom in box order;
- ``fit``: one box, the source region shown whole inside the frame over a blurred copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from editor.errors import AutocutError
from editor.media.probe import Media

PLAN_VERSION = 1
LAYOUTS = ("crop", "split", "fit")
MODES = ("stationary", "track", "split", "fit")


@dataclass(frozen=True)
class ShotFraming:
    """How one shot is framed: camera mode and why it was chosen."""

    start_frame: int
    end_frame: int
    mode: str
    reason: str
    faces: tuple[int, ...] = ()
    """Track ids (:data:`~editor.analysis.model.FACE_COLUMNS`) of the faces framed, in panel
    order for a split; empty when no face is."""
    speaker: int | None = None
    """Track id of the face found speaking in this shot, if one clearly is."""

    @property
    def layout(self) -> str:
        return {"split": "split", "fit": "fit"}.get(self.mode, "crop")


@dataclass(frozen=True)
class ReframePlan:
    """Per-frame layouts and boxes for a whole source, plus the output format.

    ``boxes`` has shape (frames, panels, 4) as float ``[x, y, w, h]`` (positions may be
    fractional: a slow pan moves by fractions of a pixel per frame); frames whose layout
    uses fewer panels repeat their last box in the unused rows (``panels[i]`` says how many
    count).
    """

    source_path: str
    source_width: int
    source_height: int
    source_fps: float
    width: int
    height: int
    fps: float
    shots: tuple[ShotFraming, ...]
    layouts: tuple[str, ...]
    panels: np.ndarray
    boxes: np.ndarray

    @property
    def frame_count(self) -> int:
        return len(self.layouts)

    def frame_boxes(self, frame: int) -> list[tuple[int, int, int, int]]:
        """The boxes that count for ``frame``."""
        count = int(self.panels[frame])
        return [tuple(_number(v) for v in box) for box in self.boxes[frame, :count]]

    def frame(self, index: int) -> tuple[str, list[tuple]] | None:
        """Layout and boxes of frame ``index`` (None past the end)."""
        if index >= self.frame_count:
            return None
        return self.layouts[index], self.frame_boxes(index)

    def max_upscale(self) -> float:
        """The largest enlargement of source pixels on any frame (output pixels per source
        pixel, by height): above 1 the picture is softer than the source can give."""
        heights = self.boxes[:, :, 3].astype(float)
        panel_h = self.height / np.maximum(self.panels, 1)
        fit = np.array([layout == "fit" for layout in self.layouts])
        rows = np.arange(self.frame_count)
        used = heights[rows, np.maximum(self.panels, 1) - 1]
        scale = np.where(fit, self.width / np.maximum(self.boxes[:, 0, 2], 1), panel_h / used)
        return float(scale.max()) if scale.size else 1.0

    def to_dict(self) -> dict:
        return {
            "version": PLAN_VERSION,
            "source": {
                "path": self.source_path,
                "width": self.source_width,
                "height": self.source_height,
                "fps": self.source_fps,
                "frame_count": self.frame_count,
            },
            "output": {"width": self.width, "height": self.height, "fps": self.fps},
            "shots": [
                {
                    "start_frame": s.start_frame,
                    "end_frame": s.end_frame,
                    "mode": s.mode,
                    "reason": s.reason,
                    "faces": list(s.faces),
                    "speaker": s.speaker,
                }
                for s in self.shots
            ],
            "frames": [
                {
                    "frame": i,
                    "layout": self.layouts[i],
                    "boxes": [list(b) for b in self.frame_boxes(i)],
                }
                for i in range(self.frame_count)
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":")) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> ReframePlan:
        frames = data["frames"]
        panels = np.array([len(f["boxes"]) for f in frames], dtype=np.int32)
        boxes = np.zeros((len(frames), max(1, int(panels.max(initial=1))), 4))
        for i, f in enumerate(frames):
            rows = np.asarray(f["boxes"], dtype=float).reshape(-1, 4)
            boxes[i, : len(rows)] = rows
            boxes[i, len(rows) :] = rows[-1]
        source, output = data["source"], data["output"]
        return cls(
            source_path=source["path"],
            source_width=int(source["width"]),
            source_height=int(source["height"]),
            source_fps=float(source["fps"]),
            width=int(output["width"]),
            height=int(output["height"]),
            fps=float(output["fps"]),
            shots=tuple(
                ShotFraming(
                    s["start_frame"],
                    s["end_frame"],
                    s["mode"],
                    s["reason"],
                    tuple(int(f) for f in s.get("faces", ())),
                    s.get("speaker"),
                )
                for s in data["shots"]
            ),
            layouts=tuple(f["layout"] for f in frames),
            panels=panels,
            boxes=boxes,
        )


def _number(value: float) -> int | float:
    """A box value as written in the plan: whole numbers as int, others to 1/100 px."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def read_plan(path: Path, media: Media) -> ReframePlan:
    """The plan in the JSON file at ``path``, checked against the video it is for
    (:mod:`editor.reframe.plan_check`): one AutocutError line naming the file and the
    first problem if it cannot be read or does not fit ``media``."""
    from editor.reframe.plan_check import PlanProblem, check_plan_document

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AutocutError(path, f"cannot read the plan ({exc.strerror})") from None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise AutocutError(path, f"not a reframe plan: not JSON ({exc})") from None
    try:
        check_plan_document(data, media.width, media.height, media.frame_count)
    except PlanProblem as exc:
        raise AutocutError(path, f"not a usable reframe plan: {exc}") from None
    return ReframePlan.from_dict(data)
