"""The shots of an output before and after footage is chosen: their lengths, joins, and the
footage that fills them. Pure, no I/O.

What is decided here:

- **Shot lengths.** Each act gets its share of the footage time, cut into shots whose
  lengths move linearly from the act's ``first_shot`` to its ``last_shot``
  (:func:`shot_lengths`). An act with lines of dialogue gives them their own length first and
  cuts the rest into montage shots, the lines spread evenly between them
  (:func:`act_slots`); a line that does not fit in its act is left out.
- **Joins.** Shots inside an act join as the act says (cut, crossfade, dip); acts join each
  other with a cut; cards join the footage as ``cards.transition`` says. A line joins its
  neighbours with a cut (a crossfade would blur the face as the words start), and a card
  with a dip where the preset asks for a crossfade. A crossfade needs half its length of
  extra footage on each side of the cut (handles); a dip does not.
- **Footage for the montage shots** (:func:`fill_slots`): the strongest to the climax, each
  shot's piece long enough for it with its handles, never two pieces of one shot in a row;
  when footage is scarce, by fit.
- **Exact length** (:func:`fit_lengths`): the frames a short piece cannot hold go to its
  neighbours, so the output is exactly the preset's duration; a line's length never changes.
- **How far a cut may move onto a beat** (:func:`cut_moves`): freely between montage shots;
  at a line's edge only as far as its picture may lead or trail its sound (J and L cuts).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

import numpy as np

from editor.assemble.edl import Join
from editor.assemble.lines import Line
from editor.assemble.scoring import Piece
from editor.preset import MIN_SHOT, Act, Preset

REUSE_PENALTY = 0.5
"""Each earlier use of a shot multiplies the rank of its other pieces by this."""


@dataclass(frozen=True)
class Slot:
    """One shot of the plan before footage is chosen: its act, cut-to-cut length in output
    frames, and how it joins the pictures before and after it; ``line`` is the line of
    dialogue it plays (None: a montage shot, filled with footage later)."""

    act: str
    act_index: int
    frames: int
    enter: Join
    leave: Join
    line: Line | None = None


def act_slots(
    preset: Preset,
    footage: int,
    fps: float,
    has_title: bool,
    has_end: bool = True,
    lines: tuple[tuple[Line, ...], ...] = (),
    closing: Line | None = None,
    longest: int | None = None,
) -> list[Slot]:
    """The shots of every act, in order, with their lengths (frames) and joins: montage
    shots with each act's ``lines`` spread between them (see the module notes), then the
    ``closing`` line (the cliffhanger, its own part "cliffhanger") when there is one.
    ``footage`` counts the frames of the acts alone; ``longest`` caps a montage shot's
    length (footage of short shots only: more, shorter shots fill the act)."""
    shares = np.asarray([a.share for a in preset.acts], float)
    marks = np.round(np.concatenate([[0.0], np.cumsum(shares)]) / shares.sum() * footage)
    shortest = math.ceil(MIN_SHOT * fps)
    plan: list[tuple[str, int, int, Line | None]] = []  # act, index, frames, line
    for k, (act, a, b) in enumerate(zip(preset.acts, marks[:-1], marks[1:])):
        mine = list(lines[k]) if k < len(lines) else []
        while mine:  # lines first; the rest of the act is montage, or nothing
            rest = int(b - a) - sum(line_frames(x, fps) for x in mine)
            if rest == 0 or rest >= shortest:
                break
            mine.pop(0)  # the weakest-placed line of the act goes
        montage = shot_lengths(
            int(b - a) - sum(line_frames(x, fps) for x in mine), fps, act, longest
        )
        plan += [(act.name, k, n, x) for n, x in _interleave(montage, mine, fps)]
    if closing is not None:
        plan.append(("cliffhanger", len(preset.acts), line_frames(closing, fps), closing))
    card = Join(preset.cards.transition, transition_length(preset))
    slots: list[Slot] = []
    for i, (name, k, frames, line) in enumerate(plan):
        before = plan[i - 1] if i else None
        if before is None:
            enter = card if has_title else Join()
        elif line is not None or before[3] is not None or before[1] != k:
            enter = Join()
        else:
            enter = Join(preset.acts[k].transition, transition_length(preset))
        if line is not None and enter.kind == "crossfade":
            enter = Join("dip", enter.length)
        slots.append(Slot(name, k, frames, join_for(enter, preset), Join(), line))
    for i in range(len(slots)):  # each slot leaves the way the next one enters
        last = card if has_end else Join()
        if slots[i].line is not None and last.kind == "crossfade":
            last = Join("dip", last.length)
        leave = slots[i + 1].enter if i + 1 < len(slots) else join_for(last, preset)
        slots[i] = dataclasses.replace(slots[i], leave=leave)
    return slots


def line_frames(line: Line, fps: float) -> int:
    """Output frames a line's sound lasts, to the nearest frame."""
    return max(1, round(line.duration * fps))


