"""Shared test fixtures: paths to footage, the bundled sample footage, a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from editor.analysis.model import Analysis, no_faces, shots_from_cuts
from editor.media.probe import Media

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FOOTAGE = ROOT / "fixtures" / "footage"
SHARED_FOOTAGE = Path(os.environ.get("AUTOCUT_FOOTAGE", ROOT.parent / "shared" / "footage"))


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests never read or fill the user's analysis cache: they get one of their own."""
    previous = os.environ.get("AUTOCUT_CACHE_DIR")
    os.environ["AUTOCUT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("AUTOCUT_CACHE_DIR", None)
    else:
        os.environ["AUTOCUT_CACHE_DIR"] = previous


def shared_clip(name: str) -> Path:
    """A real clip from the shared footage folder; skips the test where it is absent."""
    path = SHARED_FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"shared footage not available: {path}")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``autocut`` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "editor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=900,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, outdir: Path, *words: str) -> None:
    """A user's mistake: exit 1, one stderr line naming ``words``, no traceback, and nothing
    left in ``outdir`` (not even a hidden temporary file beside it)."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    assert not outdir.exists() or not any(outdir.iterdir())
    if outdir.parent.exists():
        assert not [p for p in outdir.parent.iterdir() if p.name.startswith(".")]


def fake_analysis(
    brightness: list[float],
    motion: list[float],
    cuts: list[int],
    fps: float = 30.0,
    faces: np.ndarray | None = None,
    size: tuple[int, int] = (1280, 720),
    bands: np.ndarray | None = None,
    audio_level: np.ndarray | None = None,
    detail: list[float] | None = None,
) -> Analysis:
    """An Analysis made of plain numbers, for testing planners without media."""
    n = len(brightness)
    media = Media(
        path=Path("source.mp4"), container="mp4", video_codec="h264", pixel_format="yuv420p",
        width=size[0], height=size[1], coded_width=size[0], coded_height=size[1], rotation=0,
        fps=fps, fps_fraction=f"{int(fps)}/1", variable_fps=False, frame_count=n,
        duration=n / fps, start_time=0.0, audio=(),
    )  # fmt: skip
    times = np.arange(n) / fps
    return Analysis(
        media=media,
        times=times,
        cuts=tuple(cuts),
        shots=shots_from_cuts(cuts, times, n / fps),
        brightness=np.asarray(brightness, np.float32),
        motion=np.asarray(motion, np.float32),
        face_boxes=no_faces() if faces is None else faces,
        motion_bands=np.zeros((n, 16), np.float32) if bands is None else bands,
        audio_level=np.full(n, -100.0, np.float32) if audio_level is None else audio_level,
        detail=np.full(n, 20.0, np.float32) if detail is None else np.asarray(detail, np.float32),
    )


SHORT_PRESET = """\
name = "short"
description = "5 s edit at a small size: the main job on hostile footage, quickly"
duration = 5.0

[output]
width = 288
height = 512
fps = 15.0
video_bitrate_kbps = 600
audio_bitrate_kbps = 64
x264_preset = "ultrafast"

[cards]
title = 0.0
end = 1.0

[[acts]]
name = "run"
share = 1.0
first_shot = 1.0
last_shot = 0.8
"""
"""A preset for the torture tests: a real edit (shots, end card, sound) that renders fast."""


@pytest.fixture(scope="session")
def short_preset(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("presets") / "short.toml"
    path.write_text(SHORT_PRESET, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def torture(tmp_path_factory) -> dict[str, Path]:
    """Every case of the generated torture corpus, by name (built once per session)."""
    from fixtures.torture import build_all

    return build_all(tmp_path_factory.mktemp("torture"))


SHORT = (
    'name = "short"\ndescription = "six seconds"\nduration = 6\n[cards]\ntitle = 0\nend = 1.5\n'
    "[hook]\nmax_length = 1.5\n[output]\nwidth = 360\nheight = 640\n"
)
"""A six-second preset at 360x640: series runs that stay quick."""
SERIES_EXPORTS = ("--export", "otio", "--export", "edl")
"""The hand-off files the series run of :func:`series_run` writes beside each output."""
SUBTITLE_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "subtitles"


@pytest.fixture(scope="session")
def series_run(tmp_path_factory):
    """Four episodes, one of them not a video, the dialogue scene with its English lines
    beside it."""
    root = tmp_path_factory.mktemp("series")
    series = root / "series"
    series.mkdir()
    for name, clip in (("ep01", "clip_a"), ("ep02", "clip_d"), ("ep04", "clip_c")):
        shutil.copy(SAMPLE_FOOTAGE / f"{clip}.mp4", series / f"{name}.mp4")
    shutil.copy(SUBTITLE_FIXTURES / "clip_d.en.srt", series / "ep02.en.srt")
    (series / "ep03.mp4").write_bytes(b"\x00not a video" * 300)
    preset = root / "short.toml"
    preset.write_text(SHORT)
    out = root / "out"
    result = run_cli(str(series), "--each", "file", "--preset", str(preset), "-o", str(out),
                     *SERIES_EXPORTS)  # fmt: skip
    return series, out, result
