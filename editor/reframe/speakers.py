"""Who speaks when within one shot: a speaker per frame from mouth movement during speech,
smoothed into turns.

Pure functions on plain arrays (one value per frame of the shot). The cue is the one the
analysis measures for every face: mouth movement beyond the eyes (``mouth`` of
:data:`~editor.analysis.model.FACE_COLUMNS`), looked at only while the voice detector hears
speech (:attr:`~editor.analysis.model.Analysis.speech`). Decisions:

- A face speaks on a frame of speech when its mouth movement, averaged over the speech frames
  of a short window around it (mouth movement is sampled a few times a second and one word
  opens a mouth only briefly), reaches ``speaking`` and is ``lead`` times the next face's:
  one clear speaker or none.
- Speech with no mouth moving enough is an *unseen* voice: someone off screen, or seen from
  behind (a back of the head gives a face box but never a moving mouth). Speech with two
  mouths moving about equally is *unclear* and goes to the neighbouring turn.
- Turns are runs of one label over the speech frames; the silences between two runs of the
  same speaker belong to that speaker, and runs shorter than ``min_turn`` (a word misread, a
  cough) are given to the longer neighbouring run, so a turn never flickers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILENT = -1
"""Label of a frame without speech."""
UNSEEN = -2
"""Label of speech while no face's mouth moves: a voice off screen or from behind."""
UNCLEAR = -3
"""Label of speech while more than one mouth moves about equally."""


@dataclass(frozen=True)
class Turn:
    """Frames ``[start, end)`` of a shot in which one voice speaks: ``who`` is the index of the
    speaking face, or :data:`UNSEEN`."""

    start: int
    end: int
    who: int

    @property
    def frames(self) -> int:
        return self.end - self.start


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving mean over ``width`` frames of the finite entries of ``values`` (rows are
    faces, columns frames); NaN where the window holds no finite value."""
    values = np.atleast_2d(np.asarray(values, float))
    known = np.isfinite(values)
    filled = np.where(known, values, 0.0)
    half = max(0, width // 2)
    pad = ((0, 0), (half + 1, half))
    sums = np.cumsum(np.pad(filled, pad), axis=1)
    counts = np.cumsum(np.pad(known.astype(float), pad), axis=1)
    n = values.shape[1]
    total = sums[:, 2 * half + 1 : 2 * half + 1 + n] - sums[:, :n]
    count = counts[:, 2 * half + 1 : 2 * half + 1 + n] - counts[:, :n]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def frame_speakers(
    mouth: np.ndarray,
    speech: np.ndarray,
    fps: float,
    speaking: float,
    lead: float,
    window: float = 1.0,
    speech_prob: float = 0.5,
) -> np.ndarray:
    """Label of every frame: the index of the face speaking, :data:`SILENT`, :data:`UNSEEN` or
    :data:`UNCLEAR` (see module). ``mouth`` is (faces, frames), NaN where a face is absent;
    ``speech`` the speech probability per frame."""
    mouth = np.atleast_2d(np.asarray(mouth, float))
    talking = np.asarray(speech, float) >= speech_prob
    labels = np.full(talking.size, SILENT, dtype=np.int64)
    if not talking.any():
        return labels
    heard = np.where(talking[None, :], mouth, np.nan)
    smooth = window_mean(heard, max(1, round(window * fps)))
    smooth = np.where(np.isfinite(mouth), smooth, np.nan)  # only faces on screen speak
    if smooth.shape[0] == 0:
        labels[talking] = UNSEEN
        return labels
    ranked = np.sort(np.nan_to_num(smooth, nan=0.0), axis=0)
    best_value = ranked[-1]
    second = ranked[-2] if smooth.shape[0] > 1 else np.zeros(talking.size)
    best = np.argmax(np.nan_to_num(smooth, nan=-1.0), axis=0)
    clear = (best_value >= speaking) & (best_value >= lead * second)
    labels[talking] = np.where(
        clear[talking], best[talking], np.where(best_value[talking] >= speaking, UNCLEAR, UNSEEN)
    )
    return labels


def speaker_turns(labels: np.ndarray, fps: float, min_turn: float = 0.5) -> list[Turn]:
    """The turns of a shot from its per-frame ``labels`` (see module). Turns are in order,
    never overlap, and cover the speech frames from the first to the last; silences inside a
    turn belong to it, silences between turns to neither."""
    labels = np.asarray(labels)
    spoken = np.flatnonzero(labels != SILENT)
    if not spoken.size:
        return []
    runs: list[list[int]] = []  # [start, end, who]
    for frame in spoken:
        who = int(labels[frame])
        if runs and runs[-1][2] == who:
            runs[-1][1] = frame + 1
        else:
            runs.append([int(frame), int(frame) + 1, who])
    shortest = max(1, round(min_turn * fps))
    while len(runs) > 1:
        weak = [i for i, r in enumerate(runs) if r[2] == UNCLEAR or r[1] - r[0] < shortest]
        if not weak:
            break
        i = min(weak, key=lambda k: (runs[k][2] != UNCLEAR, runs[k][1] - runs[k][0], k))
        runs = _absorb(runs, i)
    if runs[0][2] == UNCLEAR:
        runs[0][2] = UNSEEN
    return [Turn(start, end, who) for start, end, who in runs]


def _absorb(runs: list[list[int]], i: int) -> list[list[int]]:
    """``runs`` with run ``i`` given to its longer neighbour, same-speaker neighbours joined."""
    before = runs[i - 1] if i > 0 else None
    after = runs[i + 1] if i + 1 < len(runs) else None
    if before is not None and after is not None:
        take = before if before[1] - before[0] >= after[1] - after[0] else after
    else:
        take = before if before is not None else after
    runs[i][2] = take[2]
    joined: list[list[int]] = []
    for run in runs:
        if joined and joined[-1][2] == run[2]:
            joined[-1][1] = run[1]
        else:
            joined.append(list(run))
    return joined
