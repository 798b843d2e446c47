"""The analysis decode stream: every frame of a file, small, upright, with its true time.

One pass of this stream feeds every analysis signal (shots, frame statistics, and later faces,
motion and audio), so a file is decoded once for all of them. Frames are scaled by the decoder's
own scaler (C code, not Python), turned upright according to the rotation metadata, and carry
their presentation time in seconds from the first frame, which is what variable-frame-rate
input needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import av
import cv2
import numpy as np

from editor.analysis.model import ANALYSIS_WIDTH
from editor.errors import AutocutError
from editor.media.probe import Media

ANALYSIS_DECODER_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}
"""Decoder shortcuts for analysis only: skipping the deblocking filter and allowing the
decoder's fast paths change pixels by a few levels at full size and nothing visible at
analysis size, and make H.264/HEVC decoding about 1.5-2x faster. Never used for rendering."""


@dataclass(frozen=True)
class Frame:
    """One analysis frame: 0-based decode index, seconds from the first frame, BGR pixels."""

    index: int
    time: float
    image: np.ndarray


def analysis_size(media: Media, width: int = ANALYSIS_WIDTH) -> tuple[int, int]:
    """Display-oriented analysis size (width, height): ``width`` wide, even, aspect kept."""
    width = min(width, media.width) // 2 * 2
    height = max(2, round(media.height * width / media.width / 2) * 2)
    return width, height


def analysis_frames(media: Media, width: int = ANALYSIS_WIDTH) -> Iterator[Frame]:
    """Decode ``media`` once, yielding small upright BGR frames in presentation order."""
    out_w, out_h = analysis_size(media, width)
    upright = media.rotation in (90, -90)
    # The scaler works on coded (stored) pictures; rotate after scaling, which is cheap.
    scale_w, scale_h = (out_h, out_w) if upright else (out_w, out_h)
    turns = {0: 0, 90: 1, -90: -1, 180: 2}[media.rotation]
    try:
        with av.open(str(media.path), metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            stream.codec_context.options = ANALYSIS_DECODER_OPTIONS
            time_base = stream.time_base
            first_pts = None
            for index, frame in enumerate(container.decode(stream)):
                pts = frame.pts if frame.pts is not None else frame.dts
                if first_pts is None:
                    first_pts = pts or 0
                time = (
                    float((pts - first_pts) * time_base) if pts is not None else index / media.fps
                )
                image = small_bgr(frame, scale_w, scale_h)
                if turns:
                    image = np.ascontiguousarray(np.rot90(image, turns))
                yield Frame(index=index, time=time, image=image)
    except av.FFmpegError as exc:
        raise AutocutError(media.path, f"decoding failed ({exc})") from None


def small_bgr(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """``frame`` scaled down to ``width`` x ``height`` BGR.

    For 4:2:0 pictures (nearly all video) the three planes are shrunk directly by OpenCV,
    first by skipping pixels down to about twice the target size and then by averaging, and
    only the small result is converted to BGR: about 1.5x faster than converting the full
    picture. Other formats go through the decoder library's scaler.
    """
    if frame.format.name not in ("yuv420p", "yuvj420p") or frame.width < 2 * width:
        return frame.to_ndarray(width=width, height=height, format="bgr24", interpolation="AREA")
    skip = max(1, frame.width // (2 * width))
    luma = _plane(frame, 0, frame.width)[::skip, ::skip]
    u = _plane(frame, 1, frame.width // 2)[::skip, ::skip]
    v = _plane(frame, 2, frame.width // 2)[::skip, ::skip]
    half = (width // 2, height // 2)
    i420 = np.concatenate(
        [
            cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA).reshape(-1),
            cv2.resize(u, half, interpolation=cv2.INTER_AREA).reshape(-1),
            cv2.resize(v, half, interpolation=cv2.INTER_AREA).reshape(-1),
        ]
    ).reshape(height * 3 // 2, width)
    return cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)


def _plane(frame: av.VideoFrame, index: int, width: int) -> np.ndarray:
    """Plane ``index`` of ``frame`` as a (height, width) uint8 view, without copying."""
    plane = frame.planes[index]
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, :width]
