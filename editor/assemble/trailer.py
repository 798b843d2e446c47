"""Plan an output of a preset (trailer, teaser, promo) as an EDL. Pure, no I/O.

Decisions:
- **Structure.** The output is: hook, title card (if the preset has one), the preset's acts
  in order, the cliffhanger (dialogue footage only), end card. Every length is counted in
  whole output frames, so the output is exactly the preset's duration. Shot lengths, joins
  and the footage that fills them are decided in :mod:`editor.assemble.slots`.
- **Dialogue.** When the footage has speech (and music plays), the edit is built around its
  lines (:mod:`editor.assemble.lines`): the hook is one whole line, each act plays its lines
  between montage shots, and a cliffhanger line closes before the end card. Montage shots
  play the music alone: their dialogue is out, so no word is ever cut. A line's sound
  plays exactly from pause to pause; its picture cuts on the nearest beat, leading or
  trailing the sound by up to ``dialogue.split`` (J and L cuts). Footage without speech
  keeps its own sound under every shot.
- **Hook.** Without a line to open on, the opening shot is the highest-ranked piece of
  footage (variant ``k`` takes the ``k``-th best shot of the top :data:`HOOK_CHOICES`),
  cut to at most ``hook.max_length`` seconds: the output opens on its strongest moment and
  the first cut comes early.
- **Acts.** The footage for montage shots is the best remaining pieces (a shot already used
  ranks lower each time); the weakest of them go to the first act and the strongest to the
  last, so intensity builds toward the climax; within an act, pieces play in source order
  so the story reads forwards. No montage shot repeats the picture of a line.
- **Beats.** Every cut inside the acts moves to the nearest beat of the music
  (:mod:`editor.assemble.music`), within the footage each shot has.
- **Seed.** The seed adds a small random amount to every piece's and line's rank, so
  different seeds give different but equally plausible cuts while one seed always gives
  the same cut.
- **Framing.** Every output frame carries the vertical framing the reframe planner gives its
  source frame, so the renderer needs nothing but the EDL.
- **Cover.** The cover picture is the output frame showing the largest, most confident face
  on the sharpest picture (the sharpest frame when no face shows).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.cards import end_card_boxes, logo_box, title_card_box
from editor.assemble.dialogue import speech_safe_start
from editor.assemble.edl import Card, Edl, Framing, Join, Overlay, Segment, Sound, Still, Text
from editor.assemble.lines import Line, LinePlan, choose_lines, find_lines
from editor.assemble.music import beat_frames, on_beats, plan_music, sections, speech_spans
from editor.assemble.scoring import Piece, usable_pieces
from editor.assemble.slots import (
    Slot,
    act_slots,
    fill_slots,
    fit_lengths,
    half_handle,
    handles,
    join_for,
    line_frames,
    piece_frames,
    take,
    transition_length,
)
from editor.errors import AutocutError
from editor.preset import LOUDNESS, MIN_SHOT, Preset
from editor.reframe.plan import ReframePlan
from editor.reframe.planner import plan_reframe
from editor.sound.beats import BeatTrack

SEED_JITTER = 0.08
"""Largest random change to a score (0..1) a seed can make."""
HOOK_CHOICES = 3
"""Variants open on one of this many best shots, in turn."""
CARD_DARKEN = 0.45
"""Card backgrounds are blurred and darkened to this share of their brightness, so white
text stands out on any footage (the renderer applies it)."""


@dataclass(frozen=True)
class Logo:
    """A logo image to show on every frame: its path and pixel size."""

    path: str
    width: int
    height: int


def plan_trailer(
    analyses: list[Analysis],
    preset: Preset,
    seed: int = 0,
    variant: int = 0,
    title: str = "",
    logo: Logo | None = None,
    music_beats: BeatTrack | None = None,
) -> Edl:
    """Plan one output of ``preset`` from analysed sources (in the order given);
    ``music_beats`` are the beats of the preset's music file from where it starts."""
    out = preset.output
    fps = out.fps
    total = round(preset.duration * fps)
    title_frames = round(preset.cards.title * fps)
    end_frames = round(preset.cards.end * fps)
    hit = _t(total - end_frames, fps) if end_frames else None
    music = plan_music(preset, seed, _t(total, fps), hit, [], music_beats)
    talk = music is not None and preset.dialogue.enabled and any(a.utterances for a in analyses)
    lines = plan_lines(analyses, preset, seed, variant) if talk else LinePlan(None, None, ())
    pieces = [p for i, a in enumerate(analyses) for p in usable_pieces(a, i, preset)]
    pieces = [p for piece in pieces for p in without_lines(piece, lines.all(), fps)]
    if not pieces:
        raise _short(analyses, preset, 0.0)
    rank = {id(p): r for p, r in zip(pieces, _ranks(pieces, seed, variant))}
    cliff_frames = line_frames(lines.cliffhanger, fps) if lines.cliffhanger else 0
    hook_leave = Join(preset.cards.transition if title_frames else "cut", transition_length(preset))
    if lines.hook is not None:
        hook_frames = line_frames(lines.hook, fps)
        if hook_leave.kind == "crossfade":
            hook_leave = Join("dip", hook_leave.length)
        hook_slot = Slot("hook", -1, hook_frames, Join(), join_for(hook_leave, preset), lines.hook)
        hook, pool, uses = None, list(pieces), {}
    else:
        hook_piece = pick_hook(pieces, _ranks(pieces, seed, 0), variant)  # one order for variants
        hook_frames = min(round(preset.hook.max_length * fps), piece_frames(hook_piece, fps))
        hook_slot = Slot("hook", -1, hook_frames, Join(), join_for(hook_leave, preset))
        hook, rest = take(hook_piece, hook_frames + handles(hook_slot, fps), fps)
        pool = [p for p in pieces if p is not hook_piece] + rest
        rank.update({id(p): rank[id(hook_piece)] for p in rest})
        uses = {(hook.source, hook.shot): 1}
    footage = total - hook_frames - title_frames - end_frames - cliff_frames
    if footage < math.ceil(MIN_SHOT * fps):
        raise _short(analyses, preset, sum(piece_frames(p, fps) for p in pieces) / fps)
    slots = act_slots(preset, footage, fps, title_frames > 0, end_frames > 0, lines.acts,
                      lines.cliffhanger)  # fmt: skip
    first = hook_frames + title_frames
    shortest = math.ceil(MIN_SHOT * fps)
    beats = beat_frames(music, fps)
    montage = [i for i, s in enumerate(slots) if s.line is None]
    room = [_line_room(s.line, fps) if s.line else (0, 0) for s in slots]
    split = math.floor(preset.dialogue.split * fps + 1e-6)
    moves = _moves(slots, room, split)
    # Montage lengths first, lines held where they are: the footage picked must hold them.
    held = [(0, 0) if a.line or b.line else m for a, b, m in zip(slots, slots[1:], moves)]
    wanted = on_beats([s.frames for s in slots], [footage + cliff_frames] * len(slots), first,
                      beats, shortest, held)  # fmt: skip
    slots = [dataclasses.replace(s, frames=n) for s, n in zip(slots, wanted)]
    # With a beat to cut on, each pick holds up to half a beat more, for the cut to move to it.
    slack = math.ceil(30 / music.bpm * fps) if music is not None and music.beats else 0
    picks = fill_slots([slots[i] for i in montage], pool, rank, uses, fps, slack)
    if picks is None:
        raise _short(analyses, preset, sum(piece_frames(p, fps) for p in pieces) / fps)
    assigned: list[Piece | None] = [None] * len(slots)
    for i, piece in zip(montage, picks):
        assigned[i] = piece
    capacity = [
        piece_frames(p, fps) - handles(s, fps) if p is not None else s.frames
        for p, s in zip(assigned, slots)
    ]
    fixed = [s.line is not None for s in slots]
    lengths = fit_lengths([s.frames for s in slots], capacity, footage + cliff_frames, fixed)
    nominal = first + np.concatenate([[0], np.cumsum(lengths)]).astype(int)
    capacity = [c + sum(r) for c, r in zip(capacity, room)]
    lengths = on_beats(lengths, capacity, first, beats, shortest, moves)
    starts = first + np.concatenate([[0], np.cumsum(lengths)]).astype(int)
    act_starts = [
        _t(int(starts[i]), fps)
        for i, s in enumerate(slots)
        if s.act != "cliffhanger" and (i == 0 or s.act_index != slots[i - 1].act_index)
    ]
    plans = [plan_reframe(a, out.width, out.height) for a in analyses]
    muted = talk  # montage shots of dialogue footage play the music alone

    timeline: list[tuple[Piece | Line, Slot, int, int]] = [
        (hook or lines.hook, hook_slot, 0, 0)  # type: ignore[list-item]
    ]
    for i, (piece, slot) in enumerate(zip(assigned, slots)):
        if slot.line is not None:
            timeline.append((slot.line, slot, int(starts[i] - nominal[i]),
                             int(starts[i + 1] - nominal[i + 1])))  # fmt: skip
        else:
            timeline.append((piece, slot, 0, 0))
    counts = [hook_frames, *lengths]

    segments, cards, cursor = [], [], 0
    for i, ((what, slot, lead, trail), count) in enumerate(zip(timeline, counts)):
        if i == 1 and title_frames:
            cards.append(_title_card(preset, title, cursor, title_frames, segments[0], fps))
            cursor += title_frames
        if isinstance(what, Line):
            segments.append(_line_segment(analyses, plans, what, slot, cursor, lead, trail, fps))
        else:
            segments.append(_segment(analyses, plans, what, slot, cursor, count, fps, muted))
        cursor += count
    if end_frames:
        cards.append(_end_card(preset, title, cursor, end_frames, segments[-1], fps))
    cursor += end_frames
    assert cursor == total, (cursor, total)
    if music is not None:
        by_source = {str(a.media.path): a for a in analyses}
        speech = speech_spans(segments, by_source)
        music = dataclasses.replace(music, sections=sections(act_starts) if music.beats
                                    else (), speech=speech)  # fmt: skip
    overlays = ()
    if logo is not None:
        box = logo_box(out.width, out.height, (logo.width, logo.height))
        overlays = (Overlay("logo", logo.path, box, 0.0, _t(total, fps)),)
    return Edl(
        preset=preset.name,
        seed=seed,
        variant=variant,
        duration=_t(total, fps),
        width=out.width,
        height=out.height,
        fps=fps,
        video_bitrate_kbps=out.video_bitrate_kbps,
        audio_bitrate_kbps=out.audio_bitrate_kbps,
        x264_preset=out.x264_preset,
        segments=tuple(segments),
        cards=tuple(cards),
        overlays=overlays,
        cover_time=cover_time(analyses, segments),
        sound=Sound(*LOUDNESS[preset.sound.loudness], music=music),
    )


