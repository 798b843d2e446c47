"""Render a reframe plan: every source frame through its planned layout into a delivery MP4.

What is decided here:

- **Pixels.** Frames are decoded at full quality and kept as 4:2:0 planes from decoder to
  encoder (:mod:`editor.render.frames`): no colour conversion, a third of RGB's bytes through
  the pipe. Sources in another pixel format, in full range or in BT.601 colours are converted
  once to limited-range BT.709 4:2:0 on decode, so the output's colour tags are true. Rotated
  sources are turned upright; interlaced ones are deinterlaced
  (:mod:`editor.render.deinterlace`). Decoding runs a few frames ahead in its own thread.
- **Frames.** The output has a constant frame rate, the plan's, and lasts the source's
  duration. Source frames are placed by their times: output frame ``k`` shows the source
  frame on screen at ``(k + 0.5) / fps``, so a constant-rate source at the plan's rate gives
  exactly one output frame per source frame, a variable-rate one is resampled, and a frame
  is repeated over a gap (frames a damaged stream lost), never stretched: sound and picture
  never drift apart.
- **Sound.** The source's first audio stream, from the moment the first picture shows, is
  muxed in by ffmpeg, resampled to the delivery format, padded with silence or cut to end
  with the last picture. A source without sound gets a silent track (players and platforms
  that expect one are happy), or none with ``audio="none"``.
- **Memory.** A few frames at a time, whatever the length.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from editor.atomic import atomic_output
from editor.errors import AutocutError
from editor.media.container import open_input, video_frames
from editor.media.decode import plane_array, prefetch
from editor.media.encode import (
    AUDIO_CHANNELS,
    AUDIO_RATE,
    audio_args,
    downmix_filter,
    video_args,
)
from editor.media.ffmpeg import pipe_to_ffmpeg
from editor.media.probe import Media
from editor.reframe.plan import ReframePlan, ShotFraming
from editor.render.deinterlace import progressive
from editor.render.frames import Canvas, Planes, crop_layout, fit_layout, split_layout, to_rgb

AUDIO_MODES = ("auto", "none")
"""``auto``: the source's sound, or a silent track when it has none; ``none``: no audio."""

PREFETCH_FRAMES = 4
"""Full-size source frames decoded ahead of the layout work (about 3 MB each at 1080p)."""

TURNS = {0: None, 90: cv2.ROTATE_90_COUNTERCLOCKWISE, -90: cv2.ROTATE_90_CLOCKWISE,
          180: cv2.ROTATE_180}  # fmt: skip


@dataclass(frozen=True)
class RenderOptions:
    """Encoder settings of one render (the delivery format itself is fixed)."""

    video_kbps: int = 8000
    audio_kbps: int = 192
    x264_preset: str = "veryfast"
    audio: str = "auto"


