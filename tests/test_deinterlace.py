"""Interlaced sources render as whole pictures: no comb teeth, times and counts unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from editor.media.container import open_input
from editor.media.ffmpeg import run_ffmpeg
from editor.media.probe import probe
from editor.render.deinterlace import progressive
from editor.render.reframe import source_pictures

MOVING = "testsrc2=size=640x360:rate=60,format=yuv420p"
"""A picture full of moving edges, 60 pictures a second: two of them make one interlaced
frame, so its fields really differ."""


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> tuple[Path, Path]:
    """An interlaced 30 fps clip (top field first) and the 60 fps progressive original."""
    folder = tmp_path_factory.mktemp("interlaced")
    original, woven = folder / "original.mp4", folder / "woven.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", MOVING, "-t", "1", "-c:v", "libx264", "-qp", "0",
                str(original)], what=original)  # fmt: skip
    run_ffmpeg(["-i", str(original), "-vf", "tinterlace=mode=interleave_top,setfield=tff",
                "-flags", "+ildct+ilme", "-x264opts", "tff=1", "-c:v", "libx264", "-crf", "10",
                str(woven)], what=woven)  # fmt: skip
    return woven, original


def _luma(frames) -> list[np.ndarray]:
    return [f.to_ndarray(format="gray").astype(np.float32) for f in frames]


def _combing(luma: np.ndarray) -> float:
    """How far each line is from the mean of its neighbours: comb teeth make it large."""
    return float(np.abs(luma[1:-1] - (luma[:-2] + luma[2:]) / 2).mean())


def test_fields_are_woven_back_into_pictures(clips):
    woven, original = clips
    with open_input(woven) as container:
        raw = list(container.decode(video=0))
        assert all(f.interlaced_frame for f in raw)
        raw_times, raw_luma = [f.time for f in raw], _luma(raw)
    with open_input(woven) as container:
        done = list(progressive(container.decode(video=0)))
        times, luma = [f.time for f in done], _luma(done)
    with open_input(original) as container:
        pictures = _luma(container.decode(video=0))
    truth, later = pictures[::2], pictures[1::2]  # where each frame's top and bottom came from
    assert times == raw_times  # one picture per stored frame, at the same times
    assert np.mean([_combing(y) for y in luma]) < 0.5 * np.mean([_combing(y) for y in raw_luma])
    # Where the picture moves between the two fields, the result is far nearer the picture
    # its top field came from than the woven frame is.
    moving = [np.abs(t - n) > 10 for t, n in zip(truth, later)]
    error = np.mean([np.abs(y - t)[m].mean() for y, t, m in zip(luma, truth, moving)])
    raw_error = np.mean([np.abs(y - t)[m].mean() for y, t, m in zip(raw_luma, truth, moving)])
    assert error < 0.6 * raw_error


def test_renderer_reads_interlaced_sources_deinterlaced(clips):
    woven, _ = clips
    media = probe(woven)
    pictures = [picture[0].astype(np.float32) for _, picture in source_pictures(media)]
    assert len(pictures) == media.frame_count
    with open_input(woven) as container:
        raw = _luma(container.decode(video=0))
    assert np.mean([_combing(y) for y in pictures]) < 0.5 * np.mean([_combing(y) for y in raw])


def test_progressive_sources_pass_untouched(clips):
    _, original = clips
    with open_input(original) as container:
        frames = list(container.decode(video=0))
    assert list(progressive(iter(frames))) == frames