def plan_lines(analyses: list[Analysis], preset: Preset, seed: int, variant: int) -> LinePlan:
    """The lines of dialogue an output uses (:mod:`editor.assemble.lines`), ranked with the
    seed's jitter."""
    found = [x for i, a in enumerate(analyses) for x in find_lines(a, i, preset)]

    def ranks(variant: int) -> list[float]:
        rng = np.random.default_rng([seed, variant, 1])
        jitter = rng.uniform(0.0, SEED_JITTER, size=len(found))
        if not (seed or variant):
            jitter[:] = 0.0
        return [x.score + float(j) for x, j in zip(found, jitter)]

    durations = [a.media.duration for a in analyses]
    return choose_lines(found, ranks(variant), ranks(0), preset, variant, durations)


def without_lines(piece: Piece, lines: list[Line], fps: float) -> list[Piece]:
    """The parts of ``piece`` outside the pictures of ``lines`` (each at least a shot long):
    a montage shot never repeats what a line shows."""
    parts = [piece]
    for line in lines:
        if line.source != piece.source:
            continue
        kept = []
        for p in parts:
            if line.picture_out <= p.start or line.picture_in >= p.end:
                kept.append(p)
                continue
            count = p.end_frame - p.start_frame
            for lo, hi in ((p.start, line.picture_in), (line.picture_out, p.end)):
                if hi - lo < MIN_SHOT:
                    continue
                a = p.start_frame + math.ceil((lo - p.start) / p.duration * count - 1e-9)
                b = p.start_frame + math.floor((hi - p.start) / p.duration * count + 1e-9)
                if b > a:
                    kept.append(
                        dataclasses.replace(p, start_frame=a, end_frame=b, start=lo, end=hi)
                    )
        parts = kept
    return parts


