"""Delivery encoder settings: what every rendered file must be to pass platform ingest.

H.264 High, yuv420p, constant frame rate, closed GOP with a keyframe every half second
(Shorts asks for fps/2), BT.709 colour tags, ``+faststart`` so playback starts before the
whole file has downloaded, AAC-LC 48 kHz stereo. Sound with more channels (5.1, say) is
mixed down with the standard coefficients scaled so no sum can exceed full scale
(:func:`downmix_filter`): ffmpeg only does that by itself for integer samples, and its
float downmix of 5.1 is about 7.7 dB louder, clipping loud passages. Quality is
constant-rate-factor based with a bitrate cap, so simple pictures stay small and busy ones
never exceed the platform's ceiling.
"""

from __future__ import annotations

AUDIO_RATE = 48000
AUDIO_CHANNELS = 2
CRF = 20


def gop_frames(fps: float) -> int:
    """Keyframe interval: half a second of frames, at least one."""
    return max(1, round(fps / 2))


def video_args(fps: float, video_kbps: int, x264_preset: str) -> list[str]:
    """ffmpeg output options for the delivery video stream (libx264)."""
    return ["-c:v", "libx264", "-preset", x264_preset, *x264_options(fps, video_kbps)]


def x264_options(fps: float, video_kbps: int) -> list[str]:
    """The delivery options that follow the codec and speed preset."""
    gop = gop_frames(fps)
    return [
        "-profile:v", "high",
        "-pix_fmt", "yuv420p",
        "-crf", str(CRF),
        "-maxrate", f"{video_kbps}k",
        "-bufsize", f"{2 * video_kbps}k",
        "-g", str(gop),
        "-keyint_min", str(gop),
        "-sc_threshold", "0",
        "-flags", "+cgop",
        "-color_primaries", "bt709",
        "-color_trc", "bt709",
        "-colorspace", "bt709",
        "-color_range", "tv",
        "-fps_mode", "cfr",
        "-movflags", "+faststart",
    ]  # fmt: skip


def downmix_filter() -> str:
    """The ffmpeg audio filter every sound passes on its way to the delivery layout: the
    same channels as before for mono and stereo, a downmix that cannot clip for more."""
    layout = "stereo" if AUDIO_CHANNELS == 2 else "mono"
    return f"aresample=ochl={layout}:rematrix_maxval=1"


def audio_args(audio_kbps: int) -> list[str]:
    """ffmpeg output options for the delivery audio stream (AAC-LC, 48 kHz, stereo)."""
    return [
        "-c:a", "aac",
        "-b:a", f"{audio_kbps}k",
        "-ar", str(AUDIO_RATE),
        "-ac", str(AUDIO_CHANNELS),
    ]  # fmt: skip
