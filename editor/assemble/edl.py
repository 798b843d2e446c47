"""The edit decision list: the single source of truth for one output.

Everything a renderer needs is here (sources, in and out points, where the vertical window
sits, output format), and nothing else is passed to it. The JSON form is deterministic:
the same inputs, preset and seed give a byte-identical file.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

EDL_VERSION = 1


@dataclass(frozen=True)
class Segment:
    """One piece of one source placed on the output timeline (seconds).

    ``src_in``/``src_out`` count from the source's first frame; ``out_in``/``out_out`` from the
    start of the output. ``crop`` is the source window ``[x, y, w, h]`` in display pixels.
    ``audio`` says whether the source's sound plays under it (False: silence).
    """

    source: str
    src_in: float
    src_out: float
    out_in: float
    out_out: float
    shot: int
    crop: tuple[int, int, int, int]
    audio: bool

    @property
    def duration(self) -> float:
        return self.out_out - self.out_in


@dataclass(frozen=True)
class Edl:
    """A whole output: format, timeline and the decisions that produced it."""

    preset: str
    seed: int
    duration: float
    width: int
    height: int
    fps: float
    video_bitrate_kbps: int
    audio_bitrate_kbps: int
    x264_preset: str
    segments: tuple[Segment, ...]
    version: int = EDL_VERSION

    @property
    def frame_count(self) -> int:
        return round(self.duration * self.fps)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["segments"] = [{**dataclasses.asdict(s), "crop": list(s.crop)} for s in self.segments]
        return data

    def to_json(self) -> str:
        """Stable JSON: fixed key order, floats as computed (already rounded), newline at end."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> Edl:
        segments = tuple(Segment(**{**s, "crop": tuple(s["crop"])}) for s in data["segments"])
        return cls(**{**data, "segments": segments})
