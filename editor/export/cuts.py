"""Where the cuts of an exported picture track fall, and how the pictures pass them. Pure.

Autocut's EDL gives each segment the whole time it is on screen, so segments joined by a
crossfade overlap. Editing programs (and OpenTimelineIO) lay a track out cut to cut and let
a transition reach over the cut into the media beyond it. What is decided here:

- **Cuts.** Between two segments the cut is the middle of their overlap (no overlap: where
  one ends and the other starts). At a card the cut is the card's edge: a card covers any
  footage under it, as the renderer draws it. Time nothing covers is black.
- **Crossfades** become a dissolve over the whole overlap: ``before`` frames of the later
  segment's head before the cut, ``after`` frames of the earlier one's tail after it, both
  media the EDL's segments hold. So every segment shows exactly the source frames of its
  EDL span, transitions included.
- **Dips** use no media beyond a segment (the renderer fades each side to black over half
  the dip): the picture dissolves to black over the last half before the cut and from
  black over the first half after it. A card is black on an editing program's track (it is
  made by autocut), so it takes the black side; between two segments a zero-length black
  item holds the black the two fades meet in.
- **Frames.** Every time is counted in output frames (:func:`~editor.export.rates.frame_of`);
  a segment's source frames run with its record frames (no speed change), from its
  ``src_in`` counted at the output rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from editor.assemble.edl import Edl, Join
from editor.export.rates import Rate

SEGMENT, CARD, BLACK = "segment", "card", "black"
DISSOLVE, FADE_OUT, FADE_IN = "dissolve", "fade_out", "fade_in"


@dataclass(frozen=True)
class Shot:
    """One item of the picture track from cut to cut: segment or card ``index`` of the EDL
    (``kind`` says which; -1 for black), output frames ``record_in`` to ``record_out`` and,
    for a segment, the source frame at ``record_in`` (in output frames)."""

    kind: str
    index: int
    record_in: int
    record_out: int
    source_in: int = 0

    @property
    def frames(self) -> int:
        return self.record_out - self.record_in


@dataclass(frozen=True)
class Mix:
    """A transition over the cut between two shots: ``before`` frames before it and
    ``after`` frames after it. ``kind`` is a dissolve between two segments, a fade out to
    black or a fade in from black."""

    kind: str
    before: int
    after: int


@dataclass(frozen=True)
class _Span:
    kind: str
    index: int
    start: int
    stop: int
    source: int
    enter: Join
    leave: Join


def picture_track(edl: Edl, rate: Rate) -> tuple[Shot | Mix, ...]:
    """The picture track of ``edl``: shots in order with the mixes between them (see the
    module notes)."""
    spans = _spans(edl, rate)
    out: list[Shot | Mix] = []
    cursor = 0
    for i, span in enumerate(spans):
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        start = max(span.start, cursor)
        if start > cursor:
            out.append(Shot(BLACK, -1, cursor, start))
        cut = max(start, _cut(span, nxt) if nxt is not None else span.stop)
        out.append(Shot(span.kind, span.index, start, cut, span.source + start - span.start))
        cursor = cut
        if nxt is not None and nxt.start <= cut:
            out += _mixes(span, nxt, cut, rate)
    total = rate.frames(edl.duration)
    if cursor < total:
        out.append(Shot(BLACK, -1, cursor, total))
    return tuple(out)


def _spans(edl: Edl, rate: Rate) -> list[_Span]:
    """Segments and cards as record spans in frames, in order of their start."""
    spans = [
        _Span(SEGMENT, i, rate.frames(s.out_in), rate.frames(s.out_out), rate.frames(s.src_in),
              s.enter, s.leave)
        for i, s in enumerate(edl.segments)
    ] + [
        _Span(CARD, k, rate.frames(c.out_in), rate.frames(c.out_out), 0, c.enter, c.leave)
        for k, c in enumerate(edl.cards)
    ]  # fmt: skip
    return sorted(spans, key=lambda s: (s.start, s.kind != CARD, s.index))


def _cut(span: _Span, nxt: _Span) -> int:
    """Where the picture passes from ``span`` to the next: a card's edge, else the middle of
    the overlap (the end of ``span`` when the next starts after it)."""
    if span.kind == CARD:
        return span.stop
    if nxt.kind == CARD:
        return nxt.start
    if nxt.start >= span.stop:
        return span.stop
    return nxt.start + (span.stop - nxt.start) // 2


def _mixes(span: _Span, nxt: _Span, cut: int, rate: Rate) -> list[Shot | Mix]:
    """The transition(s) at the cut from ``span`` to ``nxt``."""
    if span.kind == SEGMENT and nxt.kind == SEGMENT and nxt.start < span.stop:
        return [Mix(DISSOLVE, cut - nxt.start, span.stop - cut)]
    dip = next((j for j in (span.leave, nxt.enter) if j.kind == "dip"), None)
    if dip is None or (span.kind == CARD and nxt.kind == CARD):
        return []
    half = max(1, rate.frames(dip.length / 2))
    out: list[Shot | Mix] = []
    if span.kind == SEGMENT:
        out.append(Mix(FADE_OUT, min(half, cut - span.start), 0))
    if span.kind == SEGMENT and nxt.kind == SEGMENT:
        out.append(Shot(BLACK, -1, cut, cut))
    if nxt.kind == SEGMENT:
        out.append(Mix(FADE_IN, 0, min(half, nxt.stop - cut)))
    return out
