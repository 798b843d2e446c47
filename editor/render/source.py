"""Source material for one EDL segment, read through ffmpeg: reframed pictures and sound.

Pictures come from an ffmpeg pipe that seeks to the segment, converts to the output frame
rate, crops the planned window and scales it to the output size, all in C, so Python only
hands finished frames on. Only one pipe is open at a time while rendering: a segment's pipe
starts at its first frame and closes after its last. ffmpeg applies rotation metadata and
counts seek times from the file's first frame, which is how the EDL measures them.
"""

from __future__ import annotations

import subprocess

import numpy as np

from editor.assemble.edl import Edl, Segment
from editor.errors import AutocutError
from editor.media.encode import AUDIO_CHANNELS, AUDIO_RATE
from editor.media.ffmpeg import ffmpeg_exe


class SegmentFrames:
    """Output frames of one segment, produced in order; ``frame(i)`` for i = 0, 1, ..."""

    def __init__(self, seg: Segment, edl: Edl) -> None:
        self.seg = seg
        self.size = (edl.width, edl.height)
        self.fps = edl.fps
        self.count = round(seg.duration * edl.fps)
        self._proc: subprocess.Popen | None = None
        self._next = 0
        self._last: np.ndarray | None = None

    def frame(self, index: int) -> np.ndarray:
        index = min(max(index, 0), self.count - 1)
        if self._last is not None and index == self._next - 1:
            return self._last
        if self._proc is None or index < self._next:
            self._start(index)
        while self._next <= index:
            self._last = self._read_one()
            self._next += 1
        if self._next >= self.count:
            self.close()
        return self._last

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdout.close()
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def _start(self, index: int) -> None:
        self.close()
        x, y, w, h = self.seg.crop
        width, height = self.size
        start = self.seg.src_in + index / self.fps
        filters = (
            f"crop={w}:{h}:{x}:{y},fps={self.fps},"
            f"scale={width}:{height}:flags=bicubic,setsar=1,format=rgb24"
        )
        cmd = [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
            "-ss", f"{start:.6f}", "-i", self.seg.source,
            "-frames:v", str(self.count - index), "-an", "-sn",
            "-vf", filters, "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ]  # fmt: skip
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next = index

    def _read_one(self) -> np.ndarray:
        width, height = self.size
        need = width * height * 3
        data = self._proc.stdout.read(need) if self._proc else b""
        if len(data) < need:
            if self._last is None:
                raise AutocutError(self.seg.source, f"no picture at {self.seg.src_in:.3f} s")
            return self._last  # source ended a frame early: hold the last picture
        return np.frombuffer(data, np.uint8).reshape(height, width, 3)


def segment_audio(seg: Segment) -> np.ndarray:
    """The segment's sound as float samples (n, 2) at the delivery rate, exactly as long as
    the segment; silence where the source has no (or too little) audio."""
    samples = round(seg.duration * AUDIO_RATE)
    out = np.zeros((samples, AUDIO_CHANNELS), np.float32)
    if not seg.audio:
        return out
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-ss", f"{seg.src_in:.6f}", "-i", seg.source, "-t", f"{seg.duration:.6f}",
        "-map", "0:a:0", "-vn", "-sn",
        "-f", "f32le", "-ac", str(AUDIO_CHANNELS), "-ar", str(AUDIO_RATE), "-",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise AutocutError(seg.source, f"audio could not be read ({reason[-1] if reason else ''})")
    audio = np.frombuffer(done.stdout, np.float32).reshape(-1, AUDIO_CHANNELS)
    out[: min(samples, len(audio))] = audio[:samples]
    return out
