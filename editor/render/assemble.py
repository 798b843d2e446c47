"""Render an EDL to an MP4 and its cover JPEG. The renderer takes the EDL and nothing else.

What is decided here:

- **Pictures.** Each segment's frames are decoded at full quality from its source (one seek,
  then reading forward) and laid out as the EDL's framing says by the code that renders
  reframed videos (:mod:`editor.render.frames`). Frames stay 4:2:0 planes from decoder to
  encoder, as in :mod:`editor.render.reframe`: a 30 s trailer renders at about the encoder's
  own speed. (Handing MoviePy RGB frames measured 2.2x slower on the same trailer: a colour
  conversion each way and three times the bytes per frame.)
- **Cards.** MoviePy composes each card once: its background still, blurred and darkened to
  :data:`~editor.assemble.trailer.CARD_DARKEN` of its brightness so white text reads on any
  footage, and its text layers (:mod:`editor.render.text`) at the EDL's boxes.
- **Joins.** A crossfade mixes the two segments' frames over their overlap, weighted by how
  far into it each output frame is; a dip fades to black (limited-range black: luma 16,
  neutral chroma) over the last half of its length and back over the first half after the
  cut. Frame weights are taken at the middle of each frame, so a fade never shows a fully
  black or an unfaded frame where the other side would.
- **Overlays.** A logo, and each caption while it is on screen (drawn once, as the EDL sets
  it: :mod:`editor.render.captions`), is blended into its box in the planes, using its alpha
  (:mod:`editor.render.layers`).
- **Sound.** Mixed, mastered and encoded first (:mod:`editor.render.sound`); the video
  encode copies that AAC stream, so the loudness measured there is what is delivered.
- **Files.** The video and the cover are written under temporary names and renamed only
  once complete; the cover is the output frame at ``cover_time``, as rendered.
"""

from __future__ import annotations

import functools
import math
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from editor.assemble.edl import Card, Edl, Framing, Join, Segment
from editor.assemble.trailer import CARD_DARKEN
from editor.atomic import atomic_output
from editor.captions.languages import track_language
from editor.errors import AutocutError
from editor.media.container import open_input, video_frames
from editor.media.decode import prefetch
from editor.media.encode import (
    video_args,
)
from editor.media.ffmpeg import ffmpeg_exe, ffmpeg_failure, pipe_to_ffmpeg
from editor.media.probe import Media, probe
from editor.render.captions import caption_layers, caption_tracks
from editor.render.deinterlace import progressive
from editor.render.frames import Canvas, Planes, from_rgb, to_rgb
from editor.render.layers import logo_layer
from editor.render.reframe import TURNS, draw, to_planes
from editor.render.sound import write_sound
from editor.render.text import text_image

SEEK_AHEAD_SECONDS = 2.0
"""A request this far past the decoder's position seeks instead of decoding up to it."""
COVER_QUALITY = 92
AHEAD = 3
"""Output frames prepared ahead of the encoder, in a thread of their own."""


@functools.cache
def _moviepy():
    """Import MoviePy configured to use autocut's ffmpeg (it reads the variable on import)."""
    os.environ["FFMPEG_BINARY"] = ffmpeg_exe()
    import moviepy

    return moviepy


class SourceReader:
    """Full-size upright 4:2:0 pictures of one source, asked for by time, mostly in order."""

    def __init__(self, media: Media) -> None:
        self.media = media
        self._container = None
        self._frames = None
        self._current: tuple[float, Planes] | None = None
        self._next: tuple[float, Planes] | None = None

    def picture(self, time: float) -> Planes:
        """The picture on screen at ``time`` (seconds from the first frame)."""
        eps = 0.25 / max(self.media.fps, 1.0)
        if (
            self._current is None
            or time < self._current[0] - eps
            or time > self._current[0] + SEEK_AHEAD_SECONDS
        ):
            self._seek(time)
        while self._next is not None and self._next[0] <= time + eps:
            self._current, self._next = self._next, self._read()
        if self._current is None:
            raise AutocutError(self.media.path, f"no picture at {time:.3f} s")
        return self._current[1]

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = self._frames = self._current = self._next = None

    def _seek(self, time: float) -> None:
        try:
            if self._container is None:
                self._container = open_input(self.media.path)
                self._container.streams.video[0].thread_type = "AUTO"
            stream = self._container.streams.video[0]
            target = time + self.media.start_time
            self._container.seek(max(0, int(target / stream.time_base)), stream=stream)
            self._frames = progressive(video_frames(self._container, stream))
            self._current = self._read()
            if self._current is not None and self._current[0] > time + 1e-3:
                self._container.seek(0, stream=stream)  # a broken index: read from the start
                self._frames = progressive(video_frames(self._container, stream))
                self._current = self._read()
        except av.FFmpegError as exc:
            raise AutocutError(self.media.path, f"cannot read at {time:.3f} s ({exc})") from None
        self._next = self._read()

    def _read(self) -> tuple[float, Planes] | None:
        try:
            frame = next(self._frames)
        except StopIteration:
            return None
        except av.FFmpegError as exc:
            raise AutocutError(self.media.path, f"decoding failed ({exc})") from None
        time = (frame.time or 0.0) - self.media.start_time
        picture = to_planes(frame)
        turn = TURNS[self.media.rotation]
        if turn is not None:
            picture = tuple(cv2.rotate(plane, turn) for plane in picture)
        return time, picture


