"""Render an edit to MP4s and cover JPEGs, one per edition. The renderer takes the EDLs and
nothing else.

An edit is delivered in as many editions as it has languages: the same pictures and sound,
each with its own captions and card texts (:mod:`editor.render.pictures`). What is decided
here:

- **Shared work.** The sound is mixed, mastered and encoded once (:mod:`editor.render.sound`)
  and every edition's video copies that AAC stream, so the loudness measured there is what
  is delivered. The pictures are composed once for up to :data:`ENCODERS_AT_ONCE` editions
  and each frame goes to one encoder per edition, all encoding at once: an edition beyond
  the first costs its encoder, not another decode of the footage.
- **Memory.** An x264 encoder at 1080x1920 (veryfast) holds about 300 MB, so editions are
  encoded :data:`ENCODERS_AT_ONCE` at a time: more languages take more rounds of
  composition, never more memory.
- **Files.** Each video and cover is written under a temporary name and renamed only once
  complete; the cover is the output frame at ``cover_time``, as rendered. Each edition's
  captions are also a soft subtitle track (``mov_text``) in its MP4.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from editor.assemble.edl import Edl
from editor.atomic import atomic_output
from editor.captions.languages import track_language
from editor.errors import AutocutError
from editor.media.decode import prefetch
from editor.media.encode import video_args
from editor.media.ffmpeg import ffmpeg_exe, ffmpeg_failure, pipe_to_many
from editor.media.probe import Media, probe
from editor.render.captions import caption_tracks
from editor.render.frames import Planes, to_rgb
from editor.render.pictures import AHEAD, output_pictures, same_edit
from editor.render.sound import write_sound

COVER_QUALITY = 92
ENCODERS_AT_ONCE = 4
"""Editions encoded together from one composition (see module notes)."""


@dataclass(frozen=True)
class Edition:
    """One output of an edit: its EDL, the MP4 to write and, optionally, its cover JPEG."""

    edl: Edl
    path: Path
    cover: Path | None = None


def render_edl(
    edl: Edl,
    path: Path,
    cover: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Render ``edl`` to ``path`` (an .mp4) and, with ``cover``, its cover picture (JPEG)."""
    render_editions([Edition(edl, path, cover)], progress)
    return path


def render_editions(
    editions: Sequence[Edition], progress: Callable[[int], None] | None = None
) -> None:
    """Render every edition of one edit (see module notes); ``progress`` hears of each
    output frame composed (``frame_count`` a round)."""
    if not editions:
        return
    edls = [e.edl for e in editions]
    if not same_edit(edls):
        raise ValueError("editions rendered together must be one edit")
    edl = edls[0]
    media = {s: probe(Path(s)) for s in sorted({seg.source for seg in edl.segments})}
    for card in edl.cards:
        media.setdefault(card.background.source, probe(Path(card.background.source)))
    folder = editions[0].path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = tempfile.TemporaryDirectory(prefix=".autocut-", dir=folder)
    except OSError as exc:
        raise AutocutError(folder, f"cannot be written ({exc.strerror or exc})") from None
    with work as scratch:
        # The sound is made while the first pictures are encoded (each mostly waits on the
        # other's processes); every edition's MP4 then copies it. It and the encoded
        # pictures wait in a hidden folder beside the outputs, on the disk that must hold
        # them anyway, removed with everything in it once the outputs are complete or the
        # render has failed.
        sound = Path(scratch) / "sound.m4a"
        stop = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            heard = pool.submit(write_sound, edl, media, sound, stop)
            try:
                for first in range(0, len(editions), ENCODERS_AT_ONCE):
                    group = editions[first : first + ENCODERS_AT_ONCE]
                    _render_group(group, media, heard, Path(scratch), progress)
            except BaseException:
                stop.set()  # the sound stops at its next step; the error goes on
                raise


