"""Cuts the shot detector did not report, found again from what the planner can see.

When the detector misses a cut, the planner would frame two shots as one, and the virtual
camera would pan across the cut from one subject to the other. This module is the planner's
safety net: pure decisions on the numbers an :class:`~editor.analysis.model.Analysis` already
holds, made shot by shot, so a shot is judged the same while a file is still being read as
once it is complete.

A frame inside a shot is a suspected cut when

- **the picture jumps**: its change from the frame before (:attr:`Analysis.motion`) is at
  least ``jump`` times the shot's usual change (its median) and ``spike`` times the change
  just before and after it. A whip pan or a person walking past the lens moves the picture
  over many frames, so its changes stand no higher than their neighbours; a cut puts the
  whole change into one frame;
- **and the faces say so**: at that frame a face that was on screen is gone and another one
  appears, or a face track leaps in one frame by a good part of its own size (tracks are
  linked within detected shots only, so across a missed cut a face of the new shot may be
  taken for the old one: its box then jumps to the new face at the cut). Faces are sampled
  every 0.3 s while any is in sight and on both sides of every sudden picture change, so at
  a real cut their tracks end and start within half a sample of it;
- **or the picture jump alone is overwhelming** (``lone_jump`` times the shot's usual
  change, ``lone_spike`` times its neighbours) and the picture stays different: the mean
  brightness or detail after it differs from before by more than ``level_change`` of the
  larger. A flash or a one-frame glitch comes back; a cut does not.

A unit shorter than :data:`MIN_UNIT_SECONDS` is never cut off (the detector's own shortest
shot): where two suspects lie closer than that, or one lies that close to the shot's ends,
the strongest jump wins and the others are dropped. Every suspect says what gave it away, so
the plan can tell why a shot was re-planned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Shot

MIN_UNIT_SECONDS = 0.5
"""Shortest stretch framed on its own: the shot detector's shortest shot
(``editor.analysis.scenes.MIN_SHOT_SECONDS``), so no framing unit is too short to frame."""
FACE_SAMPLE_SECONDS = 0.3
"""Time between face samples (``editor.analysis.faces.SAMPLE_SECONDS``): a track's first and
last frames are known to within half of it."""
NOISE_LEVEL = 0.5
"""Mean luma change per frame (0-255) that counts as no change at all (sensor and encoder
noise): the shot's usual change is never taken below it, so a still shot's tiny numbers do
not turn a small change into a large ratio."""


@dataclass(frozen=True)
class CutRules:
    """When a frame inside a shot counts as a cut the detector missed (see module notes)."""

    jump: float = 3.0
    """The frame's picture change against the shot's median change ..."""
    spike: float = 1.5
    """... and against the larger change of the frames just before and after it."""
    flash_return: float = 0.5
    """A frame whose brightness lies further than this share of its own step from the frames
    after it starts a flash; frames after it within this share of the picture a few frames
    earlier end one (the picture returns). Neither starts a new shot."""
    face_leap: float = 0.25
    """A face track moving this share of its width (or changing size by this share) in one
    frame has been handed to another face."""
    lone_jump: float = 8.0
    """Without a face change the picture jump must be this many times the shot's usual ..."""
    lone_spike: float = 4.0
    """... and this many times its neighbours' ..."""
    level_change: float = 0.25
    """... and brightness or detail must settle this share away from before (medians over
    ``level_seconds`` on either side)."""
    level_seconds: float = 0.3


@dataclass(frozen=True)
class SuspectedCut:
    """A frame where a new shot seems to start although the detector reported no cut."""

    frame: int
    jump: float
    """The frame's picture change, in multiples of its shot's usual change."""
    clues: tuple[str, ...]
    """What gave it away, in words."""

    def describe(self) -> str:
        """One phrase for the plan: where, and why."""
        said = " and ".join(
            (f"picture jumped ({self.jump:.1f}x the shot's usual change)", *self.clues)
        )
        return (
            f"re-planned at frame {self.frame}, a suspected cut the detector did not report: {said}"
        )


def suspected_cuts(
    analysis: Analysis, shot: Shot, rules: CutRules = CutRules()
) -> list[SuspectedCut]:
    """Suspected cuts inside ``shot``, in frame order, at least :data:`MIN_UNIT_SECONDS` from
    each other, from the shot's ends and from any fade or dissolve (a change the detector did
    report). Only the shot's own frames are looked at."""
    fps = analysis.media.fps
    start, end = shot.start_frame, shot.end_frame
    shortest = max(1, round(MIN_UNIT_SECONDS * fps))
    if end - start < 2 * shortest:
        return []
    motion = np.asarray(analysis.motion[start:end], np.float64)
    changed = motion[1:][motion[1:] >= NOISE_LEVEL]
    usual = float(np.median(changed)) if changed.size else NOISE_LEVEL
    faces = _shot_faces(analysis.face_boxes, start, end)
    tolerance = round(FACE_SAMPLE_SECONDS * fps / 2) + 1
    gradual = [(t.start_frame - shortest, t.end_frame + shortest) for t in analysis.transitions]
    found = []
    for at in range(shortest, end - start - shortest + 1):
        jump = motion[at] / usual
        if jump < rules.jump or any(lo <= start + at <= hi for lo, hi in gradual):
            continue
        beside = max(_neighbour(motion, at, -1), _neighbour(motion, at, 1))
        if motion[at] < rules.spike * beside:
            continue
        if _is_flash(analysis.brightness, start + at, start, end, fps, rules):
            continue
        clues = _face_clues(faces, start + at, tolerance, rules.face_leap, start, end)
        if not clues and jump >= rules.lone_jump and motion[at] >= rules.lone_spike * beside:
            clues = _level_clues(analysis, start + at, start, end, fps, rules)
        if clues:
            found.append(SuspectedCut(start + at, round(float(jump), 1), clues))
    return _spaced(found, start, end, shortest)


