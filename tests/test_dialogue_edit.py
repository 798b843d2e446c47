"""Sound edges and speech: where a segment starts and ends, and where shots are split into
pieces, when the source has people talking."""

from __future__ import annotations

import numpy as np
import pytest

from editor.analysis.model import Utterance
from editor.assemble.dialogue import (
    EDGE_MARGIN,
    intrusion,
    speech_safe_start,
    split_at_pauses,
)

LINES = (Utterance(1.0, 2.0, -20.0), Utterance(2.5, 4.0, -20.0))


def test_intrusion_is_the_way_out_of_the_nearest_utterance_end():
    edges = np.array([0.5, 1.0, 1.2, 1.5, 2.0 + EDGE_MARGIN, 2.25, 3.9])
    got = intrusion(edges, LINES)
    want = [0.0, EDGE_MARGIN, 0.2 + EDGE_MARGIN, 0.5 + EDGE_MARGIN, 0.0, 0.0, 0.1 + EDGE_MARGIN]
    assert got == pytest.approx(want)
    assert intrusion(edges, ()).tolist() == [0.0] * len(edges)


def test_a_segment_is_moved_to_hold_a_whole_line():
    candidates = np.arange(0.0, 3.0, 1 / 30)
    # 1.3 s centred at 1.5 would start and end inside the first line; the nearest start
    # whose both edges are clear puts the whole line inside the segment.
    start = speech_safe_start(candidates, 1.3, ideal=0.85, utterances=LINES)
    assert intrusion(np.array([start, start + 1.3]), LINES).tolist() == [0.0, 0.0]
    assert start <= 1.0 - EDGE_MARGIN and start + 1.3 >= 2.0 + EDGE_MARGIN
    assert abs(start - 0.85) < 0.1


def test_without_a_clean_start_the_least_speech_is_cut():
    candidates = np.arange(2.6, 3.2, 1 / 30)  # every start is inside the second line
    start = speech_safe_start(candidates, 0.5, ideal=3.0, utterances=LINES)
    costs = [intrusion(np.array([t, t + 0.5]), LINES).sum() for t in candidates]
    assert intrusion(np.array([start, start + 0.5]), LINES).sum() == pytest.approx(min(costs))


def test_without_speech_the_middle_is_kept():
    candidates = np.arange(0.0, 3.0, 1 / 30)
    assert speech_safe_start(candidates, 1.0, 1.0, ()) == pytest.approx(1.0)


def test_pieces_are_split_in_pauses():
    times = np.arange(0, 6.0, 1 / 30)
    edges = np.array([0, 45, 90, 135, 179])  # 1.5 s, 3.0 s, 4.5 s: two inside the lines
    got = split_at_pauses(times, edges, LINES, reach=20)
    assert got[0] == 0 and got[-1] == 179 and list(got) == sorted(got)
    assert intrusion(times[got], LINES).tolist() == [0.0] * 5
    assert abs(int(got[2]) - 90) <= 20  # moved to the pause near it, not far away
    assert list(split_at_pauses(times, edges, (), reach=12)) == list(edges)


def test_a_split_that_cannot_reach_a_pause_stays_where_the_speech_is_thinnest():
    times = np.arange(0, 6.0, 1 / 30)
    long_line = (Utterance(0.5, 5.5, -20.0),)
    got = split_at_pauses(times, np.array([0, 90, 179]), long_line, reach=6)
    assert abs(int(got[1]) - 90) <= 6
