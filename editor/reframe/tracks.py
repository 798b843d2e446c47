"""The faces of one shot as the planner sees them: per-frame tracks, which of them matter, and
the one clearly speaking.

Which faces matter: tracks on screen for a good part of the shot and not much smaller than
the largest one (background faces and detector noise drop out), ranked by size times time on
screen. The one speaking comes first and is kept even when smaller (short dramas are mostly
dialogue; the speaker is who the viewer watches): a face whose mouth moves well beyond its
eyes while there is sound (``mouth`` of :data:`~editor.analysis.model.FACE_COLUMNS` against
:attr:`Analysis.audio_level`), clearly more than any other face of the shot.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Shot
from editor.reframe.rules import FramingRules


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
    mouth: np.ndarray | None = None
    """Mouth movement beyond the eyes per frame (NaN where absent)."""
    members: tuple[int, ...] = ()
    """Track ids joined into this one (:mod:`editor.reframe.people`); empty: just ``track_id``."""

    @property
    def ids(self) -> tuple[int, ...]:
        return self.members or (self.track_id,)

    @property
    def centre_x(self) -> np.ndarray:
        return (self.left + self.right) / 2

    @property
    def importance(self) -> float:
        return self.area * self.share


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
        mouth = np.full(n, np.nan)
        if rows.shape[1] > 7:
            mouth[at] = rows[:, 7]
        share = len(np.unique(at)) / n
        tracks.append(Track(int(track_id), share, area, *cols, talk=talk, mouth=mouth))
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
