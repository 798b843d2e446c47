"""Trailer planning rules, checked on plain numbers (no media)."""

from __future__ import annotations

import numpy as np
import pytest

from editor.assemble.scoring import usable_pieces
from editor.assemble.trailer import fit_lengths, pacing_lengths, plan_trailer, spread_lengths
from editor.errors import AutocutError
from editor.preset import Pacing, load_preset
from tests.conftest import fake_analysis


def test_pacing_sums_exactly_and_accelerates():
    pacing = Pacing(first_shot=2.4, last_shot=1.0, min_shot=0.6)
    lengths = pacing_lengths(900, 30.0, pacing)
    assert sum(lengths) == 900
    assert lengths[0] == 72
    assert lengths[-2] < lengths[0]
    assert min(lengths) >= 18


def test_spread_lengths_shape_and_total():
    lengths = spread_lengths(450, 7, Pacing(first_shot=2.0, last_shot=1.0, min_shot=0.5))
    assert sum(lengths) == 450 and len(lengths) == 7
    assert lengths[0] > lengths[-1]


def test_fit_lengths_respects_capacity():
    lengths = fit_lengths([60, 60, 60], [30, 100, 100], 180)
    assert sum(lengths) == 180
    assert lengths[0] == 30
    assert all(n <= c for n, c in zip(lengths, [30, 100, 100]))
    with pytest.raises(ValueError):
        fit_lengths([60, 60], [10, 10], 120)


def test_black_frames_and_cut_margins_are_never_usable():
    preset = load_preset("trailer")
    # shot 0: frames 0-89 bright; shot 1: 90-179 with a black stretch 120-149
    brightness = [120.0] * 120 + [3.0] * 30 + [120.0] * 30
    analysis = fake_analysis(brightness, [5.0] * 180, cuts=[90])
    pieces = usable_pieces(analysis, 0, preset)
    assert pieces
    for piece in pieces:
        frames = range(piece.start_frame, piece.end_frame)
        assert all(brightness[f] >= preset.selection.min_brightness for f in frames)
        assert not any(87 <= f <= 92 for f in frames)  # 0.1 s margin around the cut at 90


def test_hook_is_the_most_active_piece_and_total_is_exact():
    preset = load_preset("teaser")
    fps = 30.0
    cuts = [90, 180, 270, 360, 450, 540]
    motion = np.full(630, 1.0)
    motion[270:360] = 20.0  # shot 3 is by far the liveliest
    analysis = fake_analysis([100.0] * 630, list(motion), cuts, fps)
    edl = plan_trailer([analysis], preset, seed=0)
    assert edl.segments[0].shot == 3
    assert sum(round(s.duration * fps) for s in edl.segments) == round(preset.duration * fps)
    assert edl.segments[-1].out_out == pytest.approx(preset.duration)
    for a, b in zip(edl.segments, edl.segments[1:]):
        assert a.out_out == b.out_in


def test_same_seed_same_edl_other_seed_other_edl():
    preset = load_preset("teaser")
    rng = np.random.default_rng(7)
    cuts = list(range(60, 1200, 60))
    analysis = fake_analysis([100.0] * 1200, list(rng.uniform(1, 10, 1200)), cuts)
    first = plan_trailer([analysis], preset, seed=3).to_json()
    assert plan_trailer([analysis], preset, seed=3).to_json() == first
    assert plan_trailer([analysis], preset, seed=4).to_json() != first


def test_too_little_footage_is_a_clear_error():
    preset = load_preset("trailer")
    analysis = fake_analysis([100.0] * 150, [3.0] * 150, cuts=[])
    with pytest.raises(AutocutError, match="not enough usable footage"):
        plan_trailer([analysis], preset)
