"""From planned shots to the EDL's segments and cards. Pure, no I/O.

What is decided here:

- **Which source frames a segment shows.** A footage shot shows its piece from as near the
  piece's middle as keeps its sound edges out of speech when its sound is heard
  (:mod:`editor.assemble.dialogue`), on a source frame, extended by the handles its
  crossfades need. A line shows its picture from where its sound starts, moved by the J or
  L cut the beat asked for; its sound plays exactly from pause to pause.
- **What is heard.** A footage shot plays its source's sound unless it is ``muted`` (a
  montage shot of dialogue footage, under the music); a line always plays.
- **Framing.** Every output frame carries the vertical framing the reframe planner gives its
  source frame, so the renderer needs nothing but the EDL. The segment also names the camera
  mode, its reason and the faces framed of the plan's shot at its middle frame: a segment
  lies within one shot of its footage, so one shot's framing speaks for it (a re-framing
  inside that shot is in its frames all the same).
- **Cards.** The title card follows the hook, the end card the last shot; each is the
  still of the shot before it with the texts in their boxes (:mod:`editor.assemble.cards`).
- **Cover.** The cover picture is the output frame showing the largest, most confident face
  on the sharpest picture (the sharpest frame when no face shows).
"""

from __future__ import annotations

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.cards import end_card_boxes, title_card_box
from editor.assemble.dialogue import speech_safe_start
from editor.assemble.edl import Card, Framing, Join, Segment, Still, Text
from editor.assemble.lines import Line
from editor.assemble.scoring import Piece
from editor.assemble.slots import Slot, half_handle, join_for, transition_length
from editor.preset import Preset
from editor.reframe.plan import ReframePlan, ShotFraming


def cover_time(analyses: list[Analysis], segments: list[Segment]) -> float:
    """Output time of the cover frame (see module notes): the middle of that output frame."""
    best, best_value = 0.0, -1.0
    fps_of = {str(a.media.path): a for a in analyses}
    for seg in segments:
        analysis = fps_of[seg.source]
        lo, hi = _cut_span(seg)
        first = int(np.searchsorted(analysis.times, seg.src_in + (lo - seg.out_in) - 1e-6))
        last = int(np.searchsorted(analysis.times, seg.src_in + (hi - seg.out_in) - 1e-6))
        for frame in range(first, max(first + 1, last)):
            if frame >= analysis.frame_count:
                break
            value = _cover_value(analysis, frame)
            if value > best_value:
                t = seg.out_in + float(analysis.times[frame]) - seg.src_in
                best, best_value = t, value
    return round(best, 6)


def _cover_value(analysis: Analysis, frame: int) -> float:
    detail = float(analysis.detail[frame]) if analysis.detail.size else 1.0
    faces = analysis.face_boxes
    lo, hi = np.searchsorted(faces[:, 0], [frame, frame + 1]) if faces.size else (0, 0)
    rows = faces[lo:hi]
    face = float((rows[:, 5] * rows[:, 6]).max()) / analysis.media.height if rows.size else 0.0
    return (1.0 + 10.0 * face) * detail


def _cut_span(seg: Segment) -> tuple[float, float]:
    """The part of a segment on screen alone (between the midpoints of its transitions)."""
    return seg.out_in + seg.enter.length / 2, seg.out_out - seg.leave.length / 2


def footage_segment(
    analyses: list[Analysis],
    plans: list[ReframePlan],
    piece: Piece,
    slot: Slot,
    cursor: int,
    count: int,
    fps: float,
    muted: bool = False,
) -> Segment:
    """The segment showing ``piece`` from output frame ``cursor`` for ``count`` frames
    (cut to cut), extended by the handles its crossfades need; ``muted``: its sound does
    not play (a montage shot of dialogue footage)."""
    analysis = analyses[piece.source]
    before = half_handle(slot.enter, fps)
    after = half_handle(slot.leave, fps)
    shown = count + before + after
    src_in = _snap_in(analysis, piece, shown / fps, not muted)
    frames = framings(analysis, plans[piece.source], src_in, shown, fps)
    camera = camera_of(analysis, plans[piece.source], src_in, shown, fps)
    return Segment(
        source=str(analysis.media.path),
        src_in=round(src_in, 6),
        src_out=round(src_in + shown / fps, 6),
        out_in=_t(cursor - before, fps),
        out_out=_t(cursor + count + after, fps),
        shot=piece.shot,
        act=slot.act,
        score=piece.score,
        audio=analysis.media.has_audio and not muted,
        enter=slot.enter,
        leave=slot.leave,
        frames=frames,
        **_camera_fields(camera),
    )


