"""The reframe planner: per shot, a camera mode with its reason, and a window for every frame.

Pure functions of the analysis (faces already tracked within shots); the renderer only obeys
the resulting :class:`~editor.reframe.plan.ReframePlan`. Decisions, shot by shot:

- Which faces matter: tracks on screen for a good part of the shot and not much smaller than
  the largest one (background faces and detector noise drop out), ranked by size times time
  on screen. The one speaking comes first and is kept even when smaller (short dramas are
  mostly dialogue; the speaker is who the viewer watches): a face whose mouth moves well
  beyond its eyes while there is sound (``mouth`` of
  :data:`~editor.analysis.model.FACE_COLUMNS` against :attr:`Analysis.audio_level`), clearly
  more than any other face of the shot. The choice is made once per shot, so it cannot
  flicker within a shot.
- One face, or faces that fit one window together: **crop**. The window must hold the faces
  with a margin; if one fixed position does, the camera is **stationary** (the most common
  and calmest framing), otherwise it **tracks** along an L1-smooth path
  (:mod:`editor.reframe.path`). A path starts afresh in every shot (and at the middle of a
  dissolve, where the picture changes without a cut), so it never pans across a cut. If even
  that path would lose the face on more than 2 % of frames (a subject faster than a calm
  camera may move), the shot shows the whole picture instead (**fit**).
- Two or three faces too far apart for one window: **split**, one stacked panel per face,
  left-most face on top, each face's eyes near the upper third of its panel.
- No face worth framing: a still window on the action when most of the movement happens in
  one window-wide band (:attr:`Analysis.motion_bands`), else **fit**, the whole picture over a
  blurred copy of itself, rather than a blind centre crop that may cut the action in half.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Shot
from editor.reframe.composition import Placement, place_vertically
from editor.reframe.path import corridor_from_boxes, is_stationary, plan_path
from editor.reframe.plan import ReframePlan, ShotFraming
from editor.reframe.window import fit_window


@dataclass(frozen=True)
class FramingRules:
    """What the planner considers (shares and ratios, so they hold at any resolution)."""

    min_share: float = 0.25
    """A face counts when it is on screen for at least this share of the shot ..."""
    min_area_ratio: float = 0.25
    """... and its mean area is at least this share of the largest face's."""
    max_panels: int = 2
    margin: float = 0.15
    """Room kept around a face inside the window, as a share of the face width per side."""
    split_face_height: float = 2.6
    """A split panel is this many face heights tall (head and shoulders)."""
    eye_line: float = 0.4
    """In a split panel the face centre sits this far down from the panel's top."""
    caption_zone: float = 0.2
    """Bottom share of the frame kept free of faces (captions and buttons go there)."""
    eye_third: float = 1 / 3
    """Where the eye line goes, as a share of the window height from the top, when the window
    can move vertically."""
    eye_height: float = 0.4
    """Eye line within a face box, as a share of its height from the top."""
    max_zoom: float = 1.5
    """Largest zoom (beyond the largest window that fits) spent on clearing the caption zone."""
    min_motion: float = 1.0
    """Mean luma change per frame (0-255) below which a faceless shot counts as still."""
    action_share: float = 0.6
    """A faceless shot is framed on its action when one window-wide band holds this share of
    the picture's movement; spread-out movement gets the whole picture."""
    speech_db: float = -50.0
    """Frames louder than this (dBFS) may carry speech; a speaker's mouth moves in them."""
    speaking: float = 0.4
    """Mean mouth movement beyond the eyes (luma levels) over such frames that counts as
    talking (moving but silent faces measure 0.0-0.15, interviews 0.4-0.5, a talking head
    straight at the camera 2.6, a singer 1.6)..."""
    speaking_lead: float = 2.0
    """... when it is also this many times the next face's: one clear speaker or none."""
    min_held: float = 0.98
    """A followed face must stay inside the window on this share of frames; a face too fast
    for a calm camera gets the whole picture instead."""


