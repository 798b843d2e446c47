"""Plan an output of a preset (trailer, teaser, promo) as an EDL. Pure, no I/O.

Decisions:
- **Structure.** The output is: hook, title card (if the preset has one), the preset's acts
  in order, end card. Every length is counted in whole output frames, so the output is
  exactly the preset's duration.
- **Hook.** The opening shot is the highest-ranked piece of footage (variant ``k`` takes the
  ``k``-th best shot of the top :data:`HOOK_CHOICES`), cut to at most ``hook.max_length``
  seconds: the output opens on its strongest moment and the first cut comes early.
- **Acts.** Each act gets its share of the remaining time, cut into shots whose lengths move
  linearly from the act's ``first_shot`` to its ``last_shot``. The footage for them is the
  best remaining pieces (a shot already used ranks lower each time); the weakest of them go
  to the first act and the strongest to the last, so intensity builds toward the climax;
  within an act, pieces play in source order so the story reads forwards.
- **Joins.** Shots inside an act join as the act says (cut, crossfade, dip); acts join
  each other with a cut; cards join the footage as ``cards.transition`` says. A crossfade
  needs half its length of extra footage on each side of the cut (handles); a dip does not.
- **Seed.** The seed adds a small random amount to every piece's rank, so different seeds
  give different but equally plausible cuts while one seed always gives the same cut.
- **Framing.** Every output frame carries the vertical framing the reframe planner gives its
  source frame, so the renderer needs nothing but the EDL.
- **Cover.** The cover picture is the output frame showing the largest, most confident face
  on the sharpest picture (the sharpest frame when no face shows).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.cards import end_card_boxes, logo_box, title_card_box
from editor.assemble.dialogue import speech_safe_start
from editor.assemble.edl import Card, Edl, Framing, Join, Overlay, Segment, Sound, Still, Text
from editor.assemble.music import beat_frames, on_beats, plan_music, sections, speech_spans
from editor.assemble.scoring import Piece, usable_pieces
from editor.errors import AutocutError
from editor.preset import LOUDNESS, MIN_SHOT, Act, Preset
from editor.reframe.plan import ReframePlan
from editor.reframe.planner import plan_reframe

REUSE_PENALTY = 0.5
"""Each earlier use of a shot multiplies the rank of its other pieces by this."""
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


@dataclass(frozen=True)
class Slot:
    """One shot of the plan before footage is chosen: its act, cut-to-cut length in output
    frames, and how it joins the pictures before and after it."""

    act: str
    act_index: int
    frames: int
    enter: Join
    leave: Join


def plan_trailer(
    analyses: list[Analysis],
    preset: Preset,
    seed: int = 0,
    variant: int = 0,
    title: str = "",
    logo: Logo | None = None,
) -> Edl:
    """Plan one output of ``preset`` from analysed sources (in the order given)."""
    out = preset.output
    fps = out.fps
    total = round(preset.duration * fps)
    pieces = [p for i, a in enumerate(analyses) for p in usable_pieces(a, i, preset)]
    if not pieces:
        raise _short(analyses, preset, 0.0)
    rank = {id(p): r for p, r in zip(pieces, _ranks(pieces, seed, variant))}
    hook_piece = pick_hook(pieces, _ranks(pieces, seed, 0), variant)  # one order for variants
    hook_frames = min(round(preset.hook.max_length * fps), _capacity(hook_piece, fps))
    title_frames = round(preset.cards.title * fps)
    end_frames = round(preset.cards.end * fps)
    footage = total - hook_frames - title_frames - end_frames
    slots = act_slots(preset, footage, fps, has_title=title_frames > 0, has_end=end_frames > 0)
    hit = _t(total - end_frames, fps) if end_frames else None
    music = plan_music(preset, seed, _t(total, fps), hit, [])
    first = hook_frames + title_frames
    shortest = math.ceil(MIN_SHOT * fps)
    beats = beat_frames(music, fps)
    wanted = on_beats([s.frames for s in slots], [footage] * len(slots), first, beats, shortest)
    slots = [dataclasses.replace(s, frames=n) for s, n in zip(slots, wanted)]
    hook_leave = Join(preset.cards.transition if title_frames else "cut", _tlen(preset))
    hook_slot = Slot("hook", -1, hook_frames, Join(), _join(hook_leave, preset))
    hook_need = hook_frames + _handles(hook_slot, fps)
    hook, rest = take(hook_piece, hook_need, fps)
    pool = [p for p in pieces if p is not hook_piece] + rest
    rank.update({id(p): rank[id(hook_piece)] for p in rest})
    uses = {(hook.source, hook.shot): 1}
    # With a beat to cut on, each pick holds up to half a beat more, for the cut to move to it.
    slack = math.ceil(30 / music.bpm * fps) if music is not None and music.beats else 0
    assigned = fill_slots(slots, pool, rank, uses, fps, slack)
    if assigned is None:
        raise _short(analyses, preset, sum(_capacity(p, fps) for p in pieces) / fps)
    capacity = [_capacity(p, fps) - _handles(s, fps) for p, s in zip(assigned, slots)]
    lengths = fit_lengths([s.frames for s in slots], capacity, footage)
    lengths = on_beats(lengths, capacity, first, beats, shortest)
    starts = first + np.concatenate([[0], np.cumsum(lengths)[:-1]])
    act_starts = [_t(int(starts[i]), fps) for i, s in enumerate(slots)
                  if i == 0 or s.act_index != slots[i - 1].act_index]  # fmt: skip
    plans = [plan_reframe(a, out.width, out.height) for a in analyses]

    timeline: list[tuple[Piece, Slot, int]] = [(hook, hook_slot, hook_frames)]
    timeline += [(p, s, n) for p, s, n in zip(assigned, slots, lengths)]

    segments, cards, cursor = [], [], 0
    for i, (piece, slot, count) in enumerate(timeline):
        if i == 1 and title_frames:
            cards.append(_title_card(preset, title, cursor, title_frames, segments[0], fps))
            cursor += title_frames
        segments.append(_segment(analyses, plans, piece, slot, cursor, count, fps))
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


def act_slots(
    preset: Preset, footage: int, fps: float, has_title: bool, has_end: bool = True
) -> list[Slot]:
    """The shots of every act, in order, with their lengths (frames) and joins."""
    shares = np.asarray([a.share for a in preset.acts], float)
    marks = np.round(np.concatenate([[0.0], np.cumsum(shares)]) / shares.sum() * footage)
    slots: list[Slot] = []
    for k, (act, a, b) in enumerate(zip(preset.acts, marks[:-1], marks[1:])):
        lengths = shot_lengths(int(b - a), fps, act)
        for j, n in enumerate(lengths):
            if j == 0:
                first = k == 0 and has_title
                enter = Join(preset.cards.transition, _tlen(preset)) if first else Join()
            else:
                enter = Join(act.transition, _tlen(preset))
            slots.append(Slot(act.name, k, n, _join(enter, preset), Join()))
    for i in range(len(slots)):  # each slot leaves the way the next one enters
        nxt = slots[i + 1].enter if i + 1 < len(slots) else None
        last = Join(preset.cards.transition, _tlen(preset)) if has_end else Join()
        leave = nxt if nxt is not None else last
        slots[i] = Slot(slots[i].act, slots[i].act_index, slots[i].frames, slots[i].enter,
                        _join(leave, preset))  # fmt: skip
    return slots


def shot_lengths(total: int, fps: float, act: Act) -> list[int]:
    """Shot lengths in frames summing to ``total``, from ``act.first_shot`` to
    ``act.last_shot`` linearly over the act; a last shot too short to read is merged into
    the one before it."""
    duration = total / fps
    if duration <= 0:
        return []
    bounds, t = [0.0], 0.0
    while t < duration - 1e-9:
        want = act.first_shot + (act.last_shot - act.first_shot) * t / duration
        t = min(duration, t + want)
        bounds.append(t)
    shortest = min(act.first_shot, act.last_shot)
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < 0.6 * shortest:
        del bounds[-1]  # spread the short remainder over the act's shots
        bounds = [b * duration / bounds[-1] for b in bounds]
    marks = [round(b * fps) for b in bounds]
    marks[-1] = total
    return [b - a for a, b in itertools.pairwise(marks) if b > a]


def fill_slots(
    slots: list[Slot],
    pool: list[Piece],
    rank: dict[int, float],
    uses: dict[tuple[int, int], int],
    fps: float,
    slack: int = 0,
) -> list[Piece] | None:
    """Footage for every slot, in slot order (None when there is not enough).

    First by strength: slots are filled from the last to the first, so the strongest
    footage lands in the climax and intensity builds within each act too; each pick is the
    best-ranked piece (reused shots rank lower each time) that holds the slot with its
    handles. When footage is too scarce for that, by fit: the longest slots first, each from
    the shortest piece that holds it (so long pieces stay for long slots), then each act's
    picks ordered weakest to strongest. Only the part of a piece used is taken; the rest
    stays available, and up to ``slack`` frames more than a slot needs are taken with it
    where the piece has them (room for its cuts to move onto a beat).
    """
    order = list(reversed(range(len(slots))))
    picks = _fill(slots, order, pool, rank, uses, fps, by_fit=False, slack=slack)
    if picks is not None:
        return picks
    order = sorted(range(len(slots)), key=lambda i: (-_need(slots[i], fps), i))
    picks = _fill(slots, order, pool, rank, uses, fps, by_fit=True, slack=slack)
    if picks is None:
        return None
    out: list[Piece] = []
    for _act, group in itertools.groupby(range(len(slots)), key=lambda i: slots[i].act_index):
        members = list(group)
        strengths = _interleaved(sorted((picks[i] for i in members), key=lambda p: rank[id(p)]))
        # keep every pick long enough for its slot
        if all(_capacity(p, fps) >= _need(slots[i], fps) for p, i in zip(strengths, members)):
            out += strengths
        else:
            out += [picks[i] for i in members]
    return out


def _interleaved(pieces: list[Piece]) -> list[Piece]:
    """``pieces`` in their order, except that a piece never follows one of the same shot
    while a piece of another shot is left to put between them."""
    left, out = list(pieces), []
    while left:
        prev = (out[-1].source, out[-1].shot) if out else None
        pick = next((p for p in left if (p.source, p.shot) != prev), left[0])
        left.remove(pick)
        out.append(pick)
    return out


def _need(slot: Slot, fps: float) -> int:
    return slot.frames + _handles(slot, fps)


def _fill(
    slots: list[Slot],
    order: list[int],
    pool: list[Piece],
    rank: dict[int, float],
    uses: dict[tuple[int, int], int],
    fps: float,
    by_fit: bool,
    slack: int = 0,
) -> list[Piece] | None:
    """Pick footage for the slots in ``order`` (see :func:`fill_slots`); frames a pick
    lacks are owed by the next pick."""
    pool = list(pool)
    uses = dict(uses)
    picks: dict[int, Piece] = {}
    owed = 0
    for i in order:
        need = _need(slots[i], fps) + owed
        if not pool:
            return None
        # never two pieces of one shot in a row (while others are left): the cut would not show
        near = {(p.source, p.shot) for p in (picks.get(i - 1), picks.get(i + 1)) if p}
        pool_here = [p for p in pool if (p.source, p.shot) not in near] or pool
        fits = [p for p in pool_here if _capacity(p, fps) >= need]
        if fits and by_fit:
            best = min(fits, key=lambda p: (_capacity(p, fps), -rank[id(p)], pool.index(p)))
        elif fits:
            best = max(fits, key=lambda p: (_reused(rank[id(p)], uses, p), -pool.index(p)))
        else:
            best = max(pool_here, key=lambda p: (_capacity(p, fps), -pool.index(p)))
        used, rest = take(best, need + slack, fps)
        owed = need - _capacity(used, fps)  # negative: the pick holds more than needed
        pool.remove(best)
        pool += rest
        for r in rest:
            rank[id(r)] = rank[id(best)]
        rank[id(used)] = rank[id(best)]
        uses[(best.source, best.shot)] = uses.get((best.source, best.shot), 0) + 1
        picks[i] = used
    return None if owed > 0 else [picks[i] for i in range(len(slots))]


def take(piece: Piece, frames: int, fps: float) -> tuple[Piece, list[Piece]]:
    """The first ``frames`` output frames' worth of ``piece`` and the rest of it; all of it
    when it is shorter, or when the rest would be too short to be a shot (the pick then runs
    a little longer, which the final fitting of lengths absorbs)."""
    if _capacity(piece, fps) - frames < MIN_SHOT * fps:
        return piece, []
    cut = piece.start + frames / fps
    count = piece.end_frame - piece.start_frame
    # Source frame where the taken part ends: proportional to time within the piece.
    split = piece.start_frame + min(
        count - 1, max(1, math.ceil((cut - piece.start) / piece.duration * count - 1e-9))
    )
    used = dataclasses.replace(piece, end_frame=split, end=cut)
    rest = dataclasses.replace(piece, start_frame=split, start=cut)
    return used, [rest]


def fit_lengths(wanted: list[int], capacity: list[int], total: int) -> list[int]:
    """Frame counts close to ``wanted``, within each piece's ``capacity``, summing to ``total``.

    Where a piece is too short, the frames it cannot hold go to the nearest pieces with room
    (the next ones first), so pacing changes as little as possible.
    """
    lengths = [min(w, c) for w, c in zip(wanted, capacity)]
    missing = total - sum(lengths)
    while missing > 0:
        room = [i for i in range(len(lengths)) if capacity[i] > lengths[i]]
        if not room:
            raise ValueError("pieces cannot hold the requested duration")
        share = math.ceil(missing / len(room))
        for i in room:
            give = min(share, capacity[i] - lengths[i], missing)
            lengths[i] += give
            missing -= give
    while missing < 0:  # wanted more than total: trim the longest
        i = int(np.argmax(lengths))
        lengths[i] -= 1
        missing += 1
    return lengths


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
) -> Segment:
    """The segment showing ``piece`` from output frame ``cursor`` for ``count`` frames
    (cut to cut), extended by the handles its crossfades need."""
    analysis = analyses[piece.source]
    before = _half(slot.enter, fps)
    after = _half(slot.leave, fps)
    shown = count + before + after
    src_in = _snap_in(analysis, piece, shown / fps)
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
        audio=analysis.media.has_audio,
        enter=slot.enter,
        leave=slot.leave,
        frames=frames,
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
    enter = Join(preset.cards.transition, _tlen(preset))
    return Card("title", _t(cursor, fps), _t(cursor + count, fps), texts, still,
                _join(enter, preset), _join(enter, preset))  # fmt: skip


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
    enter = _join(Join(preset.cards.transition, _tlen(preset)), preset)
    return Card("end", _t(cursor, fps), _t(cursor + count, fps), tuple(texts), still,
                enter, Join())  # fmt: skip


def _ranks(pieces: list[Piece], seed: int, variant: int) -> list[float]:
    """Scores with the seed's (and variant's) jitter; seed 0 variant 0 ranks by score alone."""
    rng = np.random.default_rng([seed, variant])
    jitter = rng.uniform(0.0, SEED_JITTER, size=len(pieces))
    if not (seed or variant):
        jitter[:] = 0.0
    return [p.score + float(j) for p, j in zip(pieces, jitter)]


def _reused(base: float, uses: dict[tuple[int, int], int], piece: Piece) -> float:
    return base * REUSE_PENALTY ** uses.get((piece.source, piece.shot), 0)


def _join(join: Join, preset: Preset) -> Join:
    """A cut has no length; crossfades and dips last ``transitions.length``, rounded to an
    even number of output frames so that the cut falls between two frames."""
    if join.kind == "cut":
        return Join()
    fps = preset.output.fps
    frames = max(2, 2 * round(preset.transitions.length * fps / 2))
    return Join(join.kind, round(frames / fps, 6))


def _tlen(preset: Preset) -> float:
    return preset.transitions.length


def _half(join: Join, fps: float) -> int:
    """Frames of handle a crossfade takes from one side of its cut."""
    return round(join.length * fps / 2) if join.kind == "crossfade" else 0


def _handles(slot: Slot, fps: float) -> int:
    return _half(slot.enter, fps) + _half(slot.leave, fps)


def _capacity(piece: Piece, fps: float) -> int:
    return math.floor(piece.duration * fps + 1e-6)


def _t(frames: int, fps: float) -> float:
    return round(frames / fps, 6)


def _snap_in(analysis: Analysis, piece: Piece, seconds: float) -> float:
    """Start time for a ``seconds`` long cut in ``piece``, on a source frame: as near its
    middle as keeps the sound edges out of speech (:mod:`editor.assemble.dialogue`)."""
    ideal = piece.start + (piece.duration - seconds) / 2
    times = analysis.times[piece.start_frame : piece.end_frame]
    latest = piece.end - seconds
    candidates = times[times <= latest + 1e-9]
    if candidates.size == 0:
        return piece.start
    return speech_safe_start(candidates, seconds, ideal, analysis.utterances)


def _short(analyses: list[Analysis], preset: Preset, usable: float) -> AutocutError:
    where = analyses[0].media.path if len(analyses) == 1 else "input"
    footage = preset.duration - preset.cards.title - preset.cards.end
    return AutocutError(
        where,
        f"not enough usable footage: {usable:.1f} s usable (not black, blurred, in a "
        f"transition or too short) is too little to cut {footage:g} s of shots for preset "
        f"'{preset.name}' from; add footage or use a shorter preset",
    )
