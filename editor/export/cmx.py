"""An exported timeline as a CMX 3600 edit decision list (``<name>.edl``). Pure.

Written here, not by OpenTimelineIO's CMX adapter: that adapter raises on a dissolve to or
from a gap (the dips at autocut's cards, in every preset) and writes drop-frame timecode at
NTSC rates without saying so. What is decided here:

- **Events.** One per clip of the picture track, in record order, video only (CMX 3600
  lists carry the picture; the sound is in the ``.otio`` and ``.fcpxml`` files). Cards and
  black are no events (a list's record gaps are black), except where a fade meets them:
  then black is the ``BL`` reel, as CMX lists write fades.
- **Dissolves** start where CMX starts them, at the incoming event's record in: the
  outgoing event ends where the dissolve starts, and the incoming one starts that many
  frames earlier in its source. The frames on screen are the same as the timeline's.
- **Timecode** is non-drop-frame (``FCM: NON-DROP FRAME``), from 00:00:00:00 in record and
  in source (source frames counted at the output rate from the file's first frame).
- **Sources.** Each file gets a reel name of at most eight letters, digits and underscores
  made from its name (numbered when two would clash); an event names its clip and file in
  ``* FROM CLIP NAME`` / ``* FROM FILE`` comments, a dissolve its two sides in
  ``* FROM CLIP NAME`` / ``* TO CLIP NAME`` and the incoming file in ``* TO FILE``
  (a ``FROM FILE`` there would name the outgoing side's file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import opentimelineio as otio

from editor.export.rates import Rate, timecode

REEL_LENGTH = 8
BLACK_REEL = "BL"


@dataclass(frozen=True)
class _Event:
    """One picture item as CMX sees it: record and source frames from its start (the start
    of its incoming dissolve) to its end (the start of its outgoing one)."""

    reel: str
    name: str
    path: str
    source_in: int
    record_in: int
    record_out: int
    dissolve: int

    @property
    def source_out(self) -> int:
        return self.source_in + self.record_out - self.record_in


def cmx_of(timeline: otio.schema.Timeline, rate: Rate) -> str:
    """The CMX 3600 list of the picture track of ``timeline`` (see the module notes)."""
    events = _events(timeline.video_tracks()[0], rate)
    lines = [f"TITLE: {_one_line(timeline.name)}", "FCM: NON-DROP FRAME", ""]
    previous: _Event | None = None
    for number, event in enumerate(events, start=1):
        if event.dissolve:
            lines += _dissolve(number, previous, event, rate)
        else:
            lines.append(_line(number, event.reel, "C   ", event.source_in, event.source_out,
                               event.record_in, event.record_out, rate))  # fmt: skip
            lines.append(f"* FROM CLIP NAME: {event.name}")
            lines.append(f"* FROM FILE: {event.path}")
        lines.append("")
        previous = event
    return "\n".join(lines)


def _events(track: otio.schema.Track, rate: Rate) -> list[_Event]:
    """The clips of ``track``, and the gaps a transition touches, as CMX events."""
    reels = _reels([c.media_reference.target_url for c in track.find_clips()])
    items = list(track)
    out: list[_Event] = []
    for i, item in enumerate(items):
        if isinstance(item, otio.schema.Transition):
            continue
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        head = _frames(before.in_offset) if isinstance(before, otio.schema.Transition) else 0
        tail = _frames(after.in_offset) if isinstance(after, otio.schema.Transition) else 0
        dissolve = (
            _frames(before.in_offset) + _frames(before.out_offset)
            if isinstance(before, otio.schema.Transition)
            else 0
        )
        span = item.range_in_parent()
        record_in = _frames(span.start_time) - head
        record_out = _frames(span.end_time_exclusive()) - tail
        if isinstance(item, otio.schema.Clip):
            path = item.media_reference.target_url
            source_in = _frames(item.source_range.start_time) - head
            out.append(_Event(reels[path], item.name, path, source_in, record_in, record_out,
                              dissolve))  # fmt: skip
        elif dissolve or isinstance(after, otio.schema.Transition):
            out.append(_Event(BLACK_REEL, "", "", 0, record_in, record_out, dissolve))
    return out


def _dissolve(number: int, previous: _Event | None, event: _Event, rate: Rate) -> list[str]:
    """The two lines of a dissolve event: the outgoing side held at its last frame, then
    the incoming side with the dissolve's length; then the comments naming both."""
    if previous is None or previous.record_out != event.record_in:
        previous = _Event(BLACK_REEL, "", "", 0, event.record_in, event.record_in, 0)
    out_frame = previous.source_out if previous.reel != BLACK_REEL else 0
    lines = [
        _line(number, previous.reel, "C   ", out_frame, out_frame, event.record_in,
              event.record_in, rate),
        _line(number, event.reel, f"D {event.dissolve:03d}", event.source_in, event.source_out,
              event.record_in, event.record_out, rate),
    ]  # fmt: skip
    if previous.reel != BLACK_REEL:
        lines.append(f"* FROM CLIP NAME: {previous.name}")
    if event.reel != BLACK_REEL:
        lines.append(f"* TO CLIP NAME: {event.name}")
        lines.append(f"* TO FILE: {event.path}")
    return lines


def _line(
    number: int,
    reel: str,
    edit: str,
    source_in: int,
    source_out: int,
    record_in: int,
    record_out: int,
    rate: Rate,
) -> str:
    """One event line: number, reel, picture channel, edit, source and record timecodes."""
    times = " ".join(timecode(f, rate) for f in (source_in, source_out, record_in, record_out))
    return f"{number:03d}  {reel:<8} V     {edit:<8} {times}"


def _reels(paths: list[str]) -> dict[str, str]:
    """A reel name for each file (see the module notes)."""
    reels: dict[str, str] = {}
    for path in paths:
        if path in reels:
            continue
        stem = re.sub(r"[^A-Z0-9_]", "_", PurePath(path).stem.upper())[:REEL_LENGTH] or "SOURCE"
        if stem == BLACK_REEL:
            stem = "BL_"
        name, k = stem, 1
        while name in reels.values():
            k += 1
            suffix = str(k)
            name = stem[: REEL_LENGTH - len(suffix)] + suffix
        reels[path] = name
    return reels


def _frames(time: otio.opentime.RationalTime) -> int:
    return round(time.value)


def _one_line(text: str) -> str:
    return " ".join(text.split())
