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
- **Seed.** Every piece's and line's rank carries the seed's jitter
  (:func:`~editor.assemble.scoring.seed_jitter`); variants open on the best hooks in one
  order.

Segments, cards and the cover are made in :mod:`editor.assemble.segments`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.cards import logo_box
from editor.assemble.edl import Edl, Join, Overlay, Sound
from editor.assemble.lines import Line, LinePlan, plan_lines, without_lines
from editor.assemble.music import beat_frames, on_beats, plan_music, sections, speech_spans
from editor.assemble.scoring import Piece, seed_jitter, usable_pieces
from editor.assemble.segments import (
    cover_time,
    end_card,
    footage_segment,
    line_segment,
    title_card,
)
from editor.assemble.slots import (
    Slot,
    act_slots,
    cut_moves,
    fill_slots,
    fit_lengths,
    handles,
    join_for,
    line_frames,
    line_room,
    piece_frames,
    take,
    transition_length,
)
from editor.errors import AutocutError
from editor.preset import LOUDNESS, MIN_SHOT, Preset
from editor.reframe.planner import plan_reframe
from editor.reframe.rules import framing_rules
from editor.sound.beats import BeatTrack

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
    dialogue: bool = True,
) -> Edl:
    """Plan one output of ``preset`` from analysed sources (in the order given);
    ``music_beats`` are the beats of the preset's music file from where it starts.

    With ``dialogue`` (and the preset's), whole lines of dialogue carry the edit; where the
    lines picked leave too little room or footage for the rest (a short preset on a talky
    scene), the output is planned without them rather than not at all."""

    def with_no_lines() -> Edl:
        return plan_trailer(analyses, preset, seed, variant, title, logo, music_beats, False)

    out = preset.output
    fps = out.fps
    total = round(preset.duration * fps)
    title_frames = round(preset.cards.title * fps)
    end_frames = round(preset.cards.end * fps)
    hit = _t(total - end_frames, fps) if end_frames else None
    music = plan_music(preset, seed, _t(total, fps), hit, [], music_beats)
    talk = (
        dialogue
        and music is not None
        and preset.dialogue.enabled
        and any(a.utterances for a in analyses)
    )
    lines = plan_lines(analyses, preset, seed, variant) if talk else LinePlan(None, None, ())
    pieces = [p for i, a in enumerate(analyses) for p in usable_pieces(a, i, preset)]
    pieces = [p for piece in pieces for p in without_lines(piece, lines.all(), fps)]
    if not pieces:
        if talk:
            return with_no_lines()
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
        if talk:
            return with_no_lines()
        raise _short(analyses, preset, sum(piece_frames(p, fps) for p in pieces) / fps)
    first = hook_frames + title_frames
    shortest = math.ceil(MIN_SHOT * fps)
    beats = beat_frames(music, fps)
    split = math.floor(preset.dialogue.split * fps + 1e-6)
    sizes = sorted((piece_frames(p, fps) for p in pool), reverse=True) or [0]
    # With beats to cut on, each pick holds up to a beat more: a cut next to a line can only
    # move one way (the line's picture has no more room), which may be to the farther beat.
    slack = math.ceil(60 / music.bpm * fps) if music is not None and music.beats else 0
    # The act's own shot lengths first; footage of short shots only is cut into more,
    # shorter shots, none longer than the longest piece holds.
    longest: int | None = None
    while True:
        slots = act_slots(preset, footage, fps, title_frames > 0, end_frames > 0, lines.acts,
                          lines.cliffhanger, longest)  # fmt: skip
        montage = [i for i, s in enumerate(slots) if s.line is None]
        room = [line_room(s.line, fps) if s.line else (0, 0) for s in slots]
        moves = cut_moves(slots, room, split)
        # Montage lengths first, lines held where they are: the footage picked must hold
        # them, so the longest shots are held to the longest pieces there are.
        held = [(0, 0) if a.line or b.line else m for a, b, m in zip(slots, slots[1:], moves)]
        most = [s.frames for s in slots]
        for k, i in enumerate(sorted(montage, key=lambda i: (-slots[i].frames, i))):
            most[i] = max(slots[i].frames, sizes[min(k, len(sizes) - 1)] - handles(slots[i], fps))
        wanted = on_beats([s.frames for s in slots], most, first, beats, shortest, held)
        slots = [dataclasses.replace(s, frames=n) for s, n in zip(slots, wanted)]
        picks = fill_slots([slots[i] for i in montage], pool, rank, uses, fps, slack)
        cap = sizes[0] - max((handles(slots[i], fps) for i in montage), default=0)
        if picks is not None or longest is not None or cap < shortest:
            break
        if all(slots[i].frames <= cap for i in montage):
            break  # no shot is longer than the footage holds: shorter ones do not help
        longest = cap
    if picks is None:
        if talk:
            return with_no_lines()
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
    rules = framing_rules(preset.framing)
    plans = [plan_reframe(a, out.width, out.height, rules) for a in analyses]
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
            cards.append(title_card(preset, title, cursor, title_frames, segments[0], fps))
            cursor += title_frames
        if isinstance(what, Line):
            segments.append(line_segment(analyses, plans, what, slot, cursor, lead, trail, fps))
        else:
            segments.append(footage_segment(analyses, plans, what, slot, cursor, count, fps, muted))
        cursor += count
    if end_frames:
        cards.append(end_card(preset, title, cursor, end_frames, segments[-1], fps))
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


def _ranks(pieces: list[Piece], seed: int, variant: int) -> list[float]:
    """Scores with the seed's (and variant's) jitter."""
    return [p.score + float(j) for p, j in zip(pieces, seed_jitter(len(pieces), seed, variant))]


def _t(frames: int, fps: float) -> float:
    return round(frames / fps, 6)


def _short(analyses: list[Analysis], preset: Preset, usable: float) -> AutocutError:
    where = analyses[0].media.path if len(analyses) == 1 else "input"
    footage = preset.duration - preset.cards.title - preset.cards.end
    return AutocutError(
        where,
        f"not enough usable footage: {usable:.1f} s usable (not black, blurred, in a "
        f"transition or too short) is too little to cut {footage:g} s of shots for preset "
        f"'{preset.name}' from; add footage or use a shorter preset",
    )
