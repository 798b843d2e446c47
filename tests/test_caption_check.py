"""``autocut check`` on captions: lines too brief to read, and boxes outside the safe box."""

from __future__ import annotations

import dataclasses
import subprocess

from editor.assemble.edl import Caption
from editor.captions.check import caption_problems, track_lines
from editor.media.ffmpeg import ffmpeg_exe
from tests.conftest import SAMPLE_FOOTAGE, run_cli
from tests.test_caption_timing import edl, segment

SRT = """1
00:00:00,500 --> 00:00:02,500
A line anyone can read.

2
00:00:03,000 --> 00:00:03,200
Far too quick to read, this one.
"""


def _with_track(tmp_path, name: str = "delivered.mp4"):
    subs = tmp_path / "lines.srt"
    subs.write_text(SRT, encoding="utf-8")
    out = tmp_path / name
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
         "-i", str(SAMPLE_FOOTAGE / "clip_a.mp4"), "-i", str(subs), "-map", "0:v", "-map", "1:s",
         "-t", "5", "-c:v", "copy", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng",
         str(out)],
        check=True,
    )  # fmt: skip
    return out


def test_lines_too_brief_to_read_are_reported(tmp_path):
    video = _with_track(tmp_path)
    lines = track_lines(video)
    assert [(line.language, line.text) for line in lines] == [
        ("eng", "A line anyone can read."), ("eng", "Far too quick to read, this one."),
    ]  # fmt: skip
    assert abs(lines[1].start - 3.0) < 0.01 and abs(lines[1].end - 3.2) < 0.01
    (problem,) = caption_problems(video)
    assert problem.startswith("caption too brief to read (eng, 3.00-3.20 s")
    result = run_cli("check", str(video))
    assert result.returncode == 1
    assert "caption too brief to read" in result.stdout


def test_a_planned_caption_outside_the_safe_box_is_reported(tmp_path):
    video = _with_track(tmp_path)
    inside = Caption("Inside.", "en", 0.5, 2.5, (200, 1100, 600, 120), ("Inside.",), 56)
    outside = dataclasses.replace(inside, text="Under the buttons.", box=(200, 1500, 600, 120))
    plan = dataclasses.replace(edl([segment(0.0, 5.0, 0.0)], duration=5.0),
                               captions=(inside, outside))  # fmt: skip
    (tmp_path / "delivered.edl.json").write_text(plan.to_json(), encoding="utf-8")
    problems = caption_problems(video)
    assert [p for p in problems if "safe box" in p] == [
        "caption outside the safe box (en, 0.50 s, box [200, 1500, 600, 120], safe box "
        '[65, 270, 875, 980]): "Under the buttons."'
    ]