def line_segment(
    analyses: list[Analysis],
    plans: list[ReframePlan],
    line: Line,
    slot: Slot,
    cursor: int,
    lead: int,
    trail: int,
    fps: float,
) -> Segment:
    """The segment playing ``line``: its picture from output frame ``cursor``, ``lead``
    frames after its sound starts (negative: before), to ``trail`` frames after its sound's
    nominal end; its sound exactly from pause to pause."""
    analysis = analyses[line.source]
    count = slot.frames - lead + trail
    src_in = line.sound_in + lead / fps
    camera = camera_of(analysis, plans[line.source], src_in, count, fps)
    return Segment(
        source=str(analysis.media.path),
        src_in=round(src_in, 6),
        src_out=round(src_in + count / fps, 6),
        out_in=_t(cursor, fps),
        out_out=_t(cursor + count, fps),
        shot=line.shot,
        act=slot.act,
        score=line.score,
        audio=analysis.media.has_audio,
        enter=slot.enter,
        leave=slot.leave,
        frames=framings(analysis, plans[line.source], src_in, count, fps),
        line=True,
        sound_in=line.sound_in,
        sound_out=line.sound_out,
        **_camera_fields(camera),
    )


def framings(
    analysis: Analysis, plan: ReframePlan, src_in: float, count: int, fps: float
) -> tuple[Framing, ...]:
    """The framing of each of ``count`` output frames from ``src_in`` on: that of the source
    frame on screen at each output frame's start."""
    out = []
    for k in range(count):
        t = src_in + k / fps + 1e-6
        frame = max(0, int(np.searchsorted(analysis.times, t, side="right")) - 1)
        layout, boxes = plan.frame(min(frame, plan.frame_count - 1))
        out.append(Framing(layout, tuple(tuple(round(float(v), 2) for v in b) for b in boxes)))
    return tuple(out)


def camera_of(
    analysis: Analysis, plan: ReframePlan, src_in: float, count: int, fps: float
) -> ShotFraming | None:
    """The plan's shot holding the source frame on screen at the middle of ``count``
    output frames from ``src_in`` (None when the plan says nothing of it)."""
    t = src_in + (count // 2) / fps + 1e-6
    frame = max(0, int(np.searchsorted(analysis.times, t, side="right")) - 1)
    for shot in plan.shots:
        if shot.start_frame <= frame < shot.end_frame:
            return shot
    return None


def _camera_fields(shot: ShotFraming | None) -> dict:
    """The segment fields naming ``shot``'s camera (none: the defaults, unknown)."""
    if shot is None:
        return {}
    return {"camera": shot.mode, "reason": shot.reason, "faces": len(shot.faces)}


def title_card(
    preset: Preset,
    title: str,
    cursor: int,
    count: int,
    hook: Segment,
    fps: float,
) -> Card:
    out = preset.output
    text = title or preset.cards.title_text
    texts = (Text(text, title_card_box(out.width, out.height), "title"),) if text else ()
    still = Still(hook.source, round(hook.src_out - 1 / fps, 6), hook.frames[-1])
    enter = Join(preset.cards.transition, transition_length(preset))
    return Card("title", _t(cursor, fps), _t(cursor + count, fps), texts, still,
                join_for(enter, preset), join_for(enter, preset))  # fmt: skip


def end_card(
    preset: Preset, title: str, cursor: int, count: int, last: Segment, fps: float
) -> Card:
    out = preset.output
    title_box, button_box = end_card_boxes(out.width, out.height)
    texts = []
    if title or preset.cards.title_text:
        texts.append(Text(title or preset.cards.title_text, title_box, "title"))
    if preset.cards.call_to_action:
        texts.append(Text(preset.cards.call_to_action, button_box, "button"))
    still = Still(last.source, round(last.src_out - 1 / fps, 6), last.frames[-1])
    enter = join_for(Join(preset.cards.transition, transition_length(preset)), preset)
    return Card("end", _t(cursor, fps), _t(cursor + count, fps), tuple(texts), still,
                enter, Join())  # fmt: skip


def _snap_in(analysis: Analysis, piece: Piece, seconds: float, heard: bool = True) -> float:
    """Start time for a ``seconds`` long cut in ``piece``, on a source frame: as near its
    middle as keeps the sound edges out of speech when its sound is ``heard``
    (:mod:`editor.assemble.dialogue`)."""
    ideal = piece.start + (piece.duration - seconds) / 2
    times = analysis.times[piece.start_frame : piece.end_frame]
    latest = piece.end - seconds
    candidates = times[times <= latest + 1e-9]
    if candidates.size == 0:
        return piece.start
    return speech_safe_start(candidates, seconds, ideal, analysis.utterances if heard else ())


def _t(frames: int, fps: float) -> float:
    return round(frames / fps, 6)
