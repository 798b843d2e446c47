"""Frame rates and frame counts of an exported cut. Pure.

What is decided here:

- **The rate written into the files.** A preset's ``fps`` is a float; 29.97 or
  29.97002997… both mean the NTSC rate 30000/1001, and editing programs need that exact
  fraction (a timeline at 2997/100 fps drifts from its media by a frame every 5.6 minutes).
  A float within :data:`NTSC_TOLERANCE` fps of an NTSC rate is that rate; any other float is
  the nearest fraction with a small denominator (24, 25, 30, 12.5 = 25/2).
- **Frame counts.** The EDL's times are seconds on output frames, rounded to microseconds;
  they are counted back into frames with the same ``fps`` float the plan counted them with,
  to the nearest frame, halves up (:func:`frame_of`). Source points are counted in output
  frames too: that is the grid an editing program cuts on.
- **Timecode.** NTSC rates count non-drop-frame timecode: it names frames one by one, the same
  way in every format written, and a 30 s trailer never reaches the first dropped number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

NTSC_RATES = (
    Fraction(24000, 1001),
    Fraction(30000, 1001),
    Fraction(48000, 1001),
    Fraction(60000, 1001),
    Fraction(120000, 1001),
)
"""The 1000/1001 rates of NTSC video that editing programs know by their exact fraction."""
NTSC_TOLERANCE = 0.005
"""How far (fps) a float may be from an NTSC rate and still mean it: 29.97 is 30000/1001."""
MAX_DENOMINATOR = 100
"""Other rates are read as the nearest fraction with at most this denominator."""
ROUNDING_SLACK = 1e-4
"""Frames of rounding noise a time may carry (the EDL rounds seconds to microseconds)."""


@dataclass(frozen=True)
class Rate:
    """The frame rate of an output: ``fps`` as the EDL counts frames with it, ``exact`` as
    it is written into the files."""

    fps: float
    exact: Fraction

    @property
    def timebase(self) -> int:
        """Frames per timecode second (30 for 30000/1001)."""
        return math.ceil(self.exact)

    @property
    def frame_duration(self) -> Fraction:
        """Seconds per frame, exactly (1001/30000 for 30000/1001)."""
        return 1 / self.exact

    @property
    def otio_rate(self) -> float:
        """The rate as OpenTimelineIO stores it (a double of the exact fraction)."""
        return float(self.exact)

    def frames(self, seconds: float) -> int:
        """Output frames at ``seconds`` (see :func:`frame_of`)."""
        return frame_of(seconds, self.fps)

    def seconds(self, frames: int) -> Fraction:
        """Exact seconds of ``frames`` output frames at the exact rate."""
        return frames * self.frame_duration


def rate_of(fps: float) -> Rate:
    """The exact rate an output at ``fps`` is written at (see the module notes)."""
    if fps <= 0 or not math.isfinite(fps):
        raise ValueError(f"not a frame rate: {fps!r}")
    for ntsc in NTSC_RATES:
        if abs(fps - float(ntsc)) <= NTSC_TOLERANCE:
            return Rate(fps, ntsc)
    return Rate(fps, Fraction(fps).limit_denominator(MAX_DENOMINATOR))


def frame_of(seconds: float, fps: float) -> int:
    """The output frame ``seconds`` falls on: nearest, halves up, with the EDL's rounding
    noise (:data:`ROUNDING_SLACK`) read as the half it was."""
    return math.floor(seconds * fps + 0.5 + ROUNDING_SLACK)


def timecode(frames: int, rate: Rate) -> str:
    """Non-drop-frame timecode ``HH:MM:SS:FF`` of a frame count at ``rate``."""
    base = rate.timebase
    seconds, frame = divmod(frames, base)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:02d}:{minute:02d}:{second:02d}:{frame:02d}"
