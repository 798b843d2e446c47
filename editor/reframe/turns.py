"""The takes of one shot with people in it: who is shown from when, and why, in words.

Joins the shot's face tracks and sound (:mod:`editor.reframe.speakers`) to the virtual edit
(:mod:`editor.reframe.dialogue`) and writes the reason of every take the way the plan
records it ("turn: track 5 speaks from 24.8 s"), so a reader of the plan can tell a
deliberate cut to a speaker from any other change of framing. Also frames the stretches of a
long shot in which a face appears only for a while (people walking into an empty room): a
take on the face while it shows, so it is neither missed nor shown as a small part of the
whole picture.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from editor.reframe.dialogue import EXCHANGE, REACTION, TURN, Take, virtual_edit
from editor.reframe.speakers import frame_speakers, speaker_turns

if TYPE_CHECKING:
    from editor.reframe.rules import FramingRules
    from editor.reframe.tracks import Track


@dataclass(frozen=True)
class ShotTake:
    """A take of a shot, frames ``[start, end)`` relative to the shot, with the tracks it
    shows (most important first) and the reason recorded in the plan."""

    start: int
    end: int
    tracks: tuple[int, ...]
    """Indices into the shot's tracks."""
    reason: str
    speaker: int | None
    """Track id of the face speaking when the take starts, if one is seen speaking."""
    panels: bool = False
    """Whether the take may split its faces into panels (an exchange)."""


def speech_of(speech: np.ndarray, level: np.ndarray, start: int, end: int,
              speech_db: float) -> np.ndarray:  # fmt: skip
    """Speech probability of frames ``[start, end)``: the voice detector's where the analysis
    has it, else 1 where the sound is louder than ``speech_db`` (sound that may be speech)."""
    if speech.size >= end:
        return np.asarray(speech[start:end], float)
    loud = np.zeros(end - start)
    known = level[start:end]
    loud[: known.size] = known > speech_db
    return loud


def dialogue_takes(
    tracks: list[Track], speech: np.ndarray, times: np.ndarray, fps: float, rules: FramingRules
) -> list[ShotTake]:
    """The takes of a shot whose important faces are ``tracks`` (see
    :mod:`editor.reframe.dialogue`); empty when no face is seen speaking, or when only one
    face matters and it speaks throughout (one take, framed as the whole shot)."""
    n = speech.size
    if not tracks or n == 0:
        return []
    mouth = np.vstack([t.mouth if t.mouth is not None else np.full(n, np.nan) for t in tracks])
    labels = frame_speakers(mouth, speech, fps, rules.speaking, rules.speaking_lead,
                            rules.turn_window)  # fmt: skip
    turns = speaker_turns(labels, fps, rules.min_turn)
    hold = max(1, round(rules.min_hold * fps))
    takes = virtual_edit(turns, n, hold, round(rules.cut_lead * fps), speech,
                         round(rules.reaction_after * fps))  # fmt: skip
    if len(takes) == 1 and len(tracks) == 1:
        return []
    shown = [part for take in takes for part in _on_screen(take, tracks, hold)]
    return [_shot_take(take, tracks, times) for take in shown]


def _on_screen(take: Take, tracks: list[Track], hold: int) -> list[Take]:
    """``take``, unless it holds on a listener (nobody seen speaking as it starts) who is not
    on screen when it starts: the one who will speak later in the shot, and a window kept
    for them frames an empty stretch of picture until they appear, while the faces that are
    there go uncut. The frames before they appear then show the faces on screen, and the
    take on them starts where they appear, when both parts last ``hold`` frames; when they
    cannot, and the listener shows for under half of the take, the whole take shows every
    face that appears in it. Faces are then ordered by how much they matter within the take
    (see :func:`editor.reframe.planner._frame_take`)."""
    if take.speaker is not None or take.kind != TURN:
        return [take]
    seen = [np.flatnonzero(np.isfinite(tracks[i].left[take.start : take.end])) for i in take.faces]
    if all(s.size and s[0] == 0 for s in seen):
        return [take]

    def present(start: int, end: int) -> tuple[int, ...]:
        return tuple(i for i, t in enumerate(tracks) if np.isfinite(t.left[start:end]).any())

    appear = take.start + min((int(s[0]) for s in seen if s.size), default=take.end - take.start)
    before = present(take.start, appear)
    if before and appear - take.start >= hold and take.end - appear >= hold:
        early = [(a, b) for a, b in take.unseen if a < appear]
        late = [(a, b) for a, b in take.unseen if b > appear]
        return [
            dataclasses.replace(take, end=appear, faces=before, unseen=tuple(early)),
            dataclasses.replace(take, start=appear, unseen=tuple(late)),
        ]
    if max(s.size for s in seen) >= 0.5 * take.frames:
        return [take]
    everyone = present(take.start, take.end)
    return [dataclasses.replace(take, faces=everyone)] if everyone else [take]


