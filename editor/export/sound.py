"""Where an exported cut's sound sits on its sound tracks. Pure.

What is decided here:

- **What is on them.** Each segment whose source sound plays (``audio``), from where the
  EDL plays it (:attr:`~editor.assemble.edl.Segment.sound_at`: a line of dialogue may start
  before or end after its picture, J and L cuts), and the music when it is a sound file.
  The music bed autocut makes is no file an editing program could open: the timeline's
  metadata names it, and the music track stays empty.
- **In sync, to the frame.** Sound edges are counted in output frames, the grid of every
  format written; a sound's source frames are its picture's shifted by the same number of
  frames, so picture and sound never slip apart by a rounding.
- **Tracks.** Sounds that play at once (the two sides of a crossfade, a J cut under the
  picture before it) go on separate tracks: each sound goes on the first track free at its
  start. That keeps a plain cut on one track, as an editor lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from editor.assemble.edl import Edl
from editor.export.rates import Rate

MUSIC = -1
"""The segment index a music sound carries."""


@dataclass(frozen=True)
class Sound:
    """One sound: segment ``index`` (or :data:`MUSIC`), on output frames ``record_in`` to
    ``record_out``, from source frame ``source_in`` (in output frames)."""

    index: int
    record_in: int
    record_out: int
    source_in: int


def sound_lanes(edl: Edl, rate: Rate) -> tuple[tuple[Sound, ...], ...]:
    """The segments' sounds, track by track (see the module notes)."""
    sounds = []
    for i, seg in enumerate(edl.segments):
        if not seg.audio:
            continue
        lo, hi = seg.sound_at
        start, stop = rate.frames(lo), rate.frames(hi)
        if stop <= start:
            continue
        sounds.append(
            Sound(i, start, stop, rate.frames(seg.src_in) + start - rate.frames(seg.out_in))
        )
    lanes: list[list[Sound]] = []
    for sound in sorted(sounds, key=lambda s: (s.record_in, s.index)):
        lane = next((ln for ln in lanes if ln[-1].record_out <= sound.record_in), None)
        if lane is None:
            lanes.append([sound])
        else:
            lane.append(sound)
    return tuple(tuple(lane) for lane in lanes)


def music_sound(edl: Edl, rate: Rate) -> Sound | None:
    """The music as a sound on its own track, when it is a file (None for the bed)."""
    music = edl.sound.music
    if music is None or not music.source:
        return None
    start, stop = rate.frames(music.out_in), rate.frames(music.out_out)
    return Sound(MUSIC, start, stop, rate.frames(music.src_in)) if stop > start else None