def pick_hook(pieces: list[Piece], rank: list[float], variant: int) -> Piece:
    """The best piece of the ``variant % HOOK_CHOICES``-th best shot (fewer if there are
    fewer shots)."""
    best_of_shot: dict[tuple[int, int], int] = {}
    for i, p in enumerate(pieces):
        key = (p.source, p.shot)
        if key not in best_of_shot or rank[i] > rank[best_of_shot[key]]:
            best_of_shot[key] = i
    order = sorted(best_of_shot.values(), key=lambda i: (-rank[i], i))
    return pieces[order[variant % min(HOOK_CHOICES, len(order))]]


def _line_room(line: Line, fps: float) -> tuple[int, int]:
    """Whole output frames a line's picture may reach before and after its sound."""
    return (
        math.floor((line.sound_in - line.picture_in) * fps + 1e-6),
        math.floor((line.picture_out - line.sound_out) * fps + 1e-6),
    )


def _moves(slots: list[Slot], room: list[tuple[int, int]], split: int) -> list[tuple[int, int]]:
    """How far (frames, earlier and later) each cut between ``slots`` may move onto a beat:
    freely between montage shots; around a line, as far as its picture reaches past its
    sound (showing more of the pause) or ``split`` frames into it (the sound leading or
    trailing the picture: a J or L cut); not at all between two lines, whose sounds would
    overlap."""
    out = []
    for i in range(1, len(slots)):
        earliest, latest = -(10**9), 10**9
        before, after = slots[i - 1], slots[i]
        if before.line is not None and after.line is not None:
            earliest = latest = 0
        elif after.line is not None:  # the line's first picture
            earliest, latest = -room[i][0], split
        elif before.line is not None:  # the line's last picture
            earliest, latest = -split, room[i - 1][1]
        out.append((earliest, latest))
    return out


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


