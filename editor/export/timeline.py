"""An output's EDL as an OpenTimelineIO timeline: the cut an editing program opens. Pure.

The timeline has one picture track ("V1": :mod:`editor.export.cuts` decides its cuts and
transitions), the segments' sound on "A1", "A2", … (:mod:`editor.export.sound`) and the
music file, when there is one, on "Music". Every time is a whole number of frames at the
output's exact rate (:mod:`editor.export.rates`), so every format written from it cuts on
the same frames. What each item carries:

- **Clips** reference their source file by the EDL's path, and hold in
  ``metadata["autocut"]`` what no editing program reads but a finishing step needs: the
  segment's act, score, shot, line flag and joins, its EDL times in seconds, and its reframe
  as keyframes of the crop window (:mod:`editor.export.keyframes`; frame 0 is the
  segment's first frame on screen, output frame ``reframe.first_frame``, which is where the
  clip shows, transition included).
- **Cards** are gaps (autocut draws them; to an editing program they are black), with the
  card's kind, texts and background still in metadata.
- **Transitions** are SMPTE dissolves; their metadata says whether they are a crossfade or
  one half of a dip, and its length in seconds.
"""

from __future__ import annotations

from pathlib import PurePath

import opentimelineio as otio

from editor.assemble.edl import Card, Edl, Join, Segment
from editor.export.cuts import BLACK, CARD, DISSOLVE, Mix, Shot, picture_track
from editor.export.keyframes import keyframes
from editor.export.rates import Rate, rate_of
from editor.export.sound import MUSIC, Sound, music_sound, sound_lanes

KEY = "autocut"
"""The metadata key autocut's own notes are under."""


def timeline_of(edl: Edl, name: str) -> otio.schema.Timeline:
    """The OpenTimelineIO timeline of ``edl``, named ``name`` (see the module notes)."""
    rate = rate_of(edl.fps)
    timeline = otio.schema.Timeline(
        name=name, global_start_time=_time(0, rate), metadata={KEY: _notes(edl, rate)}
    )
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for item in picture_track(edl, rate):
        video.append(_mix(edl, item, rate) if isinstance(item, Mix) else _shot(edl, item, rate))
    timeline.tracks.append(video)
    for lane, sounds in enumerate(sound_lanes(edl, rate)):
        timeline.tracks.append(_sound_track(f"A{lane + 1}", sounds, edl, rate))
    music = music_sound(edl, rate)
    if music is not None:
        timeline.tracks.append(_sound_track("Music", (music,), edl, rate))
    return timeline


def _time(frames: int, rate: Rate) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, rate.otio_rate)


def _range(start: int, frames: int, rate: Rate) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_time(start, rate), _time(frames, rate))


def _shot(edl: Edl, shot: Shot, rate: Rate) -> otio.core.Item:
    if shot.kind == BLACK:
        return otio.schema.Gap(name="black", source_range=_range(0, shot.frames, rate))
    if shot.kind == CARD:
        card = edl.cards[shot.index]
        return otio.schema.Gap(
            name=f"{card.kind} card",
            source_range=_range(0, shot.frames, rate),
            metadata={KEY: _card_notes(card)},
        )
    seg = edl.segments[shot.index]
    return otio.schema.Clip(
        name=PurePath(seg.source).name,
        media_reference=otio.schema.ExternalReference(target_url=seg.source),
        source_range=_range(shot.source_in, shot.frames, rate),
        metadata={KEY: _segment_notes(seg, shot.index, rate)},
    )


def _mix(edl: Edl, mix: Mix, rate: Rate) -> otio.schema.Transition:
    kind = "crossfade" if mix.kind == DISSOLVE else "dip"
    length = (mix.before + mix.after) * (2 if kind == "dip" else 1)
    return otio.schema.Transition(
        name=mix.kind.replace("_", " "),
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=_time(mix.before, rate),
        out_offset=_time(mix.after, rate),
        metadata={KEY: {"kind": kind, "part": mix.kind, "length": float(rate.seconds(length))}},
    )


def _sound_track(name: str, sounds: tuple[Sound, ...], edl: Edl, rate: Rate) -> otio.schema.Track:
    track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
    cursor = 0
    for sound in sounds:
        if sound.record_in > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, sound.record_in - cursor, rate)))
        track.append(_sound_clip(sound, edl, rate))
        cursor = sound.record_out
    return track


def _sound_clip(sound: Sound, edl: Edl, rate: Rate) -> otio.schema.Clip:
    if sound.index == MUSIC:
        source, notes = edl.sound.music.source, {"music": True}  # type: ignore[union-attr]
    else:
        seg = edl.segments[sound.index]
        lo, hi = seg.sound_span
        source = seg.source
        notes = {"segment": sound.index, "line": seg.line, "sound_in": lo, "sound_out": hi}
    return otio.schema.Clip(
        name=PurePath(source).name,
        media_reference=otio.schema.ExternalReference(target_url=source),
        source_range=_range(sound.source_in, sound.record_out - sound.record_in, rate),
        metadata={KEY: notes},
    )


def _join(join: Join) -> dict:
    return {"kind": join.kind, "length": join.length}


def _segment_notes(seg: Segment, index: int, rate: Rate) -> dict:
    notes = {
        "segment": index,
        "shot": seg.shot,
        "act": seg.act,
        "score": seg.score,
        "line": seg.line,
        "audio": seg.audio,
        "enter": _join(seg.enter),
        "leave": _join(seg.leave),
        "src_in": seg.src_in,
        "src_out": seg.src_out,
        "out_in": seg.out_in,
        "out_out": seg.out_out,
        "reframe": {
            "first_frame": rate.frames(seg.out_in),
            "frame_count": len(seg.frames),
            "keyframes": [k.to_dict() for k in keyframes(seg.frames)],
        },
    }
    if seg.sound_in is not None or seg.sound_out is not None:
        notes["sound_in"], notes["sound_out"] = seg.sound_span
    return notes


def _card_notes(card: Card) -> dict:
    still = card.background
    return {
        "card": card.kind,
        "texts": [
            {"text": t.text, "style": t.style, "language": t.language, "box": list(t.box)}
            for t in card.texts
        ],
        "background": {
            "source": still.source,
            "time": still.time,
            "layout": still.framing.layout,
            "boxes": [list(b) for b in still.framing.boxes],
        },
        "enter": _join(card.enter),
        "leave": _join(card.leave),
        "out_in": card.out_in,
        "out_out": card.out_out,
    }


def _notes(edl: Edl, rate: Rate) -> dict:
    music = edl.sound.music
    return {
        "preset": edl.preset,
        "seed": edl.seed,
        "variant": edl.variant,
        "width": edl.width,
        "height": edl.height,
        "fps": edl.fps,
        "rate": f"{rate.exact.numerator}/{rate.exact.denominator}",
        "duration": edl.duration,
        "cover_time": edl.cover_time,
        "music": None if music is None else {"source": music.source, "bpm": music.bpm},
    }
