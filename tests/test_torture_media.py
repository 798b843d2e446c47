"""Every hostile file of the torture corpus through the real CLI: probe, scenes, reframe and
the main job. Each ends in a correct output or in one line naming the file, never a traceback.
"""

from __future__ import annotations

import itertools
import json
import subprocess

import numpy as np
import pytest

from editor.media.container import open_input
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import probe
from fixtures.torture import CASES
from tests.conftest import assert_clean_failure, run_cli

DISPLAY_SIZES = {
    "rotate_90": (180, 320),
    "rotate_270": (180, 320),
    "odd_size": (1279, 719),
    "portrait": (404, 720),
    "square": (720, 720),
    "uhd": (3840, 2160),
    "interlaced": (640, 360),
}
"""Upright picture sizes; every other readable case is 320x180."""
SHORT = (288, 512, 15.0, 5.0)
"""Width, height, fps and duration of the torture preset's output (tests/conftest.py)."""

readable = [c for c in CASES if c.readable]
unreadable = [c for c in CASES if not c.readable]


def ids(cases):
    return [c.name for c in cases]


def decoded_frames(path) -> int:
    """Frames a decoder gets out of ``path``; raises if any packet is damaged."""
    with open_input(path) as container:
        return sum(1 for _ in container.decode(container.streams.video[0]))


def stereo_pcm(path, sample_format: str = "flt") -> np.ndarray:
    """The first sound stream of ``path`` as 48 kHz stereo, mixed down by ffmpeg, as floats.

    ``sample_format="s16"`` asks ffmpeg for 16 bits, for which it scales a downmix so that
    it cannot clip: the reference for a careful downmix.
    """
    codec = {"flt": ("f32le", np.float32, 1.0), "s16": ("s16le", np.int16, 32768.0)}
    muxer, dtype, full_scale = codec[sample_format]
    cmd = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0"]
    cmd += ["-ac", "2", "-ar", "48000", "-f", muxer, "-"]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype).reshape(-1, 2) / full_scale


def assert_video(path, width: int, height: int, fps: float, seconds: float) -> None:
    """A complete output: the size and length asked for, every frame decodable, sound."""
    media = probe(path)
    assert (media.width, media.height) == (width, height)
    assert media.fps == pytest.approx(fps, abs=0.01)
    assert abs(media.duration - seconds) <= 1.5 / fps
    assert decoded_frames(path) == round(seconds * fps)
    assert media.has_audio


@pytest.mark.parametrize("case", readable, ids=ids(readable))
def test_probe_reads_it(torture, case):
    result = run_cli("probe", str(torture[case.name]))
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert (facts["width"], facts["height"]) == DISPLAY_SIZES.get(case.name, (320, 180))
    assert facts["frame_count"] >= 1


@pytest.mark.parametrize("case", unreadable, ids=ids(unreadable))
@pytest.mark.parametrize("command", [["probe"], ["scenes"], ["reframe"], []])
def test_unreadable_file_is_one_line(torture, tmp_path, case, command):
    out = tmp_path / "out"
    target = ["-o", str(out / "x.mp4")] if command == ["reframe"] else ["-o", str(out)]
    target = [] if command in (["probe"], ["scenes"]) else target
    result = run_cli(*command, str(torture[case.name]), *target)
    assert_clean_failure(result, out, case.file, case.error)


@pytest.mark.parametrize("case", readable, ids=ids(readable))
def test_scenes_cover_the_file(torture, case):
    result = run_cli("scenes", str(torture[case.name]), "--json")
    assert result.returncode == 0, result.stderr
    shots = json.loads(result.stdout)["scenes"]
    media = probe(torture[case.name])
    assert shots[0]["start_frame"] == 0
    assert shots[-1]["end_frame"] <= media.frame_count
    assert all(a["end_frame"] == b["start_frame"] for a, b in itertools.pairwise(shots))


@pytest.mark.parametrize("case", readable, ids=ids(readable))
def test_reframe_renders_it(torture, tmp_path, case):
    source = torture[case.name]
    out = tmp_path / "vertical.mp4"
    result = run_cli("reframe", str(source), "--size", "288x512", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    media = probe(source)
    assert_video(out, 288, 512, media.fps, round(media.duration * media.fps) / media.fps)
    assert [p.name for p in tmp_path.iterdir()] == ["vertical.mp4"]


@pytest.mark.parametrize("case", readable, ids=ids(readable))
def test_main_job_cuts_it(torture, tmp_path, short_preset, case):
    out = tmp_path / "out"
    result = run_cli(str(torture[case.name]), "--preset", str(short_preset), "-o", str(out))
    if not case.enough:
        assert_clean_failure(result, out, case.file, "not enough usable footage")
        return
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    stem = torture[case.name].stem
    assert_video(out / f"{stem}_short.mp4", *SHORT)
    assert (out / f"{stem}_short.edl.json").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_surround_is_mixed_down_like_ffmpeg_without_clipping(torture, tmp_path):
    """5.1 at 96 kHz comes out as stereo as loud as ffmpeg's own downmix, and never clips."""
    source = torture["surround_96k"]
    out = tmp_path / "vertical.mp4"
    result = run_cli("reframe", str(source), "--size", "288x512", "-o", str(out))
    assert result.returncode == 0, result.stderr
    ours, careful = stereo_pcm(out), stereo_pcm(source, "s16")
    assert np.abs(stereo_pcm(source)).max() > 1.0  # a plain sum of the channels clips
    n = min(len(ours), len(careful))
    level = 20 * np.log10(np.sqrt(np.mean(ours[:n] ** 2)) / np.sqrt(np.mean(careful[:n] ** 2)))
    assert abs(level) <= 1.0, f"{level:+.1f} dB against ffmpeg's downmix"
    assert np.abs(ours).max() < 0.9


def test_damaged_packets_are_skipped_not_fatal(torture):
    """Garbage in the middle of a stream costs the frames it hides, not the whole file."""
    garbage = torture["garbage"]
    with pytest.raises(Exception):  # noqa: B017 - PyAV's own error for a damaged packet
        decoded_frames(garbage)
    result = run_cli("scenes", str(garbage), "--json")
    assert result.returncode == 0, result.stderr
    scenes, media = json.loads(result.stdout)["scenes"], probe(garbage)
    assert scenes[-1]["end"] == pytest.approx(media.duration, abs=0.05)  # true times go on
    assert scenes[-1]["end_frame"] >= 0.75 * media.frame_count  # until the next keyframe
