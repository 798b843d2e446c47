"""Music in the edit: cuts moved onto beats within what the footage holds, a bed that is the
same for the same plan and puts its kicks on the planned beats, ducking that moves smoothly."""

from __future__ import annotations

import numpy as np

from editor.assemble.music import on_beats, sections
from editor.sound.bed import beat_grid, bed
from editor.sound.mix import DUCK_ATTACK, duck_gain

RATE = 48000


def test_cuts_move_to_the_nearest_beat_within_the_footage():
    beats = list(range(5, 400, 16))
    lengths = [40, 35, 30, 28, 30]
    out = on_beats(lengths, [60] * 5, 100, beats, 12)
    assert sum(out) == sum(lengths)
    bounds = 100 + np.cumsum(out)[:-1]
    assert all(b in beats for b in bounds)
    # No room in the footage: nothing moves.
    assert on_beats(lengths, lengths, 100, beats, 12) == lengths
    # Never shorter than the shortest shot.
    assert min(on_beats([13, 40, 13], [80] * 3, 0, [2, 30, 60], 12)) >= 12


def test_grid_puts_a_beat_on_the_hit_and_sections_rise():
    grid = beat_grid(120, 27.5, 0.0, 30.0)
    assert 27.5 in grid and np.allclose(np.diff(grid), 0.5)
    assert [level for _, level in sections([3.0, 12.0, 20.0])] == [0, 1, 2, 3]


def test_bed_is_the_same_for_the_same_plan_and_kicks_on_its_beats():
    grid = beat_grid(110, 12.0, 0.0, 14.0)
    args = (14.0, RATE, grid, 0, ((0.0, 1), (6.0, 3)), 12.0, 7)
    one, two = bed(*args), bed(*args)
    assert np.array_equal(one, two) and one.shape == (14 * RATE, 2)
    assert not np.array_equal(one, bed(*args[:-1], 8))
    low = np.convolve(one.mean(axis=1) ** 2, np.ones(480) / 480, "same")  # 10 ms energy
    on = [low[round(t * RATE) : round((t + 0.05) * RATE)].max() for t in grid if 1 < t < 11]
    off = [low[round((t + 0.22) * RATE) : round((t + 0.27) * RATE)].max()
           for t in grid if 1 < t < 11]  # fmt: skip
    assert np.median(on) > 4 * np.median(off)


def test_ducking_is_full_under_speech_and_moves_without_steps():
    gain = duck_gain(RATE * 4, RATE, ((1.0, 2.0),), 15.0)
    db = 20 * np.log10(gain)
    assert np.allclose(db[RATE : 2 * RATE], -15.0)
    assert db[round((1.0 - DUCK_ATTACK - 0.01) * RATE)] == 0.0 and db[-1] == 0.0
    assert np.abs(np.diff(db)).max() < 0.01  # dB per sample: a fade, never a step


def test_a_missing_or_unreadable_music_file_is_one_clear_line(tmp_path):
    from tests.conftest import SAMPLE_FOOTAGE, assert_clean_failure, run_cli

    out = tmp_path / "out"
    missing = run_cli(str(SAMPLE_FOOTAGE), "--music", str(tmp_path / "x.mp3"), "-o", str(out))
    assert_clean_failure(missing, out, "x.mp3", "no such music file")
    text = tmp_path / "notes.mp3"
    text.write_text("not a sound")
    unreadable = run_cli(str(SAMPLE_FOOTAGE), "--music", str(text), "-o", str(out))
    assert_clean_failure(unreadable, out, "notes.mp3", "not a readable sound file")