def source_pictures(media: Media) -> Iterator[tuple[float, Planes]]:
    """Full-size upright 4:2:0 pictures of ``media`` with their times (seconds from the first
    frame), in presentation order."""
    turn = TURNS[media.rotation]
    try:
        with open_input(media.path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            first = None
            for frame in progressive(video_frames(container, stream)):
                if first is None:
                    first = frame.time or 0.0
                time = (frame.time - first) if frame.time is not None else 0.0
                picture = to_planes(frame)
                if turn is not None:
                    picture = tuple(cv2.rotate(plane, turn) for plane in picture)
                yield time, picture
    except av.FFmpegError as exc:
        raise AutocutError(media.path, f"decoding failed ({exc})") from None


def to_planes(frame: av.VideoFrame) -> Planes:
    """The frame's limited-range BT.709 4:2:0 planes (views into the frame when it already
    is one, else converted)."""
    full_range = frame.format.name.startswith("yuvj") or int(frame.color_range) == 2
    colours = int(frame.colorspace)
    bt601 = colours in (5, 6) or (colours == 2 and frame.height < 720)  # unspecified SD: 601
    if frame.format.name != "yuv420p" or full_range or bt601:
        frame = frame.reformat(
            format="yuv420p",
            src_colorspace="ITU601" if bt601 else "ITU709",
            dst_colorspace="ITU709",
            src_color_range="JPEG" if full_range else "MPEG",
            dst_color_range="MPEG",
        )
    chroma_w = (frame.width + 1) // 2
    return (
        plane_array(frame, 0, frame.width),
        plane_array(frame, 1, chroma_w),
        plane_array(frame, 2, chroma_w),
    )


class PlanFeed:
    """A reframe plan that arrives shot by shot while the renderer is already at work.

    Analysis hands over each shot once it is settled (:func:`editor.analysis.analyze.analyze`);
    the renderer asks for frames in order and waits for the ones not planned yet.
    """

    def __init__(self, width: int, height: int, fps: float, frame_count: int) -> None:
        self.width, self.height, self.fps, self.frame_count = width, height, fps, frame_count
        self._frames: list[tuple[str, list[tuple]]] = []
        self._done = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None

    @property
    def planned(self) -> int:
        """Frames planned so far."""
        with self._done:
            return len(self._frames)

    def add(self, framing: ShotFraming, boxes: np.ndarray) -> None:
        """Append the frames of one framing unit (boxes: frames x panels x 4)."""
        rows = [(framing.layout, [tuple(float(v) for v in b) for b in frame]) for frame in boxes]
        with self._done:
            self._frames.extend(rows)
            self._done.notify_all()

    def close(self, error: BaseException | None = None) -> None:
        """No more frames; with ``error``, the renderer stops with it."""
        with self._done:
            self._closed, self._error = True, error
            self._done.notify_all()

    def frame(self, index: int) -> tuple[str, list[tuple]] | None:
        """Layout and boxes of frame ``index``, waiting until it is planned (None past the
        end of a closed feed)."""
        with self._done:
            self._done.wait_for(lambda: index < len(self._frames) or self._closed)
            if self._error is not None:
                raise self._error
            return self._frames[index] if index < len(self._frames) else None


def layout(picture: Planes, plan: ReframePlan, index: int, canvas: Canvas | None = None) -> Planes:
    """Source frame ``index`` laid out as the plan says (drawn on ``canvas``'s arrays)."""
    entry = plan.frame(index)
    if entry is None:
        raise AutocutError("plan", f"has no frame {index}")
    return draw(picture, *entry, (plan.width, plan.height), canvas)


def draw(
    picture: Planes, kind: str, boxes: list, size: tuple[int, int], canvas: Canvas | None = None
) -> Planes:
    """``picture`` in layout ``kind`` with ``boxes`` at ``size``."""
    if kind == "split":
        return split_layout(picture, boxes, size, canvas)
    if kind == "fit":
        return fit_layout(picture, boxes[0], size, canvas)
    return crop_layout(picture, boxes[0], size, canvas)


def output_frame_count(media: Media, plan: ReframePlan | PlanFeed) -> int:
    """Frames in the output: the source's duration at the plan's rate."""
    return max(1, round(media.duration * plan.fps))


def outputs_before(time: float, fps: float) -> int:
    """How many output frames (at ``fps``) start showing before a source frame at ``time``
    takes over: frames ``k`` with ``(k + 0.5) / fps < time``."""
    return max(0, math.ceil(time * fps - 0.5))


def output_pictures(
    media: Media, plan: ReframePlan | PlanFeed, progress: Callable[[int], None] | None = None
) -> Iterator[Planes]:
    """The output frames of ``plan`` over ``media``, in order (see module notes)."""
    total = output_frame_count(media, plan)
    done = 0
    held: Planes | None = None
    canvas = Canvas()
    sources = prefetch(source_pictures(media), PREFETCH_FRAMES)
    for index, (time, picture) in enumerate(sources):
        entry = plan.frame(index)
        if entry is None:
            break
        if held is not None:
            upto = min(total, outputs_before(time, plan.fps))
            for _ in range(done, upto):
                yield held
            done = max(done, upto)
        held = draw(picture, *entry, (plan.width, plan.height), canvas)
        if progress is not None:
            progress(1)
    if held is None:
        raise AutocutError(media.path, "no video frame could be decoded")
    for _ in range(done, total):  # the last frame, and any frames the decoder did not give
        yield held


def encoder_args(media: Media, plan: ReframePlan | PlanFeed, options: RenderOptions) -> list[str]:
    """ffmpeg arguments reading raw 4:2:0 frames on stdin and writing the delivery MP4 (the
    output path follows)."""
    if options.audio not in AUDIO_MODES:
        raise AutocutError("audio", f"unknown audio mode {options.audio!r} (use auto, none)")
    rate = Fraction(plan.fps).limit_denominator(1001 * 1000)
    total = output_frame_count(media, plan)
    duration = total / float(rate)
    args = [
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{plan.width}x{plan.height}",
        "-framerate", f"{rate.numerator}/{rate.denominator}",
        "-color_range", "tv", "-colorspace", "bt709", "-i", "-",
    ]  # fmt: skip
    samples = round(duration * AUDIO_RATE)
    if options.audio == "none":
        args += ["-map", "0:v:0", "-an"]
    elif media.has_audio:
        args += ["-ss", f"{audio_offset(media):.6f}", "-i", str(media.path)]
        args += ["-map", "0:v:0", "-map", "1:a:0"]
        args += ["-af", f"{downmix_filter()},aresample={AUDIO_RATE}:async=1:first_pts=0,"
                 f"apad,atrim=end_sample={samples}"]  # fmt: skip
    else:
        layout_name = "stereo" if AUDIO_CHANNELS == 2 else "mono"
        args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl={layout_name}"]
        args += ["-map", "0:v:0", "-map", "1:a:0", "-af", f"atrim=end_sample={samples}"]
    if options.audio != "none":
        args += audio_args(options.audio_kbps)
    args += ["-frames:v", str(total)]
    args += video_args(float(rate), options.video_kbps, options.x264_preset)
    return [*args, "-f", "mp4"]


def audio_offset(media: Media) -> float:
    """Where the first picture shows, in seconds on ffmpeg's input timeline for the file
    (which starts at the container's earliest timestamp): the seek that lines sound up."""
    try:
        with open_input(media.path) as container:
            start = container.start_time
    except av.FFmpegError as exc:
        raise AutocutError(media.path, f"not readable ({exc})") from None
    container_start = start / av.time_base if start is not None else 0.0
    return max(0.0, media.start_time - container_start)


def render_plan(
    media: Media,
    plan: ReframePlan | PlanFeed,
    path: Path,
    progress: Callable[[int], None] | None = None,
    options: RenderOptions = RenderOptions(),
) -> Path:
    """Write ``plan`` applied to ``media`` to ``path`` (H.264/AAC delivery MP4)."""
    args = encoder_args(media, plan, options)
    frames = (plane for picture in output_pictures(media, plan, progress) for plane in picture)
    with atomic_output(path) as tmp:
        pipe_to_ffmpeg([*args, str(tmp)], frames, what=path)
    return path


def debug_frames(media: Media, plan: ReframePlan, faces: np.ndarray) -> Iterator[np.ndarray]:
    """The source with the plan drawn on it: output regions in green (one per panel), face
    boxes in yellow with their track ids, and each shot's mode, for checking by eye."""
    rows_by_frame = np.split(faces, np.searchsorted(faces[:, 0], np.arange(1, plan.frame_count)))
    shot_of = np.zeros(plan.frame_count, dtype=int)
    for k, framing in enumerate(plan.shots):
        shot_of[framing.start_frame : framing.end_frame] = k
    for index, (_time, picture) in enumerate(source_pictures(media)):
        if index >= plan.frame_count:
            break
        canvas = to_rgb(picture)
        for box in plan.frame_boxes(index):
            x, y, w, h = (round(v) for v in box)
            cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), (0, 255, 0), 3)
        for row in rows_by_frame[index]:
            x, y, w, h = (int(v) for v in row[2:6])
            cv2.rectangle(canvas, (x, y), (x + w, y + h), (255, 220, 0), 2)
            cv2.putText(canvas, f"#{int(row[1])}", (x, max(12, y - 6)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 220, 0), 2)  # fmt: skip
        mode = plan.shots[shot_of[index]].mode
        cv2.putText(canvas, f"{index} {mode}", (12, 32),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 255, 0), 2)  # fmt: skip
        yield canvas


def render_debug(
    media: Media,
    plan: ReframePlan,
    faces: np.ndarray,
    path: Path,
    options: RenderOptions = RenderOptions(),
) -> Path:
    """Write the debug view (:func:`debug_frames`) of ``plan`` to ``path``, source size (to
    even numbers), no sound."""
    width, height = media.width // 2 * 2, media.height // 2 * 2
    rate = Fraction(plan.fps).limit_denominator(1001 * 1000)
    args = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
        "-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "-",
        *video_args(float(rate), options.video_kbps, options.x264_preset), "-f", "mp4",
    ]  # fmt: skip
    with atomic_output(path) as tmp:
        pipe_to_ffmpeg([*args, str(tmp)], debug_frames(media, plan, faces), what=path)
    return path