def _render_group(
    group: Sequence[Edition],
    media: dict[str, Media],
    heard: Future,
    scratch: Path,
    progress: Callable[[int], None] | None,
) -> None:
    """Compose the pictures once for ``group``, encode them once per edition, mux each with
    the sound (``heard`` is its writing) and its captions, and write each cover."""
    edls = [e.edl for e in group]
    edl = edls[0]
    cover_index = min(edl.frame_count - 1, math.floor(edl.cover_time * edl.fps + 1e-6))
    covers: dict[int, np.ndarray] = {}

    def keep_cover(edition: int, index: int, picture: Planes) -> None:
        if group[edition].cover is not None and index == cover_index:
            covers[edition] = to_rgb(picture)

    frames = prefetch(output_pictures(edls, media, keep_cover), AHEAD)
    videos = [scratch / f"{e.path.stem}.video.mp4" for e in group]
    runs = [([*_encoder_args(edl), str(v)], e.path) for v, e in zip(videos, group)]
    # Encoder k takes the planes of edition k of each frame, Y, U and V in turn.
    chunks = (planes for pictures in _counted(frames, progress) for planes in zip(*pictures))
    pipe_to_many(runs, chunks)
    heard.result()
    sound = scratch / "sound.m4a"
    for edition, video in zip(group, videos):
        tracks = []
        for language, text in caption_tracks(edition.edl).items():
            track = scratch / f"{edition.path.stem}.{language}.srt"
            track.write_text(text, encoding="utf-8")
            tracks.append((language, track))
        with atomic_output(edition.path) as out:
            mux(video, sound, out, what=edition.path, subtitles=tracks)
        video.unlink()
    for k, edition in enumerate(group):
        if edition.cover is None:
            continue
        if k not in covers:
            raise AutocutError(edition.path, "the cover frame was not rendered")
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(covers[k], cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, COVER_QUALITY])  # fmt: skip
        if not ok:
            raise AutocutError(edition.cover, "the cover picture could not be encoded")
        with atomic_output(edition.cover) as out:
            out.write_bytes(data.tobytes())


def _counted(frames: Iterator, progress: Callable[[int], None] | None) -> Iterator:
    for pictures in frames:
        yield pictures
        if progress is not None:
            progress(1)


def _encoder_args(edl: Edl) -> list[str]:
    """ffmpeg arguments: raw 4:2:0 frames on stdin, the delivery's H.264 stream out in MP4
    (its path follows)."""
    rate = Fraction(edl.fps).limit_denominator(1001 * 1000)
    return [
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{edl.width}x{edl.height}",
        "-framerate", f"{rate.numerator}/{rate.denominator}",
        "-color_range", "tv", "-colorspace", "bt709", "-i", "-",
        "-map", "0:v:0", "-frames:v", str(edl.frame_count),
        *video_args(float(rate), edl.video_bitrate_kbps, edl.x264_preset),
        "-f", "mp4",
    ]  # fmt: skip


def mux(
    video: Path,
    sound: Path,
    out: Path,
    what: Path,
    subtitles: Sequence[tuple[str, Path]] = (),
) -> None:
    """The encoded ``video`` and ``sound`` copied as they are into the MP4 ``out``, moov
    first (faststart), with a soft subtitle track (``mov_text``) per ``(language, SubRip
    file)`` of ``subtitles``, its language written in the track."""
    inputs, maps, tags = [], [], []
    for k, (language, path) in enumerate(subtitles):
        inputs += ["-i", str(path)]
        maps += ["-map", f"{k + 2}:s:0"]
        tags += [f"-metadata:s:s:{k}", f"language={track_language(language)}"]
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(video), "-i", str(sound), *inputs, "-map", "0:v:0", "-map", "1:a:0", *maps,
        "-c", "copy", "-c:s", "mov_text", *tags, "-movflags", "+faststart", "-f", "mp4",
        str(out),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        raise AutocutError(what, ffmpeg_failure(done.returncode, done.stderr))
