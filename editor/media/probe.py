"""What a media file holds, read without ffprobe (none ships with the bundled ffmpeg).

Everything comes from PyAV: container and stream headers, one pass over the video packets
(demuxing only, no decoding) for the exact frame count, timestamps and whether the frame rate
varies, and one decoded frame for the rotation that the display matrix asks for.

Times are normalised the way editors think of them: ``start_time`` is the presentation time of
the first video frame in the container (some files start at 1.075 s, say); every other time in
autocut counts from that first frame, so it is 0.0 there.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from editor.errors import AutocutError
from editor.media.container import open_input, video_frames

if TYPE_CHECKING:
    import av


@dataclass(frozen=True)
class AudioStream:
    """One audio stream of a file."""

    index: int
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class Media:
    """A probed video file.

    ``width``/``height`` are the display size, after the rotation metadata is applied;
    ``coded_width``/``coded_height`` are the size of the decoded pictures.
    ``rotation`` is the display rotation in degrees as ffmpeg reports it (e.g. -90 for a phone
    clip stored sideways), normalised to one of -90, 0, 90, 180.
    ``fps`` is the nominal frame rate: the average rate, or for a variable-rate file
    (``variable_fps``) the rate of its most common frame step.
    """

    path: Path
    container: str
    video_codec: str
    pixel_format: str
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    fps_fraction: str
    variable_fps: bool
    frame_count: int
    duration: float
    start_time: float
    audio: tuple[AudioStream, ...]

    @property
    def has_audio(self) -> bool:
        return bool(self.audio)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["path"] = str(self.path)
        data["audio"] = [dataclasses.asdict(a) for a in self.audio]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def probe(path: str | Path) -> Media:
    """Probe ``path``; raise :class:`AutocutError` naming the file when it is not usable video."""
    path = Path(path)
    if not path.exists():
        raise AutocutError(path, "no such file")
    if path.is_dir():
        raise AutocutError(path, "is a folder, not a video file")
    import av  # loaded on first probe: reading cached results never needs it

    try:
        with open_input(path) as container:
            return _probe_open(path, container)
    except AutocutError:
        raise
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise AutocutError(path, f"not a readable video file ({_short(exc)})") from None


def _probe_open(path: Path, container: av.container.InputContainer) -> Media:
    if not container.streams.video:
        raise AutocutError(path, "has no video stream")
    stream = container.streams.video[0]
    codec = stream.codec_context
    audio = tuple(
        AudioStream(
            index=a.index,
            codec=a.codec_context.name,
            sample_rate=int(a.codec_context.sample_rate or 0),
            channels=int(a.codec_context.channels or 0),
        )
        for a in container.streams.audio
    )

    pts, durations = _packet_times(container, stream)
    if not pts:
        raise AutocutError(path, "has a video stream with no frames")
    time_base = stream.time_base or Fraction(1, 90000)
    first, last = pts[0], pts[-1]
    steps = [b - a for a, b in itertools.pairwise(pts)]
    last_step = durations[-1] or (sorted(steps)[len(steps) // 2] if steps else 0)
    variable = _is_variable(steps)
    rate = _step_rate(steps, time_base) if variable else None
    rate = rate or _frame_rate(stream, steps, time_base)
    frame_count = len(pts)
    duration = float((last - first + last_step) * time_base) if last_step else frame_count / rate

    rotation, pixel_format = _first_frame_facts(container, stream, path)
    coded_w, coded_h = int(codec.width), int(codec.height)
    width, height = (coded_h, coded_w) if rotation in (90, -90) else (coded_w, coded_h)

    return Media(
        path=path,
        container=container.format.name,
        video_codec=codec.name,
        pixel_format=pixel_format,
        width=width,
        height=height,
        coded_width=coded_w,
        coded_height=coded_h,
        rotation=rotation,
        fps=float(rate),
        fps_fraction=f"{rate.numerator}/{rate.denominator}",
        variable_fps=variable,
        frame_count=frame_count,
        duration=round(duration, 6),
        start_time=round(float(first * time_base), 6),
        audio=audio,
    )


def _packet_times(container, stream) -> tuple[list[int], list[int]]:
    """Presentation timestamps of all video packets, sorted, and their durations."""
    entries = []
    for packet in container.demux(stream):
        if packet.pts is None or packet.size == 0:
            continue
        entries.append((packet.pts, packet.duration or 0))
    entries.sort()
    container.seek(0, any_frame=False, backward=True)
    return [p for p, _ in entries], [d for _, d in entries]


def _frame_rate(stream, steps: list[int], time_base: Fraction) -> Fraction:
    """The nominal frame rate: the container's average rate, else the median frame step."""
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate and 0 < float(rate) < 1000:
            return Fraction(rate).limit_denominator(1001 * 1000)
    if steps:
        median = sorted(steps)[len(steps) // 2]
        if median > 0:
            return (1 / (median * time_base)).limit_denominator(1001 * 1000)
    raise AutocutError(stream.container.name, "has no usable frame rate")


def _step_rate(steps: list[int], time_base: Fraction) -> Fraction | None:
    """The rate of the most common frame step: a variable-rate file's nominal rate (its
    average rate is lower wherever frames were dropped, higher where they were doubled)."""
    counts = collections.Counter(s for s in steps if s > 0)
    if not counts:
        return None
    common = max(counts, key=lambda s: (counts[s], -s))
    return (1 / (common * time_base)).limit_denominator(1001 * 1000)


def _is_variable(steps: list[int]) -> bool:
    """Whether frame steps vary by more than timestamp rounding (one tick or 1 %)."""
    if len(steps) < 2:
        return False
    low, high = min(steps), max(steps)
    return high - low > max(1, 0.01 * high)


def _first_frame_facts(container, stream, path: Path) -> tuple[int, str]:
    """Rotation (from the display matrix) and pixel format, read off the first decoded frame."""
    for frame in video_frames(container, stream):
        rotation = round(getattr(frame, "rotation", 0) or 0)
        rotation = ((rotation + 180) % 360) - 180
        if rotation == -180:
            rotation = 180
        return rotation, frame.format.name
    raise AutocutError(path, "no video frame could be decoded")


def _short(exc: Exception) -> str:
    text = str(exc).split(": '", 1)[0]
    return text.removeprefix("[Errno ").split("] ", 1)[-1] if text.startswith("[Errno") else text
