"""Render a reframe plan: every source frame through its planned layout into a delivery MP4.

Frames are decoded at full size (upright, as a player shows them), laid out by
:mod:`editor.render.frames` and streamed to the encoder; the source's sound is muxed in
from the source file itself. Memory stays at a few frames whatever the length. One output
frame per source frame, at the plan's frame rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np

from editor.atomic import atomic_output
from editor.errors import AutocutError
from editor.media.encode import audio_args, video_args
from editor.media.ffmpeg import pipe_to_ffmpeg
from editor.media.probe import Media
from editor.reframe.plan import ReframePlan
from editor.render.frames import crop_layout, fit_layout, split_layout

VIDEO_KBPS = 8000
AUDIO_KBPS = 192
X264_PRESET = "veryfast"


def source_frames(media: Media, limit: int | None = None) -> Iterator[np.ndarray]:
    """Full-size upright RGB frames of ``media`` in order (at most ``limit``)."""
    turns = {0: 0, 90: 1, -90: -1, 180: 2}[media.rotation]
    try:
        with av.open(str(media.path), metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for index, frame in enumerate(container.decode(stream)):
                if limit is not None and index >= limit:
                    break
                image = frame.to_ndarray(format="rgb24")
                yield np.rot90(image, turns) if turns else image
    except av.FFmpegError as exc:
        raise AutocutError(media.path, f"decoding failed ({exc})") from None


def laid_out_frames(
    media: Media, plan: ReframePlan, progress: Callable[[int], None] | None = None
) -> Iterator[np.ndarray]:
    """The output frames of ``plan`` over ``media``, in order."""
    size = (plan.width, plan.height)
    for index, image in enumerate(source_frames(media, plan.frame_count)):
        layout, boxes = plan.layouts[index], plan.frame_boxes(index)
        if layout == "split":
            yield split_layout(image, boxes, size)
        elif layout == "fit":
            yield fit_layout(image, boxes[0], size)
        else:
            yield crop_layout(image, boxes[0], size)
        if progress is not None:
            progress(1)


def debug_frames(media: Media, plan: ReframePlan, faces: np.ndarray) -> Iterator[np.ndarray]:
    """The source with the plan drawn on it: output regions in green (one per panel), face
    boxes in yellow with their track ids, and each shot's mode, for checking by eye."""
    rows_by_frame = np.split(faces, np.searchsorted(faces[:, 0], np.arange(1, plan.frame_count)))
    shot_of = np.zeros(plan.frame_count, dtype=int)
    for k, framing in enumerate(plan.shots):
        shot_of[framing.start_frame : framing.end_frame] = k
    for index, image in enumerate(source_frames(media, plan.frame_count)):
        canvas = np.ascontiguousarray(image)
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


def render_debug(media: Media, plan: ReframePlan, faces: np.ndarray, path: Path) -> Path:
    """Write the debug view (:func:`debug_frames`) of ``plan`` to ``path``, source size."""
    width, height = media.width // 2 * 2, media.height // 2 * 2
    args = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{media.width}x{media.height}",
        "-r", f"{plan.fps}", "-i", "-", "-vf", f"crop={width}:{height}:0:0",
        *video_args(plan.fps, VIDEO_KBPS, X264_PRESET), "-f", "mp4",
    ]  # fmt: skip
    with atomic_output(path) as tmp:
        pipe_to_ffmpeg([*args, str(tmp)], debug_frames(media, plan, faces), what=path)
    return path


def render_plan(
    media: Media,
    plan: ReframePlan,
    path: Path,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write ``plan`` applied to ``media`` to ``path`` (H.264/AAC delivery MP4)."""
    args = [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{plan.width}x{plan.height}",
        "-r", f"{plan.fps}", "-i", "-",
    ]  # fmt: skip
    if media.has_audio:
        args += ["-i", str(media.path), "-map", "0:v:0", "-map", "1:a:0", *audio_args(AUDIO_KBPS)]
        args += ["-t", f"{plan.frame_count / plan.fps:.6f}"]
    args += video_args(plan.fps, VIDEO_KBPS, X264_PRESET)
    with atomic_output(path) as tmp:
        pipe_to_ffmpeg(
            [*args, "-f", "mp4", str(tmp)], laid_out_frames(media, plan, progress), what=path
        )
    return path
