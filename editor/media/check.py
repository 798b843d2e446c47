"""Delivery check: does a file meet the short-video platforms' ingest rules?

The facts are read once from the file (:func:`read_facts`: container boxes, stream headers,
every packet's timestamp and keyframe flag, the first decoded picture's colour tags); the
verdict is a pure function of them (:func:`violations`), so every rule is testable on plain
numbers. The rules are what autocut promises of every output (the delivery format of
:mod:`editor.media.encode`) plus each platform's published limits:

- MP4 with the index (``moov``) before the media data (``+faststart``): playback starts before
  the whole file has arrived;
- H.264 High profile, 4:2:0 8-bit, BT.709 colour tags in limited range, a constant frame rate
  between 23.976 and 60 fps, a keyframe at least every half second (``fps / 2`` frames; what
  Shorts asks for, and what lets every platform cut and seek anywhere), the first packet a
  keyframe;
- a vertical or square picture: width/height between 9:16 and the platform's widest (1:1
  for all three today), at least 540 px wide, at most 4096 px tall;
- AAC-LC, 48 kHz, stereo (or no sound at all), sound lasting as long as the picture, to a
  frame plus one AAC frame (1024 samples, the encoder's padding);
- the platform's duration limits and the video bitrate cap.

Loudness is reported beside the rules, not among them (:func:`loudness_notes`): integrated
loudness, true peak and loudness range, measured as BS.1770 defines them
(:mod:`editor.sound.loudness`), against each platform's playback target (-14 LUFS, true peak
at most -1 dBTP for all three). A platform turns a louder file down and may clip a hotter
peak in its own transcode, but it still takes the file, so a miss is named without failing
the check.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from editor.errors import AutocutError
from editor.media.encode import AUDIO_CHANNELS, AUDIO_RATE, gop_frames
from editor.sound.loudness import SILENT, Loudness, measure_file


@dataclass(frozen=True)
class Platform:
    """One platform's limits."""

    name: str
    max_seconds: float
    min_seconds: float
    widest: float
    """Largest width/height ratio accepted (1.0: square)."""
    max_video_kbps: int
    loudness: float = -14.0
    """Integrated loudness the platform plays at (LUFS); a file within 1 LU of it is on
    target."""
    true_peak: float = -1.0
    """Highest true peak (dBTP) that survives the platform's transcode unclipped."""


PLATFORMS = {
    "tiktok": Platform("tiktok", 600.0, 3.0, 1.0, 20000),
    "reels": Platform("reels", 180.0, 3.0, 1.0, 20000),
    "shorts": Platform("shorts", 180.0, 1.0, 1.0, 20000),
}


@dataclass(frozen=True)
class Facts:
    """What the check looks at, read off one file."""

    container: str
    faststart: bool
    video_codec: str
    profile: str
    pixel_format: str
    width: int
    height: int
    fps: float
    constant_rate: bool
    max_keyframe_gap: int
    """Most frames from one keyframe to the next (or to the end)."""
    first_is_keyframe: bool
    colorspace: str
    color_range: str
    video_seconds: float
    video_kbps: float
    audio_codec: str | None
    audio_profile: str | None
    audio_rate: int
    audio_channels: int
    audio_seconds: float
    loudness: Loudness | None = None
    """The sound's loudness (None: no sound, or not measured)."""


LOUDNESS_TOLERANCE = 1.0


def loudness_notes(facts: Facts, platform: Platform) -> list[str]:
    """How the file's sound misses ``platform``'s loudness target, as short sentences (none
    when on target, silent or without sound)."""
    sound = facts.loudness
    if sound is None or sound.integrated <= SILENT:
        return []
    out = []
    off = sound.integrated - platform.loudness
    if abs(off) > LOUDNESS_TOLERANCE:
        out.append(
            f"loudness {sound.integrated:.1f} LUFS is {abs(off):.1f} dB "
            f"{'above' if off > 0 else 'below'} the {platform.loudness:g} LUFS target"
        )
    if sound.true_peak > platform.true_peak:
        out.append(f"true peak {sound.true_peak:+.1f} dBTP is over {platform.true_peak:g} dBTP")
    return out