def _interleave(montage: list[int], lines: list[Line], fps: float) -> list[tuple[int, Line | None]]:
    """Montage shot lengths and lines in play order: the lines spread evenly between the
    montage shots (montage first and last where there are enough shots)."""
    out: list[tuple[int, Line | None]] = [(n, None) for n in montage]
    for j, line in reversed(list(enumerate(lines))):
        at = round((j + 1) * len(montage) / (len(lines) + 1))
        out.insert(at, (line_frames(line, fps), line))
    return out


def shot_lengths(total: int, fps: float, act: Act, longest: int | None = None) -> list[int]:
    """Shot lengths in frames summing to ``total``, from ``act.first_shot`` to
    ``act.last_shot`` linearly over the act, none longer than ``longest`` frames when
    given; a last shot too short to read is merged into the one before it (spread over
    the act's shots), or, where that would make a shot longer than ``longest``, the act's
    shots are made equal."""
    duration = total / fps
    if duration <= 0:
        return []
    cap = math.inf if longest is None else longest / fps
    bounds, t = [0.0], 0.0
    while t < duration - 1e-9:
        want = act.first_shot + (act.last_shot - act.first_shot) * t / duration
        t = min(duration, t + min(want, cap))
        bounds.append(t)
    shortest = min(act.first_shot, act.last_shot, cap)
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < 0.6 * shortest:
        spread = [b * duration / bounds[-2] for b in bounds[:-1]]
        if max(b - a for a, b in itertools.pairwise(spread)) <= cap + 1e-9:
            bounds = spread  # the short remainder spread over the act's shots
        else:  # no shot may grow: shots of equal length instead
            bounds = list(np.linspace(0.0, duration, len(bounds)))
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
    where the piece has them (room for its cuts to move onto a beat): kept as such room
    while the footage allows, else counted towards the next slot, and when footage is
    scarcest not taken at all (no piece is cut into a rest too short to use).
    """
    order = list(reversed(range(len(slots))))
    for keep in (True, False):  # slack kept as room to move cuts; else spent as footage
        picks = _fill(slots, order, pool, rank, uses, fps, by_fit=False, slack=slack, keep=keep)
        if picks is not None:
            return picks
    order = sorted(range(len(slots)), key=lambda i: (-slot_frames(slots[i], fps), i))
    picks = None
    for room, keep in ((slack, True), (slack, False), (0, False)):  # the last: no slack
        picks = _fill(slots, order, pool, rank, uses, fps, by_fit=True, slack=room, keep=keep)
        if picks is not None:
            break
    if picks is None:
        return None
    out: list[Piece] = []
    for _act, group in itertools.groupby(range(len(slots)), key=lambda i: slots[i].act_index):
        members = list(group)
        strengths = _interleaved(sorted((picks[i] for i in members), key=lambda p: rank[id(p)]))
        # keep every pick long enough for its slot
        if all(
            piece_frames(p, fps) >= slot_frames(slots[i], fps) for p, i in zip(strengths, members)
        ):
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


def slot_frames(slot: Slot, fps: float) -> int:
    """Frames of footage a slot takes: its length and its handles."""
    return slot.frames + handles(slot, fps)


def _fill(
    slots: list[Slot],
    order: list[int],
    pool: list[Piece],
    rank: dict[int, float],
    uses: dict[tuple[int, int], int],
    fps: float,
    by_fit: bool,
    slack: int = 0,
    keep: bool = False,
) -> list[Piece] | None:
    """Pick footage for the slots in ``order`` (see :func:`fill_slots`); frames a pick
    lacks are owed by the next pick, and frames it holds beyond its slot let the next pick
    need less. To ``keep`` the slack as room to move cuts, only what a pick holds beyond
    its slack lets the next one need less; the slack the picks hold still makes up for the
    last one if it lacks frames (the final fitting of lengths spends it there)."""
    pool = list(pool)
    uses = dict(uses)
    picks: dict[int, Piece] = {}
    owed = 0
    spare = 0  # frames of slack held by the picks so far
    for i in order:
        # a pick may lack what the one before it holds extra, never its shortest shot
        need = max(
            slot_frames(slots[i], fps) + owed, math.ceil(MIN_SHOT * fps) + handles(slots[i], fps)
        )
        if not pool:
            return None
        # never two pieces of one shot in a row (while others are left): the cut would not show
        near = {(p.source, p.shot) for p in (picks.get(i - 1), picks.get(i + 1)) if p}
        pool_here = [p for p in pool if (p.source, p.shot) not in near] or pool
        fits = [p for p in pool_here if piece_frames(p, fps) >= need]
        if fits and by_fit:
            best = min(fits, key=lambda p: (piece_frames(p, fps), -rank[id(p)], pool.index(p)))
        elif fits:
            best = max(fits, key=lambda p: (_reused(rank[id(p)], uses, p), -pool.index(p)))
        else:
            best = max(pool_here, key=lambda p: (piece_frames(p, fps), -pool.index(p)))
        used, rest = take(best, need + slack, fps)
        held = piece_frames(used, fps)
        owed = need - held if held < need or not keep else min(0, need + slack - held)
        spare += max(0, min(held, need + slack) - need) if keep else 0
        pool.remove(best)
        pool += rest
        for r in rest:
            rank[id(r)] = rank[id(best)]
        rank[id(used)] = rank[id(best)]
        uses[(best.source, best.shot)] = uses.get((best.source, best.shot), 0) + 1
        picks[i] = used
    return None if owed > spare else [picks[i] for i in range(len(slots))]


def take(piece: Piece, frames: int, fps: float) -> tuple[Piece, list[Piece]]:
    """The first ``frames`` output frames' worth of ``piece`` and the rest of it; all of it
    when it is shorter, or when the rest would be too short to be a shot (the pick then runs
    a little longer, which the final fitting of lengths absorbs)."""
    if piece_frames(piece, fps) - frames < MIN_SHOT * fps:
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


def fit_lengths(
    wanted: list[int], capacity: list[int], total: int, fixed: list[bool] | None = None
) -> list[int]:
    """Frame counts close to ``wanted``, within each piece's ``capacity``, summing to ``total``.

    Where a piece is too short, the frames it cannot hold go to the nearest pieces with room
    (the next ones first), so pacing changes as little as possible; lengths marked
    ``fixed`` (lines of dialogue) are never changed.
    """
    fixed = fixed or [False] * len(wanted)
    lengths = [w if f else min(w, c) for w, c, f in zip(wanted, capacity, fixed)]
    missing = total - sum(lengths)
    while missing > 0:
        room = [i for i in range(len(lengths)) if capacity[i] > lengths[i] and not fixed[i]]
        if not room:
            raise ValueError("pieces cannot hold the requested duration")
        share = math.ceil(missing / len(room))
        for i in room:
            give = min(share, capacity[i] - lengths[i], missing)
            lengths[i] += give
            missing -= give
    while missing < 0:  # wanted more than total: trim the longest
        free = [i for i in range(len(lengths)) if not fixed[i]]
        i = max(free, key=lambda i: (lengths[i], -i))
        lengths[i] -= 1
        missing += 1
    return lengths


def _reused(base: float, uses: dict[tuple[int, int], int], piece: Piece) -> float:
    return base * REUSE_PENALTY ** uses.get((piece.source, piece.shot), 0)


def join_for(join: Join, preset: Preset) -> Join:
    """A cut has no length; crossfades and dips last ``transitions.length``, rounded to an
    even number of output frames so that the cut falls between two frames."""
    if join.kind == "cut":
        return Join()
    fps = preset.output.fps
    frames = max(2, 2 * round(preset.transitions.length * fps / 2))
    return Join(join.kind, round(frames / fps, 6))


def transition_length(preset: Preset) -> float:
    return preset.transitions.length


def half_handle(join: Join, fps: float) -> int:
    """Frames of handle a crossfade takes from one side of its cut."""
    return round(join.length * fps / 2) if join.kind == "crossfade" else 0


def handles(slot: Slot, fps: float) -> int:
    return half_handle(slot.enter, fps) + half_handle(slot.leave, fps)


def piece_frames(piece: Piece, fps: float) -> int:
    return math.floor(piece.duration * fps + 1e-6)


def line_room(line: Line, fps: float) -> tuple[int, int]:
    """Whole output frames a line's picture may reach before and after its sound."""
    return (
        math.floor((line.sound_in - line.picture_in) * fps + 1e-6),
        math.floor((line.picture_out - line.sound_out) * fps + 1e-6),
    )


def cut_moves(slots: list[Slot], room: list[tuple[int, int]], split: int) -> list[tuple[int, int]]:
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
