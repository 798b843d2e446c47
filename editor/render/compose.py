"""Render an EDL to an MP4: MoviePy lays out the timeline, ffmpeg reads and encodes.

The renderer takes the EDL and nothing else. Each segment becomes a MoviePy clip whose
frames stream from :mod:`editor.render.source` (already reframed and scaled by ffmpeg) and
whose sound is the source's, or silence, so every output has the AAC track platforms expect.
The file is written under a temporary name and renamed into place only once complete.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from editor.assemble.edl import Edl
from editor.atomic import atomic_output
from editor.media.encode import AUDIO_RATE, x264_options
from editor.media.ffmpeg import ffmpeg_exe
from editor.render.source import SegmentFrames, segment_audio


@functools.cache
def _moviepy():
    """Import MoviePy configured to use autocut's ffmpeg (it reads the variable on import)."""
    os.environ["FFMPEG_BINARY"] = ffmpeg_exe()
    import moviepy

    return moviepy


def render_edl(edl: Edl, path: Path, logger: str | None = None) -> Path:
    """Render ``edl`` to ``path`` (an .mp4). ``logger="bar"`` shows MoviePy's progress bar."""
    mp = _moviepy()
    readers = [SegmentFrames(seg, edl) for seg in edl.segments]
    try:
        parts = [_segment_clip(mp, reader, edl) for reader in readers]
        timeline = mp.concatenate_videoclips(parts, method="chain")
        with atomic_output(path) as tmp:
            timeline.write_videofile(
                str(tmp),
                fps=edl.fps,
                codec="libx264",
                preset=edl.x264_preset,
                audio_codec="aac",
                audio_fps=AUDIO_RATE,
                audio_bitrate=f"{edl.audio_bitrate_kbps}k",
                temp_audiofile=str(tmp.with_suffix(".audio.m4a")),
                ffmpeg_params=x264_options(edl.fps, edl.video_bitrate_kbps),
                threads=os.cpu_count(),
                logger=logger,
            )
    finally:
        for reader in readers:
            reader.close()
    return path


def _segment_clip(mp, reader: SegmentFrames, edl: Edl):
    """A MoviePy clip over one segment; frames are read only when the writer asks."""
    clip = mp.VideoClip(duration=reader.count / edl.fps)
    clip.frame_function = lambda t: reader.frame(int(np.floor(t * edl.fps + 1e-6)))
    clip.size = (edl.width, edl.height)
    clip.fps = edl.fps
    return clip.with_audio(mp.AudioArrayClip(segment_audio(reader.seg), fps=AUDIO_RATE))