class SegmentPictures:
    """The output frames of one segment, by index within the segment, drawn on its own
    canvases (a ring, so frames handed on are not overwritten while still queued), held
    only while the segment is on screen."""

    def __init__(self, seg: Segment, media: Media, edl: Edl) -> None:
        self.seg, self.media, self.edl = seg, media, edl
        self.count = len(seg.frames)
        self._reader: SourceReader | None = None
        self._canvases: list[Canvas] = []
        self._turn = 0

    def frame(self, index: int) -> Planes:
        if self._reader is None:
            self._reader = SourceReader(self.media)
            self._canvases = [Canvas() for _ in range(AHEAD + 3)]
        picture = self._reader.picture(self.seg.src_in + index / self.edl.fps)
        self._turn = (self._turn + 1) % len(self._canvases)
        framing = self.seg.frames[index]
        out = laid_out(picture, framing, self.edl, self._canvases[self._turn])
        if index == self.count - 1:
            self.close()
        return out

    def close(self) -> None:
        """Let go of the decoder and the canvases (frames already handed on stay valid)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._canvases = []


def laid_out(picture: Planes, framing: Framing, edl: Edl, canvas: Canvas | None = None):
    """``picture`` laid out as ``framing`` at the output size."""
    boxes = [list(b) for b in framing.boxes]
    return draw(picture, framing.layout, boxes, (edl.width, edl.height), canvas)


def card_picture(card: Card, edl: Edl, media: Media) -> Planes:
    """The card as one picture, composed by MoviePy (see module notes)."""
    mp = _moviepy()
    reader = SourceReader(media)
    try:
        base = to_rgb(laid_out(reader.picture(card.background.time), card.background.framing,
                               edl))  # fmt: skip
    finally:
        reader.close()
    small = cv2.resize(base, (edl.width // 8, edl.height // 8), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=3.0)
    background = cv2.resize(small, (edl.width, edl.height), interpolation=cv2.INTER_LINEAR)
    background = (background.astype(np.float32) * CARD_DARKEN).astype(np.uint8)
    layers = [mp.ImageClip(background, duration=1.0)]
    for text in card.texts:
        x, y, w, h = text.box
        rgba = text_image(text.text, (w, h), text.style, text.language)
        mask = mp.ImageClip(rgba[..., 3].astype(np.float64) / 255.0, is_mask=True, duration=1.0)
        layer = mp.ImageClip(np.ascontiguousarray(rgba[..., :3]), duration=1.0)
        layers.append(layer.with_mask(mask).with_position((x, y)))
    composed = mp.CompositeVideoClip(layers, size=(edl.width, edl.height))
    image = composed.get_frame(0).astype(np.uint8)
    planes, _ = from_rgb(image)
    return planes


def render_edl(
    edl: Edl,
    path: Path,
    cover: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Render ``edl`` to ``path`` (an .mp4) and, with ``cover``, its cover picture (JPEG)."""
    media = {s: probe(Path(s)) for s in sorted({seg.source for seg in edl.segments})}
    for card in edl.cards:
        media.setdefault(card.background.source, probe(Path(card.background.source)))
    cover_index = min(edl.frame_count - 1, math.floor(edl.cover_time * edl.fps + 1e-6))
    kept: list[np.ndarray] = []

    def keep_cover(index: int, picture: Planes) -> None:
        if cover is not None and index == cover_index:
            kept.append(to_rgb(picture))

    frames = prefetch(output_pictures(edl, media, keep_cover), AHEAD)
    with atomic_output(path) as out:
        # The sound is made while the pictures are encoded (each mostly waits on the other's
        # processes), then both streams are copied into the output. Both wait beside it under
        # its hidden temporary name, so they are removed with it, on the disk that must hold
        # the output anyway.
        sound, video = out.with_suffix(".m4a"), out.with_suffix(".video.mp4")
        stop = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            heard = pool.submit(write_sound, edl, media, sound, stop)
            try:
                chunks = (plane for picture in _counted(frames, progress) for plane in picture)
                pipe_to_ffmpeg([*_encoder_args(edl), str(video)], chunks, what=path)
            except BaseException:
                stop.set()  # the sound stops at its next step; the error goes on
                raise
            heard.result()
        tracks = []
        for language, text in caption_tracks(edl).items():
            track = out.with_suffix(f".{language}.srt")
            track.write_text(text, encoding="utf-8")
            tracks.append((language, track))
        mux(video, sound, out, what=path, subtitles=tracks)
    if cover is not None:
        if not kept:
            raise AutocutError(path, "the cover frame was not rendered")
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(kept[0], cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, COVER_QUALITY])  # fmt: skip
        if not ok:
            raise AutocutError(cover, "the cover picture could not be encoded")
        with atomic_output(cover) as out:
            out.write_bytes(data.tobytes())
    return path