def _segment(
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
    frames = _framings(analysis, plans[piece.source], src_in, shown, fps)
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
    )


def _line_segment(
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
        frames=_framings(analysis, plans[line.source], src_in, count, fps),
        line=True,
        sound_in=line.sound_in,
        sound_out=line.sound_out,
    )


def _framings(
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


def _title_card(
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


def _end_card(
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


def _ranks(pieces: list[Piece], seed: int, variant: int) -> list[float]:
    """Scores with the seed's (and variant's) jitter; seed 0 variant 0 ranks by score alone."""
    rng = np.random.default_rng([seed, variant])
    jitter = rng.uniform(0.0, SEED_JITTER, size=len(pieces))
    if not (seed or variant):
        jitter[:] = 0.0
    return [p.score + float(j) for p, j in zip(pieces, jitter)]


def _t(frames: int, fps: float) -> float:
    return round(frames / fps, 6)


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


def _short(analyses: list[Analysis], preset: Preset, usable: float) -> AutocutError:
    where = analyses[0].media.path if len(analyses) == 1 else "input"
    footage = preset.duration - preset.cards.title - preset.cards.end
    return AutocutError(
        where,
        f"not enough usable footage: {usable:.1f} s usable (not black, blurred, in a "
        f"transition or too short) is too little to cut {footage:g} s of shots for preset "
        f"'{preset.name}' from; add footage or use a shorter preset",
    )