@dataclass(frozen=True)
class Track:
    """One face identity within a shot: per-frame boxes (NaN where absent)."""

    track_id: int
    share: float
    area: float
    left: np.ndarray
    right: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    talk: float = 0.0
    """Mean mouth movement beyond the eyes over the frames with sound (0 if none)."""
    speaking: bool = False

    @property
    def centre_x(self) -> np.ndarray:
        return (self.left + self.right) / 2

    @property
    def importance(self) -> float:
        return self.area * self.share


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
            yield frame_shot(analysis, shot, size, rules)


def framing_units(analysis: Analysis) -> list[Shot]:
    """The stretches framed one at a time: shots, further split at the middle of each
    dissolve, where one picture gives way to another without a cut."""
    units = []
    for shot in analysis.shots:
        bounds = [shot.start_frame]
        for t in analysis.transitions:
            middle = (t.start_frame + t.end_frame + 1) // 2
            if t.kind == "dissolve" and bounds[-1] < middle < shot.end_frame:
                bounds.append(middle)
        bounds.append(shot.end_frame)
        for start, end in itertools.pairwise(bounds):
            end_time = float(analysis.times[end]) if end < analysis.frame_count else shot.end
            units.append(Shot(len(units), start, end, float(analysis.times[start]), end_time))
    return units