def violations(facts: Facts, platform: Platform) -> list[str]:
    """Every rule ``facts`` break for ``platform`` (see the module notes), as short sentences."""
    out = []
    if "mp4" not in facts.container:
        out.append(f"container is {facts.container}, not MP4")
    if not facts.faststart:
        out.append("index (moov) after the media data: not +faststart")
    if facts.video_codec != "h264":
        out.append(f"video codec is {facts.video_codec}, not H.264")
    if facts.profile.lower() != "high":
        out.append(f"H.264 profile is {facts.profile}, not High")
    if facts.pixel_format != "yuv420p":
        out.append(f"pixel format is {facts.pixel_format}, not yuv420p")
    if facts.colorspace != "bt709" or facts.color_range != "tv":
        out.append(f"colour tags are {facts.colorspace}/{facts.color_range}, not bt709/tv")
    if not facts.constant_rate:
        out.append("frame rate is not constant")
    if not 23.9 <= facts.fps <= 60.001:
        out.append(f"frame rate {facts.fps:.3f} is outside 23.976-60 fps")
    gop = gop_frames(facts.fps)
    if facts.max_keyframe_gap > gop or not facts.first_is_keyframe:
        out.append(
            f"keyframes up to {facts.max_keyframe_gap} frames apart (at most {gop})"
            if facts.first_is_keyframe
            else "the first frame is not a keyframe"
        )
    ratio = facts.width / max(1, facts.height)
    if ratio < 9 / 16 - 0.01 or ratio > platform.widest + 0.01:
        widest = Fraction(platform.widest).limit_denominator(20)
        out.append(
            f"picture {facts.width}x{facts.height} is not 9:16 to "
            f"{widest.numerator}:{widest.denominator}"
        )
    if facts.width < 540 or facts.height > 4096:
        out.append(f"picture {facts.width}x{facts.height} is too small or too large")
    if facts.video_seconds > platform.max_seconds:
        out.append(f"{facts.video_seconds:.1f} s is longer than {platform.max_seconds:.0f} s")
    if facts.video_seconds < platform.min_seconds:
        out.append(f"{facts.video_seconds:.1f} s is shorter than {platform.min_seconds:.0f} s")
    if facts.video_kbps > platform.max_video_kbps:
        out.append(f"video bitrate {facts.video_kbps:.0f} kb/s above {platform.max_video_kbps}")
    if facts.audio_codec is not None:
        if facts.audio_codec != "aac" or (facts.audio_profile or "").upper() != "LC":
            out.append(f"audio is {facts.audio_codec} {facts.audio_profile}, not AAC-LC")
        if facts.audio_rate != AUDIO_RATE or facts.audio_channels != AUDIO_CHANNELS:
            out.append(
                f"audio is {facts.audio_rate} Hz x {facts.audio_channels}, "
                f"not {AUDIO_RATE} Hz stereo"
            )
        slack = 1 / facts.fps + 1024 / max(1, facts.audio_rate)
        if abs(facts.audio_seconds - facts.video_seconds) > slack:
            out.append(
                f"sound lasts {facts.audio_seconds:.3f} s, picture {facts.video_seconds:.3f} s"
            )
    return out


def read_facts(path: str | Path, loudness: bool = True) -> Facts:
    """The :class:`Facts` of the file at ``path`` (its sound measured for loudness unless
    ``loudness`` is False); an AutocutError if it is not readable."""
    path = Path(path)
    if not path.is_file():
        raise AutocutError(path, "no such file")
    import av

    from editor.media.container import open_input

    try:
        with open_input(path) as container:
            facts = _facts(path, container)
    except av.FFmpegError as exc:
        raise AutocutError(path, f"not a readable video file ({exc})") from None
    if loudness and facts.audio_codec is not None:
        facts = dataclasses.replace(facts, loudness=measure_file(path))
    return facts


def _facts(path: Path, container) -> Facts:
    if not container.streams.video:
        raise AutocutError(path, "has no video stream")
    video = container.streams.video[0]
    sound = container.streams.audio[0] if container.streams.audio else None
    v_times: list[int] = []
    keys: list[bool] = []
    v_bytes = 0
    a_end = a_start = None
    for packet in container.demux(*[s for s in (video, sound) if s is not None]):
        if packet.size == 0 or packet.pts is None:
            continue
        if packet.stream is video:
            v_times.append(packet.pts)
            keys.append(bool(packet.is_keyframe))
            v_bytes += packet.size
        else:
            end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            a_end = end if a_end is None else max(a_end, end)
            start = float(packet.pts * packet.time_base)
            a_start = start if a_start is None else min(a_start, start)
    if not v_times:
        raise AutocutError(path, "has a video stream with no frames")
    order = sorted(range(len(v_times)), key=v_times.__getitem__)
    pts = [v_times[i] for i in order]
    flags = [keys[i] for i in order]
    steps = [b - a for a, b in itertools.pairwise(pts)]
    base = video.time_base
    counts = collections.Counter(steps)
    step = max(counts, key=lambda s: (counts[s], -s)) if counts else 0
    fps = float(1 / (step * base)) if step else float(video.average_rate or 0)
    seconds = float((pts[-1] - pts[0] + step) * base) if step else 0.0
    key_at = [i for i, key in enumerate(flags) if key]
    gaps = [b - a for a, b in zip(key_at, [*key_at[1:], len(flags)])]
    container.seek(0, stream=video)
    frame = next(container.decode(video), None)
    codec = video.codec_context
    return Facts(
        container=container.format.name,
        faststart=_moov_first(path),
        video_codec=codec.name,
        profile=str(codec.profile or ""),
        pixel_format=str(codec.pix_fmt or ""),
        width=int(codec.width),
        height=int(codec.height),
        fps=fps,
        constant_rate=bool(steps) and max(steps) - min(steps) <= 1,
        max_keyframe_gap=max(gaps, default=len(flags)),
        first_is_keyframe=bool(flags and flags[0]),
        colorspace={1: "bt709", 5: "bt470bg", 6: "smpte170m"}.get(
            int(frame.colorspace) if frame is not None else 2, "unknown"
        ),
        color_range={1: "tv", 2: "pc"}.get(int(frame.color_range) if frame else 0, "unknown"),
        video_seconds=seconds,
        video_kbps=v_bytes * 8 / 1000 / seconds if seconds else 0.0,
        audio_codec=sound.codec_context.name if sound is not None else None,
        audio_profile=str(sound.codec_context.profile or "") if sound is not None else None,
        audio_rate=int(sound.codec_context.sample_rate or 0) if sound is not None else 0,
        audio_channels=int(sound.codec_context.channels or 0) if sound is not None else 0,
        audio_seconds=(a_end - a_start) if a_end is not None and a_start is not None else 0.0,
    )


def _moov_first(path: Path) -> bool:
    """Whether the file's top-level ``moov`` box comes before its ``mdat`` box."""
    with path.open("rb") as f:
        while True:
            header = f.read(8)
            if len(header) < 8:
                return False
            size, kind = struct.unpack(">I4s", header)
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            elif size == 0:
                return False
            f.seek(size - 8, 1)
