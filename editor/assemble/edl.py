"""The edit decision list: the single source of truth for one output.

Everything a renderer needs is here (sources, in and out points, the vertical framing of
every output frame, transitions, cards, overlays, cover frame, output format), and nothing
else is passed to it. The JSON form is deterministic: the same inputs, preset and seed give
a byte-identical file.

Times are seconds. ``src_*`` count from a source's first frame; ``out_*`` from the start of
the output. A segment's ``out_in``/``out_out`` is the whole time it is on screen, so two
segments joined by a crossfade overlap by the crossfade's length; the *cut* between them is
the middle of the overlap.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

EDL_VERSION = 1


@dataclass(frozen=True)
class Join:
    """How a picture enters or leaves: ``kind`` is cut, crossfade or dip; ``length`` is
    the whole transition in seconds (0 for a cut)."""

    kind: str = "cut"
    length: float = 0.0


@dataclass(frozen=True)
class Framing:
    """The vertical framing of one output frame: reframe layout and source boxes
    (``[x, y, w, h]`` in source display pixels; one per panel)."""

    layout: str
    boxes: tuple[tuple[float, float, float, float], ...]


@dataclass(frozen=True)
class Segment:
    """One piece of one source on the output timeline.

    ``frames`` holds the framing of each output frame the segment shows, in order;
    ``audio`` says whether the source's sound plays under it (False: silence; a montage
    shot of dialogue footage plays the music alone). ``act`` is the part of the structure it
    belongs to ("hook", an act's name or "cliffhanger") and ``score`` the highlight score of
    the footage (0..1). ``line`` marks a whole line of dialogue: its sound plays from
    ``sound_in`` to ``sound_out`` (source seconds), which may start before or end after the
    picture (J and L cuts); without them the sound plays with the picture. ``camera`` is
    the reframe plan's camera mode of the footage (stationary, track, split or fit; "" when
    unknown), ``reason`` why the planner chose it and ``faces`` how many faces it frames:
    kept here so what each shot shows can be reviewed from the EDL alone.
    """

    source: str
    src_in: float
    src_out: float
    out_in: float
    out_out: float
    shot: int
    act: str
    score: float
    audio: bool
    enter: Join
    leave: Join
    frames: tuple[Framing, ...]
    line: bool = False
    sound_in: float | None = None
    sound_out: float | None = None
    camera: str = ""
    reason: str = ""
    faces: int = 0

    @property
    def duration(self) -> float:
        return self.out_out - self.out_in

    @property
    def sound_span(self) -> tuple[float, float]:
        """Source seconds of the sound the segment plays (when it plays any)."""
        lo = self.src_in if self.sound_in is None else self.sound_in
        hi = self.src_out if self.sound_out is None else self.sound_out
        return lo, hi

    @property
    def sound_at(self) -> tuple[float, float]:
        """Output seconds the segment's sound plays from and to."""
        lo, hi = self.sound_span
        return self.out_in + lo - self.src_in, self.out_in + hi - self.src_in


@dataclass(frozen=True)
class Text:
    """A block of text fitted (wrapped, then shrunk until it fits) into ``box`` (output
    pixels ``[x, y, w, h]``). ``style`` is "title" or "button"; ``language`` the text's
    language tag ("und" when unknown), which picks its font faces."""

    text: str
    box: tuple[int, int, int, int]
    style: str
    language: str = "und"


@dataclass(frozen=True)
class Still:
    """One source picture at ``time`` framed as ``framing``: a card's background."""

    source: str
    time: float
    framing: Framing


@dataclass(frozen=True)
class Card:
    """A full-screen card: ``texts`` over a blurred, darkened ``background``."""

    kind: str
    out_in: float
    out_out: float
    texts: tuple[Text, ...]
    background: Still
    enter: Join
    leave: Join


@dataclass(frozen=True)
class Overlay:
    """An image (PNG, alpha honoured) shown at ``box`` (output pixels) from ``out_in`` to
    ``out_out``."""

    kind: str
    path: str
    box: tuple[int, int, int, int]
    out_in: float
    out_out: float


