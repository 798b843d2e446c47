"""When each subtitle line is on screen in a cut: source times carried through the EDL.

A studio's subtitle file is timed to the episode. A cut plays pieces of it, in another
order, with J and L cuts and crossfades, between cards. What is decided here, per line and
per segment that plays the line's source:

- A line is shown only while its sound is heard: from where the segment's sound
  (``Segment.sound_span``, which J and L cuts stretch past the picture) and the line overlap,
  carried to output time by the segment's offset. A segment playing no sound (a montage
  shot under music) shows no line: words without their voice read as a mistake.
- Not over a card: the title and end cards have text of their own. A line that a card
  interrupts keeps its longest part.
- Every time lands on an output frame boundary, so the line appears and leaves with a
  frame, and the retimed subtitle file matches the picture to the frame.
- A line the edit cuts short (it started before the segment, ran past it, or met a card)
  stays only if it is on screen at least ``min_on_screen`` seconds and its text reads at no
  more than ``reading_speed`` characters a second (:func:`reading_length`). A line heard
  whole stays whatever its length: the studio timed it.
- The same line heard in two overlapping segments (a crossfade) is one caption. Lines never
  overlap: where one starts before the last has gone, the last ends there, and is dropped
  if that leaves it too short to read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from editor.assemble.cards import caption_box
from editor.assemble.edl import Caption, Card, Edl, Segment
from editor.captions.layout import lay_out
from editor.captions.lines import reading_length
from editor.preset import Captions
from editor.subtitles import Cue


def with_captions(
    edl: Edl, subtitles: Mapping[str, Mapping[str, Sequence[Cue]]], rules: Captions
) -> Edl:
    """``edl`` with the captions of every language in ``subtitles`` (language -> cues by
    source), languages in sorted order, each set on the frame (:func:`lay_out`)."""
    events = [
        part
        for language in sorted(subtitles)
        for caption in caption_events(edl, subtitles[language], language, rules)
        for part in lay_out(caption, edl.width, edl.height, edl.fps, rules)
    ]
    return dataclasses.replace(edl, captions=tuple(events))


def caption_events(
    edl: Edl, cues: Mapping[str, Sequence[Cue]], language: str, rules: Captions
) -> tuple[Caption, ...]:
    """The captions of ``edl`` in ``language``: ``cues`` by source (as ``Segment.source``
    names it) carried to output time (module notes)."""
    box = caption_box(edl.width, edl.height, rules.position)
    shown: list[tuple[float, float, str]] = []
    for segment in edl.segments:
        if not segment.audio:
            continue
        for cue in cues.get(segment.source, ()):
            piece = _heard(cue, segment, edl.cards, edl.duration)
            if piece is None:
                continue
            start, end, cut = piece
            start, end = _on_frames(start, edl.fps), _on_frames(end, edl.fps)
            if end <= start or (cut and not readable(cue.text, end - start, rules)):
                continue
            shown.append((start, end, cue.text))
    return tuple(
        Caption(text, language, start, end, box)
        for start, end, text in _one_at_a_time(shown, edl.fps, rules)
    )


def readable(text: str, seconds: float, rules: Captions) -> bool:
    """Whether ``text`` can be read in ``seconds`` on screen."""
    return seconds >= rules.min_on_screen and reading_length(text) <= rules.reading_speed * seconds


def _heard(
    cue: Cue, segment: Segment, cards: Sequence[Card], duration: float
) -> tuple[float, float, bool] | None:
    """Output seconds the cue is heard in ``segment``, off the cards, and whether the edit
    cut it short; None when it is not heard there."""
    lo, hi = segment.sound_span
    offset = segment.out_in - segment.src_in
    whole = (cue.start + offset, cue.end + offset)
    pieces = [(max(cue.start, lo, -offset) + offset, min(cue.end, hi, duration - offset) + offset)]
    for card in cards:
        pieces = [
            piece
            for a, b in pieces
            for piece in ((a, min(b, card.out_in)), (max(a, card.out_out), b))
        ]
    pieces = [(a, b) for a, b in pieces if b > a]
    if not pieces:
        return None
    start, end = max(pieces, key=lambda p: p[1] - p[0])
    return start, end, (start, end) != whole


def _on_frames(seconds: float, fps: float) -> float:
    return round(round(seconds * fps) / fps, 6)


def _one_at_a_time(
    shown: list[tuple[float, float, str]], fps: float, rules: Captions
) -> list[tuple[float, float, str]]:
    """Captions in time order, the same line met twice in a row joined, none overlapping."""
    out: list[tuple[float, float, str]] = []
    for start, end, text in sorted(shown):
        if out and out[-1][2] == text and start <= out[-1][1] + 0.5 / fps:
            out[-1] = (out[-1][0], max(out[-1][1], end), text)
            continue
        if out and start < out[-1][1]:
            first, _, last = out.pop()
            if readable(last, start - first, rules):
                out.append((first, start, last))
        out.append((start, end, text))
    return out