def _counted(frames: Iterator[Planes], progress: Callable[[int], None] | None):
    for picture in frames:
        yield picture
        if progress is not None:
            progress(1)


def output_pictures(
    edl: Edl, media: dict[str, Media], on_frame: Callable[[int, Planes], None] | None = None
) -> Iterator[Planes]:
    """Every output frame of ``edl``, in order (see module notes)."""
    fps = edl.fps
    total = edl.frame_count
    pictures = [SegmentPictures(seg, media[seg.source], edl) for seg in edl.segments]
    spans = [(round(s.out_in * fps), round(s.out_out * fps)) for s in edl.segments]
    cards = [(round(c.out_in * fps), round(c.out_out * fps), c) for c in edl.cards]
    layers = [*(logo_layer(o, fps) for o in edl.overlays), *caption_layers(edl)]
    card_cache: dict[int, Planes] = {}
    mixed = [Canvas() for _ in range(AHEAD + 3)]
    try:
        for index in range(total):
            shown = [(i, a, b) for i, (a, b) in enumerate(spans) if a <= index < b]
            card = next(((a, b, c) for a, b, c in cards if a <= index < b), None)
            canvas = mixed[index % len(mixed)]
            if card is not None:
                a, b, c = card
                if a not in card_cache:
                    card_cache[a] = card_picture(c, edl, media[c.background.source])
                picture = _faded(card_cache[a], _dip_gain(c.enter, c.leave, index - a, b - a,
                                                          fps), canvas)  # fmt: skip
            elif len(shown) == 1:
                i, a, b = shown[0]
                seg = edl.segments[i]
                picture = pictures[i].frame(index - a)
                picture = _faded(picture, _dip_gain(seg.enter, seg.leave, index - a, b - a,
                                                    fps), canvas)  # fmt: skip
            elif len(shown) == 2:
                (i, a1, b1), (j, a2, _b2) = shown
                weight = (index - a2 + 0.5) / (b1 - a2)
                picture = _mix(pictures[i].frame(index - a1), pictures[j].frame(index - a2),
                               weight, canvas)  # fmt: skip
            else:
                raise AutocutError("EDL", f"output frame {index} has {len(shown)} pictures")
            if any(layer.shows(index) for layer in layers):
                picture = _copy(picture, canvas)
            for layer in layers:
                layer.blend(picture, index)
            if on_frame is not None:
                on_frame(index, picture)
            yield picture
    finally:
        for p in pictures:
            p.close()


def _dip_gain(enter: Join, leave: Join, offset: int, count: int, fps: float) -> float:
    """Brightness (0..1) of frame ``offset`` of ``count`` under its dips."""
    gain = 1.0
    if enter.kind == "dip":
        gain = min(gain, (offset + 0.5) / max(1.0, enter.length / 2 * fps))
    if leave.kind == "dip":
        gain = min(gain, (count - offset - 0.5) / max(1.0, leave.length / 2 * fps))
    return max(0.0, min(1.0, gain))


def _faded(picture: Planes, gain: float, canvas: Canvas) -> Planes:
    """``picture`` faded toward limited-range black by ``gain`` (1: unchanged)."""
    if gain >= 1.0:
        return picture
    out = canvas.planes((picture[0].shape[1], picture[0].shape[0]))
    for src, dst, black in zip(picture, out, (16.0, 128.0, 128.0)):
        cv2.convertScaleAbs(src, dst, alpha=gain, beta=black * (1.0 - gain))
    return out


def _mix(a: Planes, b: Planes, weight: float, canvas: Canvas) -> Planes:
    """``b`` over ``a`` at ``weight`` (0..1)."""
    out = canvas.planes((a[0].shape[1], a[0].shape[0]))
    for pa, pb, dst in zip(a, b, out):
        cv2.addWeighted(pa, 1.0 - weight, pb, weight, 0.0, dst)
    return out


def _copy(picture: Planes, canvas: Canvas) -> Planes:
    out = canvas.planes((picture[0].shape[1], picture[0].shape[0]))
    for src, dst in zip(picture, out):
        np.copyto(dst, src)
    return out


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
