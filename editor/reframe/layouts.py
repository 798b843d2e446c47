"""How a stretch of a shot is framed once the planner knows whom to show: one crop window
(still, followed, or re-framed at pauses), split panels, a still window on the action, or the
whole picture.

- One face, or faces that fit one window together: **crop**. The window must hold the faces
  with a margin; if one fixed position does, the camera is **stationary**, otherwise it
  follows (:mod:`editor.reframe.follow`: a calm camera first, a close-up faster, a zoomed
  window widened, re-framing at pauses); only when none holds the face does the stretch show
  the whole picture (**fit**).
- Two faces too far apart for one window, where panels are allowed: **split**, one stacked
  panel per face, left-most face on top, each face's eyes near the upper third of its panel.
- No face: a still window on the action when most of the movement happens in one
  window-wide band (:attr:`Analysis.motion_bands`), else the whole picture over a blurred
  copy of itself, rather than a blind centre crop that may cut the action in half.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from editor.analysis.model import Analysis, Shot
from editor.reframe.composition import Placement, place_vertically
from editor.reframe.follow import Faces, follow
from editor.reframe.path import corridor_from_boxes, plan_path
from editor.reframe.plan import ShotFraming
from editor.reframe.rules import FramingRules
from editor.reframe.tracks import Track
from editor.reframe.window import fit_window


def frame_faces(
    analysis: Analysis,
    shot: Shot,
    tracks: list[Track],
    size: tuple[int, int],
    rules: FramingRules,
    speech: np.ndarray,
    why: str,
    speaker: int | None,
    panels: bool,
) -> list[tuple[ShotFraming, np.ndarray]]:
    """Framings of ``shot`` on ``tracks`` (most important first): split panels when allowed
    and the first two cannot share a window, else a crop on the first (and the second when
    both fit), followed as :mod:`editor.reframe.follow` allows, else the whole picture.
    ``why`` (the take's reason) leads every reason."""
    src_w, src_h = analysis.media.width, analysis.media.height
    win_w, _ = fit_window(src_w, src_h, *size)
    fps = analysis.media.fps
    n = shot.frame_count

    def framing(start: int, end: int, mode: str, reason: str, ids: tuple[int, ...]):
        text = f"{why}; {reason}" if why else reason
        return ShotFraming(start, end, mode, text, ids, speaker)

    chosen = tracks[: rules.max_panels]
    left, right = union(chosen, rules.margin, win_w)
    span = np.nanpercentile(right - left, 90) if np.isfinite(right - left).any() else 0.0
    if len(chosen) > 1 and span > win_w and panels:
        chosen = sorted(chosen, key=lambda t: float(np.nanmedian(t.centre_x)))
        reason = (
            f"{len(chosen)} faces span {span:.0f} px, wider than one {win_w} px window: "
            "one panel each"
        )
        ids = tuple(i for t in chosen for i in t.ids)
        panel_size = (size[0], size[1] // len(chosen))
        boxes = np.stack(
            [panel_boxes(t, src_w, src_h, panel_size, fps, rules) for t in chosen], axis=1
        )
        return [(framing(shot.start_frame, shot.end_frame, "split", reason, ids), boxes)]
    if len(chosen) > 1 and span > win_w:
        chosen = chosen[:1]
    who = "face" if len(chosen) == 1 else f"{len(chosen)} faces"
    if chosen[0].speaking:
        who = "speaking face" if len(chosen) == 1 else f"{len(chosen)} faces, one speaking"
    ids = tuple(i for t in chosen for i in t.ids)
    hold = max(1, round(rules.min_hold * fps))
    width = max(float(np.nanmedian(t.right - t.left)) for t in chosen)
    for place in placements(chosen, (src_w, src_h), size, rules):
        left, right = union(chosen, rules.margin, place.w)
        core_left, core_right = core(chosen, rules.face_core, rules.close_up * place.w)
        faces = Faces(core_left, core_right, left, right, width)
        pieces = follow(faces, place.w, src_w, fps, speech < 0.5, hold, rules.min_held,
                        rules.face_speed)  # fmt: skip
        if pieces is not None:
            break
    else:
        reason = f"the {who} moves faster than any crop can follow: whole picture"
        whole = np.tile(np.array([[0.0, 0.0, src_w, src_h]]), (n, 1, 1))
        return [(framing(shot.start_frame, shot.end_frame, "fit", reason, ids), whole)]
    framed = []
    for k, piece in enumerate(pieces):
        if piece.mode == "stationary":
            reason = f"the {who} stays inside one fixed window"
        else:
            reason = f"the {who} moves beyond one fixed window: smooth follow"
        if place.zoom > 1:
            reason += f"; zoomed in {place.zoom:.2f}x to keep the face above the caption zone"
        elif not place.clear:
            reason += "; the face reaches into the caption zone (no zoom within limits clears it)"
        if piece.note and k == 0 and len(pieces) == 1:
            reason += f"; {piece.note}"
        elif len(pieces) > 1:
            at = float(analysis.times[shot.start_frame + piece.start])
            reason += f"; {'jump cut' if k else 'window'} re-framed at a pause from {at:.1f} s"
        boxes = np.zeros((piece.end - piece.start, 1, 4))
        boxes[:, 0, 0] = np.clip(np.round(piece.x, 2), 0, src_w - place.w)
        boxes[:, 0, 1:] = (place.y, place.w, place.h)
        start, end = shot.start_frame + piece.start, shot.start_frame + piece.end
        framed.append((framing(start, end, piece.mode, reason, ids), boxes))
    return framed


def placements(
    chosen: list[Track], src: tuple[int, int], size: tuple[int, int], rules: FramingRules
) -> list[Placement]:
    """Windows to try for a crop on ``chosen``, preferred first: the composed one, then,
    when that one is zoomed in, the widest (a wider window holds a fast face longer)."""
    place = placement(chosen, src, size, rules)
    if place.zoom <= 1:
        return [place]
    return [place, placement(chosen, src, size, dataclasses.replace(rules, max_zoom=1.0))]


def placement(
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


def frame_action(
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


def core(tracks: list[Track], share: float, close_up: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame left and right edges of what must stay inside the window of every face of
    ``tracks`` together (NaN where none shows): the middle ``share`` of a face wider than
    ``close_up`` pixels, all of a smaller one."""
    widths = [t.right - t.left for t in tracks]
    trim = [np.where(w > close_up, (1 - share) / 2 * w, 0.0) for w in widths]
    lefts = np.vstack([t.left + d for t, d in zip(tracks, trim)])
    rights = np.vstack([t.right - d for t, d in zip(tracks, trim)])
    return np.fmin.reduce(lefts, axis=0), np.fmax.reduce(rights, axis=0)


def union(tracks: list[Track], margin: float, window_w: float) -> tuple[np.ndarray, np.ndarray]:
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


def panel_boxes(
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
