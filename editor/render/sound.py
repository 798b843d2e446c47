"""The output's sound, from the EDL: mixed, mastered, encoded and measured once more.

What is decided here:

- **Mix.** Each segment plays its source's sound lined up with its picture: from ``src_in``
  to ``src_out``, or, for a line of dialogue, from ``sound_in`` to ``sound_out`` (which may
  start before or end after its picture: J and L cuts); a muted segment plays none.
  Crossfades and dips fade the sound with the picture, hard cuts get 5 ms ramps and a
  line's edges in its pauses 10 ms ones, so no edit clicks. The music (a file, or the bed
  made from the EDL's entry) plays under everything, cards included, levelled and ducked as
  :mod:`editor.sound.mix` decides. Nothing is clipped: the master's limiter takes the
  peaks.
- **Master.** The mix is brought to the EDL's loudness and true-peak ceiling
  (:mod:`editor.sound.master`).
- **Measured after encoding.** The sound is encoded to AAC on its own and decoded again; the
  file is measured as a player will hear it. AAC moves peaks (synthetic tones most), so
  when the decoded true peak is over the ceiling, or the loudness is off by more than
  :data:`ENCODED_TOLERANCE`, the master is redone with more headroom. The video encode then
  copies this AAC stream: what was measured is what is delivered.
"""

from __future__ import annotations

import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from editor.assemble.edl import Edl, Music, Segment
from editor.errors import AutocutError
from editor.media.encode import AUDIO_CHANNELS, AUDIO_RATE, audio_args, downmix_filter
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import Media
from editor.render.reframe import audio_offset
from editor.sound.bed import bed
from editor.sound.loudness import SILENT, Loudness, measure_file
from editor.sound.master import CODEC_HEADROOM, master
from editor.sound.mix import duck_gain, fades, music_scale

AUDIO_READERS = 4
"""Segments' sound read at once (short ffmpeg runs that mostly wait on starting up)."""
ENCODED_TOLERANCE = 0.7
"""How far (LU) the encoded sound's loudness may be from the target: inside the +-1 LU
promise with room for a platform's own meter."""
ENCODE_ROUNDS = 4
LINE_FADE = 0.01
"""Fade (seconds) at a line's sound edge in a pause: long enough that the cut never clicks,
short enough to sit inside the pause."""


def write_sound(
    edl: Edl, media: dict[str, Media], path: Path, stop: threading.Event | None = None
) -> Loudness:
    """Mix, master and encode the output's sound to ``path`` (AAC in MP4, see the module
    notes); the loudness of the encoded sound. A set ``stop`` ends the work at its next
    step (the rest of the render failed)."""
    mixed = mix_audio(edl, media)
    return deliver_master(
        mixed, path, edl.sound.loudness, edl.sound.true_peak, edl.audio_bitrate_kbps, stop
    )


def deliver_master(
    samples: np.ndarray,
    path: Path,
    loudness: float,
    true_peak: float,
    kbps: int,
    stop: threading.Event | None = None,
) -> Loudness:
    """``samples`` mastered to ``loudness`` LUFS under ``true_peak`` dBTP and encoded to
    ``path``, with more headroom each round until the encoded file holds both (see the
    module notes); the loudness of the encoded file."""
    headroom = CODEC_HEADROOM
    for _ in range(ENCODE_ROUNDS):
        if stop is not None and stop.is_set():
            raise AutocutError(path, "sound stopped: the render failed")
        mastered, _ = master(samples, AUDIO_RATE, loudness, true_peak, headroom)
        encode_aac(mastered, path, kbps)
        heard = measure_file(path)
        if heard.integrated <= SILENT:
            return heard
        over = heard.true_peak - true_peak
        if over <= -0.05 and abs(heard.integrated - loudness) <= ENCODED_TOLERANCE:
            return heard
        headroom += max(0.3, over + 0.2)
    return heard


