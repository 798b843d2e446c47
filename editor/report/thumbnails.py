"""Small pictures of every segment, taken from the rendered output itself.

What is decided here:

- **Which frame.** A segment's thumbnail is the output frame on screen at the middle of its
  output time (:func:`thumbnail_times`): well away from any crossfade at either end, so it
  shows the segment alone, and taken from the MP4 as delivered, so the review sees what the
  viewer will (framing, captions, logo), not a reconstruction of it.
- **How it is read.** The renderer's own source reader (:class:`SourceReader`) decodes the
  MP4: asked for times in increasing order it reads forward and seeks only across gaps, so
  an output costs one pass or a few seeks, never a decode per thumbnail.
- **Size.** Thumbnails are :data:`THUMB_HEIGHT` pixels high, aspect kept, JPEG at
  :data:`THUMB_QUALITY`: a few kilobytes each, small enough to embed every one in the page.
  The 4:2:0 planes are shrunk before the colour conversion, which then costs next to
  nothing even for a full-size output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from editor.assemble.edl import Edl
from editor.errors import AutocutError
from editor.media.probe import probe
from editor.render.frames import to_rgb
from editor.render.pictures import SourceReader

THUMB_HEIGHT = 160
THUMB_QUALITY = 70


def thumbnail_times(edl: Edl) -> list[float]:
    """Output seconds of each segment's thumbnail, in segment order: the middle of the
    output frame at the middle of the segment's time on screen (never past the last
    frame)."""
    last = max(edl.frame_count - 1, 0)
    times = []
    for seg in edl.segments:
        index = min(last, int((seg.out_in + seg.out_out) / 2 * edl.fps + 1e-6))
        times.append(round((index + 0.5) / edl.fps, 6))
    return times


def thumbnail_size(width: int, height: int, target: int = THUMB_HEIGHT) -> tuple[int, int]:
    """(width, height) of a thumbnail of a ``width`` x ``height`` picture: ``target`` high
    (never enlarged), aspect kept, both even."""
    high = min(target, height) // 2 * 2
    wide = max(2, round(width * high / max(height, 1) / 2) * 2)
    return wide, max(2, high)


def read_thumbnails(video: Path, times: Sequence[float]) -> list[bytes]:
    """A JPEG of the frame of ``video`` on screen at each of ``times`` (seconds from its
    first frame), in the order given; read in time order (module notes)."""
    media = probe(video)
    size = thumbnail_size(media.width, media.height)
    reader = SourceReader(media)
    found: dict[int, bytes] = {}
    try:
        for k in sorted(range(len(times)), key=lambda i: times[i]):
            found[k] = jpeg(small_rgb(reader.picture(times[k]), size))
    finally:
        reader.close()
    return [found[k] for k in range(len(times))]


def small_rgb(picture: tuple[np.ndarray, ...], size: tuple[int, int]) -> np.ndarray:
    """A 4:2:0 picture shrunk to ``size`` (even) and only then converted to RGB."""
    y, u, v = picture
    half = (size[0] // 2, size[1] // 2)
    small = (
        cv2.resize(y, size, interpolation=cv2.INTER_AREA),
        cv2.resize(u, half, interpolation=cv2.INTER_AREA),
        cv2.resize(v, half, interpolation=cv2.INTER_AREA),
    )
    return to_rgb(small)


def jpeg(rgb: np.ndarray, quality: int = THUMB_QUALITY) -> bytes:
    """``rgb`` as JPEG bytes."""
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise AutocutError("thumbnail", "the picture could not be encoded as JPEG")
    return data.tobytes()
