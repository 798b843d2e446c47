"""Where a segment may begin and end when its source has people talking.

A sound edit inside a word is the first thing a viewer hears as wrong: the line starts
mid-syllable or is chopped off. So among the start times a segment could take, the one
chosen keeps both of its sound edges out of every utterance (by at least
:data:`EDGE_MARGIN`), as close as possible to where the picture alone would have put it.
Where no start keeps both edges clear (a line longer than the segment, or no pause in
reach), the start that cuts the least speech is taken: the smallest total distance from
each edge back out to the nearest end of the utterance it falls in.

Pure functions on times in seconds; utterances come from :mod:`editor.analysis.speech`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from editor.analysis.model import Utterance

EDGE_MARGIN = 0.04
"""Seconds a sound edge keeps from speech: about one analysis window of the detector."""


def intrusion(edges: np.ndarray, utterances: Sequence[Utterance]) -> np.ndarray:
    """How far (seconds) each of ``edges`` lies inside speech: 0 outside every utterance
    (with the margin), else the distance to the nearer end of the utterance it falls in."""
    edges = np.asarray(edges, np.float64)
    if not len(utterances):
        return np.zeros(edges.shape)
    starts = np.array([u.start for u in utterances]) - EDGE_MARGIN
    ends = np.array([u.end for u in utterances]) + EDGE_MARGIN
    inside = np.minimum(edges[:, None] - starts[None, :], ends[None, :] - edges[:, None])
    return np.max(np.maximum(inside, 0.0), axis=1, initial=0.0)


def speech_safe_start(
    candidates: np.ndarray, seconds: float, ideal: float, utterances: Sequence[Utterance]
) -> float:
    """The start among ``candidates`` for a ``seconds`` long segment whose sound edges cut
    the least speech, the nearest to ``ideal`` among equals (see the module notes)."""
    lo, hi = float(candidates.min()), float(candidates.max()) + seconds
    near = [u for u in utterances if u.end + EDGE_MARGIN > lo and u.start - EDGE_MARGIN < hi]
    cost = intrusion(candidates, near) + intrusion(candidates + seconds, near)
    best = cost <= cost.min() + 1e-9
    pick = np.flatnonzero(best)[np.argmin(np.abs(candidates[best] - ideal))]
    return float(candidates[pick])


def split_at_pauses(
    times: np.ndarray, edges: np.ndarray, utterances: Sequence[Utterance], reach: int
) -> np.ndarray:
    """Frame ``edges`` of a shot cut into pieces, each inner one moved (by at most ``reach``
    frames, keeping the order) to the nearest frame outside speech: a piece that begins or
    ends mid-line leaves a segment no clean place to start or stop."""
    out = np.array(edges, dtype=np.int64)
    if not len(utterances):
        return out
    for i in range(1, len(out) - 1):
        lo, hi = max(out[i - 1] + 1, out[i] - reach), min(out[i + 1] - 1, out[i] + reach)
        if hi < lo:
            continue
        frames = np.arange(lo, hi + 1)
        cost = intrusion(times[frames], utterances)
        best = frames[cost <= cost.min() + 1e-9]
        out[i] = best[np.argmin(np.abs(best - out[i]))]
    return out
