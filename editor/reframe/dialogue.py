"""The virtual edit of a dialogue shot: which face the window shows from when, the way an
editor cuts between the cameras of a multi-camera recording.

Pure functions of the shot's turns (:mod:`editor.reframe.speakers`). Decisions:

- Each turn is shown on its speaker; the virtual camera cuts to the next speaker just before
  they start (at most ``lead`` frames into the pause before their first word, never into the
  previous speaker's last one).
- Speech from a voice no face is seen speaking (off screen, or from behind) holds on the last
  face seen speaking: the listener's reaction, the only face the picture can offer. Before
  any face has spoken it shows the first one who will (until that face is on screen, the
  faces that are: :mod:`editor.reframe.turns`).
- Every take lasts at least ``min_hold`` frames. A turn too short for that is absorbed by
  its neighbour (the camera stays on the speaker it was on), except in an *exchange*: two or
  more consecutive takes too short to hold, by different speakers, become one take of all of
  them (one window on both if they fit, else split panels).
- Optionally, a turn longer than ``reaction_after`` frames gets one reaction shot of the
  last listener, ``min_hold`` frames long, at the speaker's longest pause past that point:
  where nothing is said, so it costs the speaker no words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editor.reframe.speakers import UNSEEN, Turn

TURN = "turn"
EXCHANGE = "exchange"
REACTION = "reaction"


@dataclass(frozen=True)
class Take:
    """Frames ``[start, end)`` of a shot shown on ``faces`` (indices of the shot's faces)."""

    start: int
    end: int
    faces: tuple[int, ...]
    kind: str
    """:data:`TURN` (a speaker's turn), :data:`EXCHANGE` (speakers trading short lines) or
    :data:`REACTION` (a listener while another speaks)."""
    speaker: int | None = None
    """Index of the face speaking when the take starts (None: nobody seen speaking)."""
    unseen: tuple[tuple[int, int], ...] = ()
    """Stretches ``[start, end)`` in which a voice no face is seen speaking talks while the
    take holds on its faces."""

    @property
    def frames(self) -> int:
        return self.end - self.start


def virtual_edit(
    turns: list[Turn],
    frames: int,
    min_hold: int,
    lead: int,
    speech: np.ndarray | None = None,
    reaction_after: int = 0,
) -> list[Take]:
    """The takes covering frames ``[0, frames)`` of a shot (see module); empty when no face is
    seen speaking in any turn (the shot is then framed as a whole)."""
    seen = [t for t in turns if t.who != UNSEEN]
    if not seen or frames <= 0:
        return []
    takes = _turn_takes(turns, frames, lead)
    takes = _hold(takes, min_hold)
    if reaction_after > 0 and speech is not None:
        takes = _reactions(takes, turns, speech, min_hold, reaction_after)
    return takes


def _turn_takes(turns: list[Turn], frames: int, lead: int) -> list[Take]:
    """One take per change of the face shown, cut just before each new speaker starts."""
    shown: list[tuple[Turn, int]] = []  # (turn, face shown)
    first_seen = next(t.who for t in turns if t.who != UNSEEN)
    for turn in turns:
        face = turn.who if turn.who != UNSEEN else (shown[-1][1] if shown else first_seen)
        shown.append((turn, face))
    takes: list[Take] = []
    previous_end = 0
    for turn, face in shown:
        unseen = ((turn.start, turn.end),) if turn.who == UNSEEN else ()
        if takes and takes[-1].faces == (face,):
            last = takes[-1]
            takes[-1] = Take(last.start, last.end, last.faces, last.kind, last.speaker,
                             last.unseen + unseen)  # fmt: skip
        else:
            cut = 0 if not takes else max(previous_end, turn.start - lead)
            if takes:
                last = takes[-1]
                takes[-1] = Take(last.start, cut, last.faces, last.kind, last.speaker, last.unseen)
            speaker = face if turn.who != UNSEEN else None
            takes.append(Take(cut, frames, (face,), TURN, speaker, unseen))
        previous_end = turn.end
    return [t for t in takes if t.frames > 0]


def _hold(takes: list[Take], min_hold: int) -> list[Take]:
    """Takes merged until every one lasts ``min_hold`` frames (or one take is left)."""
    takes = list(takes)
    while len(takes) > 1:
        short = [i for i, t in enumerate(takes) if t.frames < min_hold]
        if not short:
            break
        i = min(short, key=lambda k: (takes[k].frames, k))
        take = takes[i]
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(takes)]
        same = [j for j in neighbours if set(takes[j].faces) >= set(take.faces)]
        trading = [
            j for j in neighbours if takes[j].frames < min_hold and takes[j].faces != take.faces
        ]
        if same:
            j = same[0]
            merged = _join(takes[min(i, j)], takes[max(i, j)], takes[j].faces, takes[j].kind)
        elif trading:
            j = trading[0]
            faces = tuple(sorted(set(take.faces) | set(takes[j].faces)))
            merged = _join(takes[min(i, j)], takes[max(i, j)], faces, EXCHANGE)
        else:
            j = i - 1 if i > 0 else i + 1
            merged = _join(takes[min(i, j)], takes[max(i, j)], takes[j].faces, takes[j].kind)
        takes[min(i, j) : max(i, j) + 1] = [merged]
        takes = _join_alike(takes)
    return takes


