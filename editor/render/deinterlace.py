"""Interlaced sources rendered as whole pictures, not as two fields woven together.

Broadcast and camcorder footage often stores each picture as two fields taken 1/50 or
1/60 s apart. Shown as it is stored, anything that moves has comb teeth on every edge, and
scaling a vertical crop up makes them worse. What is decided here:

- **Which frames.** Only those the decoder flags as interlaced; progressive footage passes
  untouched and costs nothing. The flag is read on every frame, since some files switch.
- **How.** FFmpeg's ``bwdif`` (motion-adaptive: still areas keep both fields' full detail,
  moving areas are interpolated from one field with help from the frames around it), one
  output picture per stored picture so frame counts, times and sound stay as they were.
  The filter needs the next picture to finish the current one, so pictures leave it one
  behind; the last one is flushed at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import av
import av.filter

FILTER = ("bwdif", "mode=send_frame:parity=auto:deint=interlaced")


def progressive(frames: Iterator[av.VideoFrame]) -> Iterator[av.VideoFrame]:
    """``frames`` as whole pictures: from the first interlaced one on, through ``bwdif``."""
    graph: _Deinterlacer | None = None
    for frame in frames:
        if graph is None:
            if not frame.interlaced_frame:
                yield frame
                continue
            graph = _Deinterlacer(frame)
        yield from graph.push(frame)
    if graph is not None:
        yield from graph.push(None)


class _Deinterlacer:
    """One ``bwdif`` filter graph set up for the size and format of its first frame."""

    def __init__(self, first: av.VideoFrame) -> None:
        self._graph = av.filter.Graph()
        source = self._graph.add_buffer(
            width=first.width,
            height=first.height,
            format=first.format.name,
            time_base=first.time_base,
        )
        bwdif = self._graph.add(*FILTER)
        sink = self._graph.add("buffersink")
        source.link_to(bwdif)
        bwdif.link_to(sink)
        self._graph.configure()

    def push(self, frame: av.VideoFrame | None) -> Iterator[av.VideoFrame]:
        """Feed one frame (None: the end) and take every picture that is ready."""
        self._graph.push(frame)
        while True:
            try:
                yield self._graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