@dataclass(frozen=True)
class Caption:
    """A subtitle line in ``language`` on screen from ``out_in`` to ``out_out`` (output
    seconds, on frame boundaries): ``text`` as the subtitle file has it, set as ``lines``
    at ``size`` pixels and ``weight``, white with a black ``outline`` (pixels) and a soft
    ``shadow`` that far below and right (pixels; 0: none), over a dark box when ``backing``,
    centred in ``box`` (output pixels ``[x, y, w, h]``); ``font`` is a font file tried
    before the packaged faces ("": those alone, :mod:`editor.captions.fonts`)."""

    text: str
    language: str
    out_in: float
    out_out: float
    box: tuple[int, int, int, int]
    lines: tuple[str, ...] = ()
    size: int = 0
    weight: int = 700
    outline: int = 0
    backing: bool = False
    shadow: int = 0
    font: str = ""


@dataclass(frozen=True)
class Music:
    """The music under the output, from ``out_in`` to ``out_out``.

    ``source`` is a sound file played from ``src_in``, or "" for the bed autocut makes
    (:mod:`editor.sound.bed`: ``seed``, ``downbeat``, ``sections`` and ``hit`` say what it
    plays). ``beats`` are the output times the music's beats fall on (``bpm`` per minute).
    ``level`` is the music's loudness relative to the footage's sound (LU); under
    ``speech`` (output-time stretches of dialogue) it is ``duck`` dB lower."""

    source: str
    src_in: float
    out_in: float
    out_out: float
    level: float
    duck: float
    fade_in: float
    fade_out: float
    bpm: float
    beats: tuple[float, ...]
    downbeat: int
    sections: tuple[tuple[float, int], ...]
    hit: float | None
    seed: int
    speech: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Sound:
    """How the output's sound is finished: the music under it (None: none), the integrated
    loudness it is mastered to (LUFS) and the ceiling of its true peak (dBTP), both measured
    on the encoded file."""

    loudness: float = -14.0
    true_peak: float = -1.0
    music: Music | None = None


@dataclass(frozen=True)
class Edl:
    """A whole output: format, timeline and the decisions that produced it."""

    preset: str
    seed: int
    variant: int
    duration: float
    width: int
    height: int
    fps: float
    video_bitrate_kbps: int
    audio_bitrate_kbps: int
    x264_preset: str
    segments: tuple[Segment, ...]
    cards: tuple[Card, ...] = ()
    overlays: tuple[Overlay, ...] = ()
    cover_time: float = 0.0
    """Output time of the frame written as the cover picture."""
    sound: Sound = Sound()
    captions: tuple[Caption, ...] = ()
    """Subtitle lines, language by language (sorted by tag); within a language in time
    order, never overlapping."""
    version: int = EDL_VERSION

    @property
    def frame_count(self) -> int:
        return round(self.duration * self.fps)

    def to_dict(self) -> dict:
        return _plain(self)

    def to_json(self) -> str:
        """Stable JSON: fixed key order, floats as computed (already rounded), newline at end."""
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> Edl:
        return _build(cls, data)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


_NESTED = {
    (Segment, "enter"): Join,
    (Segment, "leave"): Join,
    (Segment, "frames"): (Framing,),
    (Card, "texts"): (Text,),
    (Card, "background"): Still,
    (Card, "enter"): Join,
    (Card, "leave"): Join,
    (Still, "framing"): Framing,
    (Edl, "segments"): (Segment,),
    (Edl, "cards"): (Card,),
    (Edl, "overlays"): (Overlay,),
    (Edl, "sound"): Sound,
    (Edl, "captions"): (Caption,),
    (Sound, "music"): Music,
}


def _build(cls: type, data: dict):
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        nested = _NESTED.get((cls, f.name))
        if raw is None:
            values[f.name] = None
        elif isinstance(nested, tuple):
            values[f.name] = tuple(_build(nested[0], item) for item in raw)
        elif nested is not None:
            values[f.name] = _build(nested, raw)
        elif isinstance(raw, list):
            values[f.name] = _tuples(raw)
        else:
            values[f.name] = raw
    return cls(**values)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
