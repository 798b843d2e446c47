"""The output pictures of an edit, composed once for every edition of it.

An edition is the edit as delivered in one language: the same segments, joins, framing,
logo and sound, with that language's captions and card texts. What is decided here:

- **Pictures.** Each segment's frames are decoded at full quality from its source (one seek,
  then reading forward) and laid out as the EDL's framing says by the code that renders
  reframed videos (:mod:`editor.render.frames`). Frames stay 4:2:0 planes from decoder to
  encoder, as in :mod:`editor.render.reframe`: a 30 s trailer renders at about the encoder's
  own speed. (Handing MoviePy RGB frames measured 2.2x slower on the same trailer: a colour
  conversion each way and three times the bytes per frame.)
- **Cards.** MoviePy composes each card once: its background still, blurred and darkened to
  :data:`~editor.assemble.trailer.CARD_DARKEN` of its brightness so white text reads on any
  footage, and its text layers (:mod:`editor.render.text`) at the EDL's boxes. Editions
  whose card says the same share the picture.
- **Joins.** A crossfade mixes the two segments' frames over their overlap, weighted by how
  far into it each output frame is; a dip fades to black (limited-range black: luma 16,
  neutral chroma) over the last half of its length and back over the first half after the
  cut. Frame weights are taken at the middle of each frame, so a fade never shows a fully
  black or an unfaded frame where the other side would.
- **Overlays.** A logo, and each caption while it is on screen (drawn once, as the EDL sets
  it: :mod:`editor.render.captions`), is blended into its box in the planes, using its alpha
  (:mod:`editor.render.layers`).
- **Shared work.** Decoding, reframing and joins are done once a frame for all editions;
  only a frame with a card or a layer on it is made per edition (a copy, then the blend).
  Every other frame is the same picture object in every edition.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterator, Sequence

import av
import cv2
import numpy as np

from editor.assemble.edl import Card, Edl, Framing, Join, Segment
from editor.assemble.trailer import CARD_DARKEN
from editor.errors import AutocutError
from editor.media.container import open_input, video_frames
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import Media
from editor.render.captions import caption_layers
from editor.render.deinterlace import progressive
from editor.render.frames import Canvas, Planes, from_rgb, to_rgb
from editor.render.layers import logo_layer
from editor.render.reframe import TURNS, draw, to_planes
from editor.render.text import text_image

SEEK_AHEAD_SECONDS = 2.0
"""A request this far past the decoder's position seeks instead of decoding up to it."""
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


def same_edit(editions: Sequence[Edl]) -> bool:
    """Whether ``editions`` are one edit: equal but for their captions and card texts."""

    def bare(edl: Edl) -> Edl:
        cards = tuple(dataclasses.replace(c, texts=()) for c in edl.cards)
        return dataclasses.replace(edl, captions=(), cards=cards)

    first = bare(editions[0])
    return all(bare(e) == first for e in editions[1:])


def output_pictures(
    editions: Sequence[Edl],
    media: dict[str, Media],
    on_frame: Callable[[int, int, Planes], None] | None = None,
) -> Iterator[tuple[Planes, ...]]:
    """Every output frame of each of ``editions`` (one edit: :func:`same_edit`), in order: a
    tuple per frame, a picture per edition (see module notes). ``on_frame`` hears of each
    picture as ``(edition, frame index, picture)``."""
    if not same_edit(editions):
        raise ValueError("editions rendered together must be one edit")
    edl = editions[0]
    fps = edl.fps
    total = edl.frame_count
    pictures = [SegmentPictures(seg, media[seg.source], edl) for seg in edl.segments]
    spans = [(round(s.out_in * fps), round(s.out_out * fps)) for s in edl.segments]
    cards = [(round(c.out_in * fps), round(c.out_out * fps), k) for k, c in enumerate(edl.cards)]
    logos = [logo_layer(o, fps) for o in edl.overlays]
    layers = [[*logos, *caption_layers(e)] for e in editions]
    card_cache: dict[Card, Planes] = {}
    ring = AHEAD + 3
    mixed = [Canvas() for _ in range(ring)]
    own = [[Canvas() for _ in range(ring)] for _ in editions]
    try:
        for index in range(total):
            card = next(((a, b, k) for a, b, k in cards if a <= index < b), None)
            if card is None:
                shared = _segment_picture(edl, pictures, spans, index, mixed[index % ring])
                made = [shared] * len(editions)
            else:
                a, b, k = card
                gain = _dip_gain(edl.cards[k].enter, edl.cards[k].leave, index - a, b - a, fps)
                made = []
                for e, edition in enumerate(editions):
                    c = edition.cards[k]
                    if c not in card_cache:
                        card_cache[c] = card_picture(c, edition, media[c.background.source])
                    made.append(_faded(card_cache[c], gain, own[e][index % ring]))
            out = []
            for e, picture in enumerate(made):
                if any(layer.shows(index) for layer in layers[e]):
                    picture = _copy(picture, own[e][index % ring])
                    for layer in layers[e]:
                        layer.blend(picture, index)
                if on_frame is not None:
                    on_frame(e, index, picture)
                out.append(picture)
            yield tuple(out)
    finally:
        for p in pictures:
            p.close()


def _segment_picture(
    edl: Edl,
    pictures: list[SegmentPictures],
    spans: list[tuple[int, int]],
    index: int,
    canvas: Canvas,
) -> Planes:
    """Output frame ``index`` where no card is on screen: its segment's picture, faded at a
    dip, or the two segments' pictures mixed across a crossfade."""
    fps = edl.fps
    shown = [(i, a, b) for i, (a, b) in enumerate(spans) if a <= index < b]
    if len(shown) == 1:
        i, a, b = shown[0]
        seg = edl.segments[i]
        picture = pictures[i].frame(index - a)
        return _faded(picture, _dip_gain(seg.enter, seg.leave, index - a, b - a, fps), canvas)
    if len(shown) == 2:
        (i, a1, b1), (j, a2, _b2) = shown
        weight = (index - a2 + 0.5) / (b1 - a2)
        return _mix(pictures[i].frame(index - a1), pictures[j].frame(index - a2), weight, canvas)
    raise AutocutError("EDL", f"output frame {index} has {len(shown)} pictures")


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