def encode_aac(samples: np.ndarray, path: Path, kbps: int) -> None:
    """``samples`` (float, delivery rate and channels) encoded as the delivery's AAC stream."""
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "f32le", "-ar", str(AUDIO_RATE), "-ac", str(AUDIO_CHANNELS), "-i", "-",
        *audio_args(kbps), "-f", "mp4", str(path),
    ]  # fmt: skip
    done = subprocess.run(cmd, input=np.ascontiguousarray(samples, np.float32).tobytes(),
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise AutocutError(path, f"sound could not be encoded ({reason[-1] if reason else ''})")


def mix_audio(edl: Edl, media: dict[str, Media]) -> np.ndarray:
    """The output's sound (samples x channels, float32) before mastering: the stems summed."""
    dialogue, music = stems(edl, media)
    return dialogue + music


def stems(edl: Edl, media: dict[str, Media]) -> tuple[np.ndarray, np.ndarray]:
    """The footage's sound and the music, as the output plays them (the music levelled and
    ducked, see :mod:`editor.sound.mix`), each the output's length."""
    total = round(edl.frame_count / edl.fps * AUDIO_RATE)
    track = np.zeros((total, AUDIO_CHANNELS), np.float32)
    with ThreadPoolExecutor(AUDIO_READERS) as pool:  # each read is an ffmpeg process
        sounds = pool.map(lambda seg: segment_audio(seg, media[seg.source]), edl.segments)
        for seg, sound in zip(edl.segments, sounds):
            start = round(seg.sound_at[0] * AUDIO_RATE)
            sound = sound[max(0, -start) : max(0, total - start)]
            start = max(0, start)
            track[start : start + len(sound)] += sound * _envelope(seg, len(sound))[:, None]
    music = np.zeros_like(track)
    plan = edl.sound.music
    if plan is not None:
        a = round(plan.out_in * AUDIO_RATE)
        count = round(plan.out_out * AUDIO_RATE) - a
        played = music_samples(plan, count)
        played *= fades(len(played), AUDIO_RATE, plan.fade_in, plan.fade_out)[:, None]
        played *= music_scale(track, played, AUDIO_RATE, plan.level)
        speech = tuple((s - plan.out_in, e - plan.out_in) for s, e in plan.speech)
        played *= duck_gain(len(played), AUDIO_RATE, speech, plan.duck)[:, None]
        music[a : a + len(played)] = played[: total - a]
    return track, music


def music_samples(plan: Music, count: int) -> np.ndarray:
    """``count`` samples of the music as the EDL describes it: the bed made from its entry,
    or the file's sound from ``src_in`` (silence after the file ends)."""
    if not plan.source:
        shift = plan.out_in
        return bed(
            count / AUDIO_RATE, AUDIO_RATE, tuple(b - shift for b in plan.beats), plan.downbeat,
            tuple((t - shift, v) for t, v in plan.sections),
            None if plan.hit is None else plan.hit - shift, plan.seed,
        )  # fmt: skip
    out = np.zeros((count, AUDIO_CHANNELS), np.float32)
    audio = read_sound(plan.source, plan.src_in, count / AUDIO_RATE, "music")[:count]
    out[: len(audio)] = audio
    if len(audio) < count:  # the file ends early: it fades out as it ends
        out[: len(audio)] *= fades(len(audio), AUDIO_RATE, 0.0, 0.0)[:, None]
    return out


def _envelope(seg: Segment, count: int) -> np.ndarray:
    """Gain over a segment's sound: ramps at its joins where the sound ends with the picture
    (the shortest at hard cuts), and :data:`LINE_FADE` where a line's sound starts or ends
    in a pause apart from the picture."""

    def ramp(join, apart: bool) -> float:
        if apart:
            return LINE_FADE
        if join.kind == "crossfade":
            return join.length
        return join.length / 2 if join.kind == "dip" else 0.0

    lo, hi = seg.sound_span
    return fades(count, AUDIO_RATE, ramp(seg.enter, abs(lo - seg.src_in) > 1e-4),
                 ramp(seg.leave, abs(hi - seg.src_out) > 1e-4))  # fmt: skip


def segment_audio(seg: Segment, media: Media) -> np.ndarray:
    """The sound a segment plays (:attr:`Segment.sound_span`) as float samples (n, channels)
    at the delivery rate, exactly as long as that span; silence where the source has no (or
    too little) audio, or the segment's sound does not play."""
    lo, hi = seg.sound_span
    samples = round((hi - lo) * AUDIO_RATE)
    out = np.zeros((samples, AUDIO_CHANNELS), np.float32)
    if not seg.audio or not media.has_audio:
        return out
    audio = read_sound(seg.source, lo + audio_offset(media), hi - lo, "audio")
    out[: min(samples, len(audio))] = audio[:samples]
    return out


def read_sound(source: str, start: float, seconds: float, what: str) -> np.ndarray:
    """``seconds`` of the first sound stream of ``source`` from ``start``, as float samples
    at the delivery rate and layout (shorter where the file ends)."""
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-ss", f"{start:.6f}", "-i", source, "-t", f"{seconds:.6f}",
        "-map", "0:a:0", "-vn", "-sn", "-af", downmix_filter(),
        "-f", "f32le", "-ac", str(AUDIO_CHANNELS), "-ar", str(AUDIO_RATE), "-",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise AutocutError(source, f"{what} could not be read ({reason[-1] if reason else ''})")
    return np.frombuffer(done.stdout, np.float32).reshape(-1, AUDIO_CHANNELS)
