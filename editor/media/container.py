"""Opening a media file with PyAV, the same way everywhere.

Container metadata (titles, comments) is free text that some files store in an encoding
other than UTF-8. It never matters to autocut, so it must never stop a file from opening:
PyAV before 19 raises on such bytes unless told to ignore them (``metadata_errors``);
PyAV 19 and later decode them leniently by itself and no longer accepts that argument.

Damaged files (a bad sector, a broken download, a stream cut and spliced) hold packets the
decoder rejects. Like ffmpeg itself, autocut skips such a packet and goes on: the decoder
conceals the damage until the next keyframe, and frames keep their own times, so the
analysis and the renderers, which skip the same packets, agree on every frame. Only a long
run of rejected packets means the stream is not there to decode (:class:`PacketDecoder`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from editor.errors import AutocutError

if TYPE_CHECKING:
    import av.container
    import av.stream

MAX_BAD_PACKETS = 250
"""Rejected packets in a row after which a stream is given up as undecodable (about 8 s of
video at 30 fps): scattered damage is skipped, a stream of garbage is an error."""


@functools.cache
def _open_options() -> dict[str, str]:
    import av

    major = int(str(av.__version__).split(".", 1)[0])
    return {"metadata_errors": "ignore"} if major < 19 else {}


def open_input(path: str | Path) -> av.container.InputContainer:
    """``path`` opened for reading (a context manager, like ``av.open``)."""
    import av

    return av.open(str(path), **_open_options())


class PacketDecoder:
    """Decodes one stream's packets, skipping those the decoder rejects as invalid data."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self.skipped = 0
        self._in_a_row = 0

    def frames(self, packet: av.Packet) -> list:
        """The frames ``packet`` completes: none when it is damaged."""
        import av

        try:
            frames = packet.decode()
        except av.InvalidDataError as exc:
            self.skipped += 1
            self._in_a_row += 1
            if self._in_a_row > MAX_BAD_PACKETS:
                raise AutocutError(
                    self.path, f"decoding failed: {self._in_a_row} damaged packets in a row ({exc})"
                ) from None
            return []
        self._in_a_row = 0
        return frames


def video_frames(
    container: av.container.InputContainer, stream: av.stream.Stream
) -> Iterator[av.VideoFrame]:
    """Every frame of ``stream`` from the container's position on, damaged packets skipped."""
    decoder = PacketDecoder(container.name)
    for packet in container.demux(stream):
        yield from decoder.frames(packet)
