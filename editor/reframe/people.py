"""People within one shot: face tracks the tracker broke apart, joined again.

The face tracker (:mod:`editor.analysis.tracks`) starts a new identity whenever it loses a
face for a moment (a turned head, a hand in front of the mouth). For deciding who speaks and
whom to show, one person must stay one subject through a shot, so a track that starts within
``rejoin`` seconds after another ends, about where that one was last seen (centre within one
face width, about as big), continues it. Tracks that overlap in time are always different people.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from editor.reframe.tracks import Track

MAX_GROWTH = 1.5
"""A continuation is at most this many times wider or narrower than the face it continues:
a face that changes size more between two frames is someone else (or a cut the shot
detector missed)."""


def join_broken_tracks(tracks: list[Track], fps: float, rejoin: float = 1.0) -> list[Track]:
    """``tracks`` with each broken-off continuation merged into the track it continues (see
    module); the merged track keeps the first id and lists every id in ``members``."""
    order = sorted(tracks, key=lambda t: (_first(t), t.track_id))
    people: list[Track] = []
    gap = max(1, round(rejoin * fps))
    for track in order:
        start = _first(track)
        if start < 0:
            continue
        match = None
        for k, person in enumerate(people):
            end = _last(person)
            if not end < start <= end + gap:
                continue
            width = float(person.right[end] - person.left[end])
            other = float(track.right[start] - track.left[start])
            near = abs(float(person.centre_x[end] - track.centre_x[start])) <= width
            if near and max(width, other) <= MAX_GROWTH * min(width, other):
                match = k if match is None or _last(people[match]) < end else match
        if match is None:
            people.append(track)
        else:
            people[match] = _merge(people[match], track)
    return people


def _first(track: Track) -> int:
    seen = np.flatnonzero(np.isfinite(track.left))
    return int(seen[0]) if seen.size else -1


def _last(track: Track) -> int:
    seen = np.flatnonzero(np.isfinite(track.left))
    return int(seen[-1]) if seen.size else -1


def _merge(first: Track, second: Track) -> Track:
    """One track of two that never overlap: boxes and mouth movement of both, share and
    area weighted by the frames each was seen on."""
    a, b = first.share, second.share
    total = a + b

    def both(x: np.ndarray | None, y: np.ndarray | None) -> np.ndarray | None:
        if x is None or y is None:
            return None
        return np.where(np.isfinite(x), x, y)

    return dataclasses.replace(
        first,
        share=total,
        area=(first.area * a + second.area * b) / total if total else first.area,
        left=both(first.left, second.left),
        right=both(first.right, second.right),
        top=both(first.top, second.top),
        bottom=both(first.bottom, second.bottom),
        talk=(first.talk * a + second.talk * b) / total if total else first.talk,
        mouth=both(first.mouth, second.mouth),
        members=first.ids + second.ids,
    )


def track_part(track: Track, start: int, end: int) -> Track:
    """``track`` over frames ``[start, end)`` of its shot only (its share counted there)."""
    part = slice(start, end)
    left = track.left[part]
    frames = max(1, end - start)
    return dataclasses.replace(
        track,
        share=float(np.isfinite(left).sum()) / frames,
        left=left,
        right=track.right[part],
        top=track.top[part],
        bottom=track.bottom[part],
        mouth=None if track.mouth is None else track.mouth[part],
    )