def frame_shot(
    analysis: Analysis, shot: Shot, size: tuple[int, int], rules: FramingRules
) -> tuple[ShotFraming, np.ndarray]:
    """Mode, reason and per-frame boxes (frames, panels, 4) for one shot."""
    src_w, src_h = analysis.media.width, analysis.media.height
    win_w, win_h = fit_window(src_w, src_h, *size)
    n = shot.frame_count
    tracks = important_tracks(shot_tracks(analysis, shot, rules.speech_db), rules)
    if not tracks:
        return _frame_action(analysis, shot, win_w, win_h, rules)
    chosen = tracks[: rules.max_panels]
    left, right = _union(chosen, rules.margin, win_w)
    span = np.nanpercentile(right - left, 90) if np.isfinite(right - left).any() else 0.0
    if len(chosen) > 1 and span > win_w:
        chosen = sorted(chosen, key=lambda t: float(np.nanmedian(t.centre_x)))
        reason = (
            f"{len(chosen)} faces span {span:.0f} px, wider than one {win_w} px window: "
            "one panel each"
        )
        ids = tuple(t.track_id for t in chosen)
        speaker = next((t.track_id for t in tracks if t.speaking), None)
        framing = ShotFraming(shot.start_frame, shot.end_frame, "split", reason, ids, speaker)
        panel_size = (size[0], size[1] // len(chosen))
        fps = analysis.media.fps
        return framing, np.stack(
            [_panel_boxes(t, src_w, src_h, panel_size, fps, rules) for t in chosen], axis=1
        )
    place = _placement(chosen, (src_w, src_h), size, rules)
    win_w, win_h, y = place.w, place.h, place.y
    left, right = _union(chosen, rules.margin, win_w)
    lo, hi = corridor_from_boxes(left, right, win_w, src_w)
    want = (left + right) / 2 - win_w / 2
    x = np.round(plan_path(lo, hi, want, src_w, win_w, analysis.media.fps), 2)
    who = "face" if len(chosen) == 1 else f"{len(chosen)} faces"
    if chosen[0].speaking:
        who = "speaking face" if len(chosen) == 1 else f"{len(chosen)} faces, one speaking"
    ids = tuple(t.track_id for t in chosen)
    speaker = next((t.track_id for t in tracks if t.speaking), None)
    if is_stationary(lo, hi):
        mode, reason = "stationary", f"the {who} stays inside one fixed window"
    elif _held_share(x, lo, hi) < rules.min_held:
        reason = f"the {who} moves faster than a calm camera can follow: whole picture"
        framing = ShotFraming(shot.start_frame, shot.end_frame, "fit", reason, ids, speaker)
        return framing, np.tile(np.array([[0.0, 0.0, src_w, src_h]]), (n, 1, 1))
    else:
        mode, reason = "track", f"the {who} moves beyond one fixed window: smooth follow"
    if place.zoom > 1:
        reason += f"; zoomed in {place.zoom:.2f}x to keep the face above the caption zone"
    elif not place.clear:
        reason += "; the face reaches into the caption zone (no zoom within limits clears it)"
    shot_boxes = np.zeros((n, 1, 4))
    shot_boxes[:, 0, 0] = np.clip(x, 0, src_w - win_w)
    shot_boxes[:, 0, 1:] = (y, win_w, win_h)
    framing = ShotFraming(shot.start_frame, shot.end_frame, mode, reason, ids, speaker)
    return framing, shot_boxes


def _placement(
    chosen: list[Track], src: tuple[int, int], size: tuple[int, int], rules: FramingRules
) -> Placement:
    """Window size and height for a crop on ``chosen`` (see :mod:`editor.reframe.composition`):
    the faces' usual extent (ignoring the odd outlying frame) decides."""
    top = np.fmin.reduce(np.vstack([t.top for t in chosen]), axis=0)
    bottom = np.fmax.reduce(np.vstack([t.bottom for t in chosen]), axis=0)
    left = np.fmin.reduce(np.vstack([t.left for t in chosen]), axis=0)
    right = np.fmax.reduce(np.vstack([t.right for t in chosen]), axis=0)
    lead = chosen[0]
    eye = float(np.nanmedian(lead.top + rules.eye_height * (lead.bottom - lead.top)))
    return place_vertically(
        face_top=float(np.nanpercentile(top, 5)),
        face_bottom=float(np.nanpercentile(bottom, 95)),
        eye=eye,
        need_w=float(np.nanpercentile(right - left, 90)),
        src=src,
        size=size,
        caption=rules.caption_zone,
        eye_line=rules.eye_third,
        max_zoom=rules.max_zoom,
    )


def _frame_action(
    analysis: Analysis, shot: Shot, win_w: int, win_h: int, rules: FramingRules
) -> tuple[ShotFraming, np.ndarray]:
    """A shot without faces: a still window on concentrated movement, else the whole picture."""
    src_w, src_h = analysis.media.width, analysis.media.height
    n = shot.frame_count
    whole = np.tile(np.array([[0.0, 0.0, src_w, src_h]]), (n, 1, 1))
    bands = analysis.motion_bands[shot.start_frame + 1 : shot.end_frame]
    profile = bands.mean(axis=0) if len(bands) else np.zeros(1)
    if profile.max() < rules.min_motion:
        reason = "no face and no clear movement: whole picture"
        return ShotFraming(shot.start_frame, shot.end_frame, "fit", reason), whole
    width = max(1, round(win_w / src_w * profile.size))
    sums = np.convolve(profile, np.ones(width), mode="valid")
    best = int(np.argmax(sums))
    share = float(sums[best] / profile.sum())
    if share < rules.action_share:
        reason = f"no face; movement spread across the picture ({share:.0%} in any window)"
        return ShotFraming(shot.start_frame, shot.end_frame, "fit", reason), whole
    centre = (best + width / 2) / profile.size * src_w
    x = float(np.clip(round(centre - win_w / 2), 0, src_w - win_w))
    reason = f"no face; {share:.0%} of the movement in one window-wide band: still window on it"
    boxes = np.tile(np.array([[x, (src_h - win_h) // 2, win_w, win_h]]), (n, 1, 1))
    return ShotFraming(shot.start_frame, shot.end_frame, "stationary", reason), boxes


def shot_tracks(analysis: Analysis, shot: Shot, speech_db: float = -50.0) -> list[Track]:
    """Face tracks of one shot as per-frame arrays (NaN where the face is absent), each with
    its mouth movement over the frames of the shot louder than ``speech_db``."""
    faces = analysis.face_boxes
    inside = faces[(faces[:, 0] >= shot.start_frame) & (faces[:, 0] < shot.end_frame)]
    level = analysis.audio_level
    n = shot.frame_count
    tracks = []
    for track_id in np.unique(inside[:, 1]).astype(int):
        rows = inside[inside[:, 1] == track_id]
        at = rows[:, 0].astype(int) - shot.start_frame
        cols = [np.full(n, np.nan) for _ in range(4)]
        cols[0][at] = rows[:, 2]
        cols[1][at] = rows[:, 2] + rows[:, 4]
        cols[2][at] = rows[:, 3]
        cols[3][at] = rows[:, 3] + rows[:, 5]
        area = float(np.mean(rows[:, 4] * rows[:, 5]))
        loud = rows[:, 0].astype(int) < level.size
        loud[loud] = level[rows[loud, 0].astype(int)] > speech_db
        talk = float(rows[loud, 7].mean()) if rows.shape[1] > 7 and loud.any() else 0.0
        tracks.append(Track(int(track_id), len(np.unique(at)) / n, area, *cols, talk=talk))
    return tracks


def important_tracks(tracks: list[Track], rules: FramingRules) -> list[Track]:
    """Tracks worth framing, most important first (see module docstring)."""
    lasting = [t for t in tracks if t.share >= rules.min_share]
    if not lasting:
        return []
    speaker = find_speaker([t.talk for t in lasting], rules)
    if speaker is not None:
        lasting[speaker] = dataclasses.replace(lasting[speaker], speaking=True)
    largest = max(t.area for t in lasting)
    kept = [t for t in lasting if t.speaking or t.area >= rules.min_area_ratio * largest]
    return sorted(kept, key=lambda t: (not t.speaking, -t.importance, t.track_id))


def find_speaker(talk: list[float], rules: FramingRules) -> int | None:
    """Index of the one face clearly talking (see :class:`FramingRules`), else None."""
    if not talk:
        return None
    order = np.argsort(talk)[::-1]
    best = float(talk[order[0]])
    runner_up = float(talk[order[1]]) if len(talk) > 1 else 0.0
    if best >= rules.speaking and best >= rules.speaking_lead * runner_up:
        return int(order[0])
    return None


def _held_share(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of frames with a known subject on which window position ``x`` holds it."""
    known = np.isfinite(lo) & np.isfinite(hi) & (lo <= hi)
    if not known.any():
        return 1.0
    return float(np.mean((x[known] >= lo[known] - 0.5) & (x[known] <= hi[known] + 0.5)))


def _union(tracks: list[Track], margin: float, window_w: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame left and right edges of all ``tracks`` with margins (NaN where none shows).

    A margin never makes a face that fits the window stop fitting: it shrinks to the room
    the window leaves around the face.
    """
    lefts, rights = [], []
    for t in tracks:
        width = t.right - t.left
        room = np.clip(margin * width, 0.0, np.maximum(0.0, (window_w - width) / 2))
        lefts.append(t.left - room)
        rights.append(t.right + room)
    return np.fmin.reduce(np.vstack(lefts), axis=0), np.fmax.reduce(np.vstack(rights), axis=0)


def _panel_boxes(
    track: Track,
    src_w: int,
    src_h: int,
    panel: tuple[int, int],
    fps: float,
    rules: FramingRules,
) -> np.ndarray:
    """Per-frame source boxes of one split panel following ``track``."""
    aspect = panel[0] / panel[1]
    face_h = float(np.nanmedian(track.bottom - track.top))
    box_h = min(float(src_h), rules.split_face_height * face_h)
    box_w = min(float(src_w), box_h * aspect)
    box_h = box_w / aspect
    w, h = int(box_w) // 2 * 2, int(box_h) // 2 * 2
    lo, hi = corridor_from_boxes(track.left, track.right, w, src_w)
    x = np.round(plan_path(lo, hi, track.centre_x - w / 2, src_w, w, fps), 2)
    centre_y = float(np.nanmedian((track.top + track.bottom) / 2))
    y = int(np.clip(round(centre_y - rules.eye_line * h), 0, src_h - h))
    out = np.zeros((track.left.size, 4))
    out[:, 0] = np.clip(x, 0, src_w - w)
    out[:, 1:] = (y, w, h)
    return out
