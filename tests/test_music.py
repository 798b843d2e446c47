"""Music in the edit: cuts moved onto beats within what the footage holds, a bed that is the
same for the same plan and puts its kicks on the planned beats, ducking that moves smoothly."""

from __future__ import annotations

import dataclasses

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


def test_cuts_are_placed_together_when_one_alone_cannot_reach_a_beat():
    # The first cut cannot reach the beat after it (its shot has no footage for it); alone
    # it stays off the beat. Placed with the next ones, all go one beat earlier.
    beats = list(range(0, 400, 18))
    lengths = [59, 37, 36, 36, 92]
    capacity = [59, 50, 50, 50, 130]
    out = on_beats(lengths, capacity, 97, beats, 12)
    bounds = 97 + np.cumsum(out)[:-1]
    assert sum(out) == sum(lengths) and all(b in beats for b in bounds), bounds
    assert all(12 <= n <= c for n, c in zip(out, capacity))
    # A cut held in place (a line's edge without a J or L cut) does not move.
    held = on_beats(lengths, capacity, 97, beats, 12, [(-99, 99)] * 3 + [(0, 0)])
    assert 97 + sum(held[:4]) == 97 + sum(lengths[:4])


def test_a_music_files_beats_are_the_ones_found_from_where_it_starts():
    from editor.assemble.music import plan_music
    from editor.preset import load_preset
    from editor.sound.beats import BeatTrack

    preset = load_preset("teaser")
    music = dataclasses.replace(preset.music, file="/x.wav", start=3.0)
    preset = dataclasses.replace(preset, music=music)
    track = BeatTrack(120.0, tuple(-0.25 + 0.5 * k for k in range(40)), 2)
    music = plan_music(preset, 0, 15.0, 13.0, [], track)
    assert music.source == "/x.wav" and music.src_in == 3.0 and music.bpm == 120.0
    assert music.beats[0] == 0.25 and music.beats[-1] < 15.0  # none before 0 or after the end
    # the first bar starts on track beat 2 (t=0.75): the kept beats start at track beat 1
    assert music.beats[music.downbeat] == 0.75
    assert plan_music(preset, 0, 15.0, 13.0, [], None).beats == ()


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