def _neighbour(motion: np.ndarray, at: int, step: int) -> float:
    """The change of the nearest frame before (``step`` -1) or after (+1) ``at`` that is not a
    repeat of its predecessor (frame-rate conversion repeats frames); the noise level if none
    is within a few frames."""
    for k in range(1, 4):
        i = at + step * k
        if i < 1 or i >= motion.size:
            break
        if motion[i] >= NOISE_LEVEL:
            return float(motion[i])
    return NOISE_LEVEL


def _is_flash(
    brightness: np.ndarray, frame: int, start: int, end: int, fps: float, rules: CutRules
) -> bool:
    """Whether the change at ``frame`` is a brief excursion of the picture rather than a new
    one: ``frame`` stands apart from the frames after it (a flash starts), or the frames after
    it are back where the picture was a few frames before (a flash or a glitch ends).
    Judged on brightness; a change that hardly moves brightness cannot be judged and counts
    as no flash."""
    if len(brightness) < end:
        return False
    span = max(2, round(rules.level_seconds * fps))
    here, before = float(brightness[frame]), float(brightness[frame - 1])
    step = abs(here - before)
    if step <= 4 * NOISE_LEVEL:
        return False
    after = float(np.median(brightness[frame + 1 : min(end, frame + 1 + span)]))
    if abs(here - after) > rules.flash_return * step:
        return True
    for back in range(2, span + 1):
        if frame - back < start:
            break
        between = brightness[frame - back + 1 : frame]
        if np.all(np.abs(between - after) > rules.flash_return * step):
            if abs(float(brightness[frame - back]) - after) <= rules.flash_return * step:
                return True
        else:
            break
    return False


def _spaced(found: list[SuspectedCut], start: int, end: int, shortest: int) -> list[SuspectedCut]:
    """The strongest suspects first, each kept only if every unit stays ``shortest`` long."""
    kept: list[int] = []
    by_frame = {c.frame: c for c in found}
    for cut in sorted(found, key=lambda c: (-c.jump, c.frame)):
        if cut.frame - start < shortest or end - cut.frame < shortest:
            continue
        if all(abs(cut.frame - k) >= shortest for k in kept):
            kept.append(cut.frame)
    return [by_frame[f] for f in sorted(kept)]


def _shot_faces(rows: np.ndarray, start: int, end: int) -> dict[int, np.ndarray]:
    """Per track id, its rows inside frames ``[start, end)`` in frame order."""
    inside = rows[(rows[:, 0] >= start) & (rows[:, 0] < end)]
    return {int(t): inside[inside[:, 1] == t] for t in np.unique(inside[:, 1])}


def _face_clues(
    faces: dict[int, np.ndarray], frame: int, tolerance: int, leap: float, start: int, end: int
) -> tuple[str, ...]:
    """Whether the faces change hands at ``frame``: every face on screen is gone and another
    one has come (each within ``tolerance`` frames, away from the shot's ends; in a crowd
    some face always comes or goes, but not all at once), or a track leaps to another face
    in one frame."""
    gone = came = kept = leapt = 0
    for rows in faces.values():
        first, last = int(rows[0, 0]), int(rows[-1, 0]) + 1
        near_first = first > start and abs(first - frame) <= tolerance
        near_last = last < end and abs(last - frame) <= tolerance
        came += near_first
        gone += near_last
        if first < frame - tolerance and last > frame + tolerance:
            if _leaps(rows, frame, leap):
                leapt += 1
            else:
                kept += 1
    if leapt:
        return ("a face track leapt onto another face",)
    if gone and came and not kept:
        return ("every face on screen vanished as a new one appeared",)
    return ()


def _leaps(rows: np.ndarray, frame: int, leap: float) -> bool:
    """Whether a track's box moves or changes size by ``leap`` of its width from ``frame - 1``
    to ``frame`` (between samples a box moves smoothly, so only a new face does this)."""
    at = np.searchsorted(rows[:, 0], [frame - 1, frame])
    if at[1] >= len(rows) or rows[at[0], 0] != frame - 1 or rows[at[1], 0] != frame:
        return False
    before, after = rows[at[0], 2:6], rows[at[1], 2:6]
    width = max(float(before[2]), 1.0)
    moved = float(np.hypot(*(after[:2] + after[2:] / 2 - before[:2] - before[2:] / 2)))
    return moved / width >= leap or abs(float(after[2]) / width - 1.0) >= leap


def _level_clues(
    analysis: Analysis, frame: int, start: int, end: int, fps: float, rules: CutRules
) -> tuple[str, ...]:
    """Whether brightness or detail settles at another level after ``frame``."""
    span = max(2, round(rules.level_seconds * fps))
    clues = []
    for name, values in (("brightness", analysis.brightness), ("detail", analysis.detail)):
        if len(values) < end:
            continue
        before = float(np.median(values[max(start, frame - span) : frame]))
        after = float(np.median(values[frame : min(end, frame + span)]))
        larger = max(abs(before), abs(after))
        if larger > 0 and abs(after - before) / larger >= rules.level_change:
            clues.append(f"{name} settled at {abs(after - before) / larger:.0%} from before")
    return tuple(clues[:1]) if clues else ()