def _shot_take(take: Take, tracks: list[Track], times: np.ndarray) -> ShotTake:
    """``take`` with its reason in words (times in seconds of the source)."""
    at = float(times[take.start])

    def name(index: int) -> str:
        return f"track {tracks[index].track_id}"

    speaker = None if take.speaker is None else tracks[take.speaker].track_id
    if take.kind == EXCHANGE:
        names = " and ".join(name(i) for i in take.faces)
        reason = f"exchange: {names} trade short lines from {at:.1f} s"
    elif take.kind == REACTION:
        reason = f"reaction shot of {name(take.faces[0])} from {at:.1f} s"
        if take.speaker is not None:
            reason += f" while {name(take.speaker)} speaks"
    elif take.speaker is not None:
        reason = f"turn: {name(take.speaker)} speaks from {at:.1f} s"
    elif len(take.faces) > 1:
        names = ", ".join(name(i) for i in take.faces)
        reason = (f"turn: an unseen voice speaks from {at:.1f} s, before the face who answers "
                  f"is on screen: the faces that show ({names})")  # fmt: skip
    else:
        reason = f"turn: {name(take.faces[0])} listens from {at:.1f} s while an unseen voice speaks"
    if take.unseen and take.speaker is not None:
        spans = [f"{float(times[a]):.1f}-{float(times[b - 1]):.1f} s" for a, b in take.unseen]
        more = f" and {len(spans) - 3} more" if len(spans) > 3 else ""
        reason += (f"; holds on {name(take.faces[0])} listening while an unseen voice speaks "
                   f"({', '.join(spans[:3])}{more})")  # fmt: skip
    ordered = tuple(sorted(take.faces, key=lambda i: (i != take.speaker, i)))
    return ShotTake(take.start, take.end, ordered, reason, speaker, take.kind == EXCHANGE)


def presence_takes(
    tracks: list[Track], fps: float, rules: FramingRules, times: np.ndarray
) -> list[ShotTake]:
    """Takes of a shot in which faces show only for a while (see module): one per stretch in
    which a face lasting ``min_hold`` shows (gaps under ``min_hold`` bridged, each stretch
    widened to ``min_hold``), on that stretch's faces; the frames between them get takes
    without faces. Empty when no face lasts that long."""
    hold = max(1, round(rules.min_hold * fps))
    lasting = [i for i, t in enumerate(tracks) if np.isfinite(t.left).sum() >= hold]
    if not lasting:
        return []
    n = tracks[0].left.size
    shown = np.zeros(n, bool)
    for i in lasting:
        shown |= np.isfinite(tracks[i].left)
    edges = np.diff(np.concatenate([[0], shown.astype(int), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
    joined: list[list[int]] = []
    for a, b in runs:
        if joined and a - joined[-1][1] < hold:
            joined[-1][1] = int(b)
        else:
            joined.append([int(a), int(b)])
    for run in joined:
        missing = hold - (run[1] - run[0])
        if missing > 0:
            run[0] = max(0, run[0] - missing // 2)
            run[1] = min(n, run[0] + hold)
    takes: list[ShotTake] = []
    cursor = 0
    for a, b in joined:
        a = max(a, cursor)
        if a - cursor >= hold:
            takes.append(ShotTake(cursor, a, (), _no_face(times, cursor), None))
        else:
            a = cursor
        faces = tuple(i for i in lasting if np.isfinite(tracks[i].left[a:b]).any())
        reason = f"a face shows from {float(times[a]):.1f} s"
        takes.append(ShotTake(a, b, faces, reason, None))
        cursor = b
    if cursor < n:
        if n - cursor >= hold or not takes:
            takes.append(ShotTake(cursor, n, (), _no_face(times, cursor), None))
        else:
            last = takes[-1]
            takes[-1] = ShotTake(last.start, n, last.tracks, last.reason, None)
    return takes


def _no_face(times: np.ndarray, start: int) -> str:
    return f"no face from {float(times[start]):.1f} s"
