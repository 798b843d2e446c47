"""The reframe planner: per shot, a camera mode with its reason, and a window for every frame.

Pure functions of the analysis (faces already tracked within shots); the renderer only obeys
the resulting :class:`~editor.reframe.plan.ReframePlan`. Decisions, shot by shot:

- Where framing starts afresh: every shot, the middle of a dissolve or wipe (the picture
  changes without a cut), and a cut the detector missed but the faces and the picture give
  away (:mod:`editor.reframe.hidden_cuts`; the unit's reason says so). A camera path never
  crosses one of these, so the window never pans across a cut.
- Whom to show: the faces that matter (:mod:`editor.reframe.tracks`). People talking: the
  shot is cut into takes like a multi-camera edit (:mod:`editor.reframe.turns`): the window
  shows whoever speaks, cuts to the next speaker on the turn, holds every take at least
  ``min_hold`` (a preset's ``[framing]``, :mod:`editor.reframe.rules`), holds on the listener
  while a voice nobody is seen speaking talks (someone seen from behind), and records each
  virtual cut's reason. A face that appears only for a while in a long shot gets a take of
  its own.
- How to show them: crop, split panels (only while two people trade short lines, or when a
  preset asks; never for a face never seen speaking), a still window on the action, or the
  whole picture as the last resort (:mod:`editor.reframe.layouts`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Shot
from editor.reframe.hidden_cuts import suspected_cuts
from editor.reframe.layouts import frame_action, frame_faces
from editor.reframe.people import join_broken_tracks, track_part
from editor.reframe.plan import ReframePlan, ShotFraming
from editor.reframe.rules import FramingRules
from editor.reframe.tracks import Track, important_tracks, shot_tracks
from editor.reframe.turns import ShotTake, dialogue_takes, presence_takes, speech_of
from editor.reframe.window import fit_window


def plan_reframe(
    analysis: Analysis,
    width: int = 1080,
    height: int = 1920,
    rules: FramingRules = FramingRules(),
) -> ReframePlan:
    """Frame every shot of ``analysis`` for a ``width`` x ``height`` output."""
    media = analysis.media
    count = analysis.frame_count
    layouts: list[str] = ["crop"] * count
    panels = np.ones(count, dtype=np.int32)
    boxes = np.zeros((count, rules.max_panels, 4))
    framings = []
    for framing, shot_boxes in frame_units(analysis, (width, height), rules):
        framings.append(framing)
        span = slice(framing.start_frame, framing.end_frame)
        used = shot_boxes.shape[1]
        layouts[span] = [framing.layout] * (framing.end_frame - framing.start_frame)
        panels[span] = used
        boxes[span, :used] = shot_boxes
        boxes[span, used:] = shot_boxes[:, -1:]
    return ReframePlan(
        source_path=str(media.path),
        source_width=media.width,
        source_height=media.height,
        source_fps=media.fps,
        width=width,
        height=height,
        fps=media.fps,
        shots=tuple(framings),
        layouts=tuple(layouts),
        panels=panels,
        boxes=boxes,
    )


def frame_units(
    analysis: Analysis, size: tuple[int, int], rules: FramingRules = FramingRules(), start: int = 0
) -> Iterator[tuple[ShotFraming, np.ndarray]]:
    """Framing and per-frame boxes (frames, panels, 4) of every framing unit of ``analysis``
    that starts at or after frame ``start``, in order."""
    for shot in framing_units(analysis):
        if shot.start_frame >= start:
            for framing, boxes in frame_shot(analysis, shot, size, rules):
                if shot.note and framing.start_frame == shot.start_frame:
                    framing = dataclasses.replace(framing, reason=f"{shot.note}; {framing.reason}")
                yield framing, boxes


@dataclass(frozen=True)
class FramingUnit(Shot):
    """A stretch framed on its own; ``note`` says why it starts where it does when that is not
    where the detector put a shot or a dissolve (empty otherwise)."""

    note: str = ""


def framing_units(analysis: Analysis) -> list[FramingUnit]:
    """The stretches framed one at a time: shots, further split at the middle of each
    dissolve, where one picture gives way to another without a cut, and at each cut the
    detector missed (:func:`editor.reframe.hidden_cuts.suspected_cuts`)."""
    units: list[FramingUnit] = []
    for shot in analysis.shots:
        notes = {c.frame: c.describe() for c in suspected_cuts(analysis, shot)}
        bounds = [shot.start_frame]
        for t in analysis.transitions:
            middle = (t.start_frame + t.end_frame + 1) // 2
            if t.kind in ("dissolve", "wipe") and bounds[-1] < middle < shot.end_frame:
                bounds.append(middle)
        bounds = sorted({*bounds, *notes, shot.end_frame})
        for start, end in itertools.pairwise(bounds):
            end_time = float(analysis.times[end]) if end < analysis.frame_count else shot.end
            begin = float(analysis.times[start])
            units.append(FramingUnit(len(units), start, end, begin, end_time, notes.get(start, "")))
    return units


def frame_shot(
    analysis: Analysis, shot: Shot, size: tuple[int, int], rules: FramingRules
) -> list[tuple[ShotFraming, np.ndarray]]:
    """Framings and per-frame boxes (frames, panels, 4) of one shot, in order: one per take of
    its virtual edit (:mod:`editor.reframe.turns`), or one for the whole shot."""
    fps = analysis.media.fps
    found = join_broken_tracks(shot_tracks(analysis, shot, rules.speech_db), fps, rules.rejoin)
    tracks = important_tracks(found, rules)
    times = analysis.times[shot.start_frame : shot.end_frame]
    speech = speech_of(
        analysis.speech, analysis.audio_level, shot.start_frame, shot.end_frame, rules.speech_db
    )
    if not tracks:
        takes = presence_takes(found, fps, rules, times)
        if not takes:
            win = fit_window(analysis.media.width, analysis.media.height, *size)
            return [frame_action(analysis, shot, *win, rules)]
        faces = found
    else:  # any lasting face may be seen speaking, however small
        faces = [t for t in found if t.share >= rules.min_share]
        takes = dialogue_takes(faces, speech, times, fps, rules)
    if not takes:
        speaker = next((t.track_id for t in tracks if t.speaking), None)
        panels = rules.split == "always"
        return frame_faces(analysis, shot, tracks, size, rules, speech, "", speaker, panels)
    framed = []
    for take in takes:
        framed += _frame_take(analysis, shot, faces, take, size, rules, speech)
    return framed


def _frame_take(
    analysis: Analysis,
    shot: Shot,
    tracks: list[Track],
    take: ShotTake,
    size: tuple[int, int],
    rules: FramingRules,
    speech: np.ndarray,
) -> list[tuple[ShotFraming, np.ndarray]]:
    """Framings of one take of ``shot`` (a virtual cut starts it), its reason first."""
    start = shot.start_frame + take.start
    end = shot.start_frame + take.end
    end_time = float(analysis.times[end]) if end < analysis.frame_count else shot.end
    part = Shot(shot.index, start, end, float(analysis.times[start]), end_time)
    if not take.tracks:
        win = fit_window(analysis.media.width, analysis.media.height, *size)
        framing, boxes = frame_action(analysis, part, *win, rules)
        return [(dataclasses.replace(framing, reason=f"{take.reason}; {framing.reason}"), boxes)]
    shown = [track_part(tracks[i], take.start, take.end) for i in take.tracks]
    shown = [dataclasses.replace(t, speaking=t.track_id == take.speaker) for t in shown]
    if take.speaker is None:
        shown.sort(key=lambda t: (-t.importance, t.track_id))
    panels = rules.split == "always" or (take.panels and rules.split != "never")
    section = speech[take.start : take.end]
    return frame_faces(
        analysis, part, shown, size, rules, section, take.reason, take.speaker, panels
    )