def _join(first: Take, second: Take, faces: tuple[int, ...], kind: str) -> Take:
    """Two adjacent takes as one showing ``faces``."""
    speaker = first.speaker if first.speaker is not None else second.speaker
    return Take(first.start, second.end, faces, kind, speaker, first.unseen + second.unseen)


def _join_alike(takes: list[Take]) -> list[Take]:
    """Adjacent takes showing the same faces joined into one."""
    out: list[Take] = []
    for take in takes:
        if out and out[-1].faces == take.faces:
            out[-1] = _join(out[-1], take, take.faces, out[-1].kind)
        else:
            out.append(take)
    return out


def _reactions(
    takes: list[Take],
    turns: list[Turn],
    speech: np.ndarray,
    min_hold: int,
    reaction_after: int,
) -> list[Take]:
    """Takes with one reaction shot of the listener cut into each long turn (see module); the
    speaker keeps at least ``min_hold`` frames on both sides of it. The listener is the last
    other face seen speaking before that point: a face never seen speaking may be a back of
    a head, so it gets no reaction shot."""
    out: list[Take] = []
    for take in takes:
        at = None
        if take.kind == TURN and len(take.faces) == 1:
            at = _quiet_start(speech, take.start + reaction_after, take.end - 2 * min_hold)
        listener = None
        if at is not None:
            others = [t.who for t in turns if t.start < at and t.who not in (UNSEEN, *take.faces)]
            listener = others[-1] if others else None
        if at is None or listener is None:
            out.append(take)
            continue
        end = at + min_hold
        out += [
            Take(take.start, at, take.faces, take.kind, take.speaker, _within(take, 0, at)),
            Take(at, end, (listener,), REACTION, take.speaker, _within(take, at, end)),
            Take(end, take.end, take.faces, take.kind, take.speaker, _within(take, end, take.end)),
        ]
    return out


def _quiet_start(speech: np.ndarray, first: int, last: int) -> int | None:
    """Start of the longest run of frames without speech that begins in ``[first, last]``."""
    if last < first:
        return None
    quiet = np.asarray(speech[first : last + 1], float) < 0.5
    if not quiet.any():
        return None
    edges = np.diff(np.concatenate([[0], quiet.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    best = int(np.argmax(ends - starts))
    return first + int(starts[best])


def _within(take: Take, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The unseen-voice stretches of ``take`` clipped to ``[start, end)``."""
    start, end = max(start, take.start), min(end, take.end)
    return tuple((max(a, start), min(b, end)) for a, b in take.unseen if a < end and b > start)
