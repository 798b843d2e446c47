"""One file per shot, cut from the source in a single ffmpeg pass.

What is decided:

- **One pass.** ffmpeg's segment muxer starts a new file at each cut, so the source is decoded
  (or, with ``copy``, read) once however many shots it holds.
- **Frame-accurate by default.** Pictures are re-encoded with the delivery settings of
  :mod:`editor.media.encode` and a keyframe is forced on the first frame of every shot, so
  each file starts exactly at its cut. The source's size, frame rate and frame timing are
  kept (``-fps_mode passthrough``: not a frame is added or dropped, so the files' frames add
  up to the source's), and so are its colours: the delivery BT.709 tags are left out, since
  asking for them makes ffmpeg convert the pixels of a source tagged otherwise (or not at
  all). Its sound, when it has any, is re-encoded to AAC alongside.
- **Bitrate cap by pixel count.** The delivery cap is set for a 1080x1920 picture; a split
  keeps the source's size, so the cap is scaled to the same bits per pixel.
- **Stream copy on request.** ``copy=True`` copies the streams untouched: fast and lossless,
  but a file can only begin on a keyframe, so each cut moves to the first keyframe at or after
  it. Files then keep the source's container (a stream copy cannot always fit MP4).
- **Complete or absent.** ffmpeg writes into a hidden folder next to the destination; its
  files are moved in only when ffmpeg succeeded, and the hidden folder is always removed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.atomic import new_folder
from editor.errors import AutocutError
from editor.media.encode import audio_args, downmix_filter, video_args
from editor.media.ffmpeg import run_ffmpeg
from editor.media.probe import Media
from editor.preset import Output

_DELIVERY = Output()
"""Default delivery format: bitrates and encoder speed for re-encoded shots."""

_COLOUR_TAGS = ("-color_primaries", "-color_trc", "-colorspace", "-color_range")
"""Delivery colour tags a split leaves out: its pictures keep the source's colour and tags.
(Tagging BT.709 would make ffmpeg convert an untagged source's pixels.)"""

COPY_KEEPS_MP4 = frozenset({".mp4", ".m4v", ".mov"})
"""Source suffixes whose stream copies are written as .mp4."""


@dataclass(frozen=True)
class Cut:
    """Where a shot after the first begins: its first frame (0-based, in decode order) and
    that frame's time in seconds from the first frame."""

    frame: int
    time: float


def shot_file_name(stem: str, number: int, suffix: str = ".mp4") -> str:
    """``<stem>-shot-<NNN><suffix>``: shots numbered from 1, zero padded to 3 digits."""
    return f"{stem}-shot-{number:03d}{suffix}"


def split_suffix(source: Path, copy: bool) -> str:
    """.mp4 for re-encoded shots and for copies of MP4/MOV sources, else the source's own."""
    suffix = source.suffix.lower()
    return suffix if copy and suffix not in COPY_KEEPS_MP4 else ".mp4"


def video_kbps_for(width: int, height: int) -> int:
    """The delivery bitrate cap scaled to a ``width`` x ``height`` picture (at least 500)."""
    scale = (width * height) / (_DELIVERY.width * _DELIVERY.height)
    return max(500, round(_DELIVERY.video_bitrate_kbps * scale))


def split_args(
    media: Media, cuts: Sequence[Cut], frame_count: int, pattern: str, *, copy: bool
) -> list[str]:
    """ffmpeg arguments that write the shots of ``media`` between ``cuts`` (in order) to
    ``pattern`` (``%03d``); ``frame_count`` is the source's number of frames."""
    starts = [cut.frame for cut in cuts]
    maps = ["-map", "0:v:0", *(["-map", "0:a:0"] if media.has_audio else [])]
    head = ["-i", str(media.path), *maps, "-sn", "-dn"]
    segment = ["-f", "segment", "-reset_timestamps", "1", "-segment_start_number", "1"]
    if copy:
        times = [f"{cut.time:.6f}" for cut in cuts]
        # One shot: a split time past the end, which is never reached, keeps it in one file.
        cuts = ",".join(times) or f"{media.duration + 1:.6f}"
        return [*head, "-c", "copy", *segment, "-segment_times", cuts, pattern]
    video = _replace_options(
        video_args(media.fps, video_kbps_for(media.width, media.height), _DELIVERY.x264_preset),
        {"-fps_mode": "passthrough", "-movflags": None, **dict.fromkeys(_COLOUR_TAGS)},
    )
    if starts:
        video += ["-force_key_frames", "expr:" + "+".join(f"eq(n,{s})" for s in starts)]
    if media.width % 2 or media.height % 2:  # yuv420p needs even sides
        video += ["-vf", "crop=trunc(iw/2)*2:trunc(ih/2)*2"]
    audio = ["-af", downmix_filter(), *audio_args(_DELIVERY.audio_bitrate_kbps)]
    audio = audio if media.has_audio else []
    frames = ",".join(map(str, starts)) or str(frame_count)
    mp4 = ["-segment_format", "mp4", "-segment_format_options", "movflags=+faststart"]
    return [*head, *video, *audio, *segment, "-segment_frames", frames, *mp4, pattern]


def split_shots(
    media: Media, cuts: Sequence[Cut], frame_count: int, outdir: Path, *, copy: bool = False
) -> list[Path]:
    """Write one file per shot of ``media``, the shots being separated by ``cuts``, into
    ``outdir``; return their paths in order."""
    source = media.path
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise AutocutError(outdir, "is a file, not a folder")
    suffix = split_suffix(source, copy)
    stem = source.stem
    # The files are made in a hidden folder inside ``outdir`` itself (same file system, so
    # the renames into place are atomic even at the root of a mount point) and moved out
    # only once all of them are complete.
    work = outdir / f".autocut-split-{uuid.uuid4().hex[:8]}.partial"
    try:
        with new_folder(outdir):
            try:
                work.mkdir()
                # The segment muxer numbers files through a printf pattern (the
                # shot_file_name form): a literal % anywhere in the path must be doubled.
                pattern = str(work / stem).replace("%", "%%") + f"-shot-%03d{suffix}"
                run_ffmpeg(split_args(media, cuts, frame_count, pattern, copy=copy), what=source)
                count = len(cuts) + 1
                names = [shot_file_name(stem, n, suffix) for n in range(1, count + 1)]
                made = [name for name in names if (work / name).is_file()]
                if not made or (not copy and len(made) != len(names)):
                    raise AutocutError(source, f"split made {len(made)} files for {count} shots")
                finals = []
                for name in made:
                    os.replace(work / name, outdir / name)
                    finals.append(outdir / name)
                return finals
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except OSError as exc:
        raise AutocutError(outdir, f"cannot write the shot files ({exc.strerror or exc})") from None


def _replace_options(args: Sequence[str], changes: dict[str, str | None]) -> list[str]:
    """``args`` with each ``-option value`` pair in ``changes`` given a new value (or removed
    when the new value is None); options not yet present are appended."""
    out: list[str] = []
    pending = dict(changes)
    i = 0
    while i < len(args):
        name = args[i]
        if name in changes and i + 1 < len(args):
            value = pending.pop(name, None)
            if value is not None:
                out += [name, value]
            i += 2
            continue
        out.append(name)
        i += 1
    for name, value in pending.items():
        if value is not None:
            out += [name, value]
    return out
