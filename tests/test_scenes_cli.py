"""``autocut scenes``: the shot list as JSON or CSV, and one file per shot with ``--split``.

The detected cuts (``--json``) are the reference: the split files are checked against them
by decoding, frame by frame, not against any particular detector's choices.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import SAMPLE_FOOTAGE, assert_clean_failure, run_cli

CLIPS = ["clip_a.mp4", "clip_c.mp4"]
THUMB = (64, 36)


@pytest.fixture(scope="module", autouse=True)
def _own_cache(tmp_path_factory):
    """Analyses go to a cache folder of this module's own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOCUT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def scenes_json(video: Path) -> dict:
    result = run_cli("scenes", str(video), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def thumbnails(path: Path) -> list[np.ndarray]:
    """Every decoded frame of ``path``, as a small grey picture."""
    with av.open(str(path)) as container:
        return [
            frame.to_ndarray(width=THUMB[0], height=THUMB[1], format="gray").astype(np.float32)
            for frame in container.decode(video=0)
        ]


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


@pytest.fixture(scope="module", params=CLIPS)
def split_run(request, tmp_path_factory):
    """(source, scene JSON, split folder, stdout lines) for one sample clip."""
    source = SAMPLE_FOOTAGE / request.param
    scenes = scenes_json(source)
    outdir = tmp_path_factory.mktemp("split") / "shots"
    result = run_cli("scenes", str(source), "--split", str(outdir))
    assert result.returncode == 0, result.stderr
    return source, scenes, outdir, result.stdout.splitlines()


def test_split_writes_one_named_file_per_shot(split_run):
    source, scenes, outdir, printed = split_run
    expected = [f"{source.stem}-shot-{n:03d}.mp4" for n in range(1, len(scenes["scenes"]) + 1)]
    assert sorted(p.name for p in outdir.iterdir()) == expected
    assert printed == [str(outdir / name) for name in expected]
    assert not [p for p in outdir.parent.iterdir() if p.name.startswith(".")]


def test_split_files_hold_exactly_the_source_frames_of_their_shot(split_run):
    source, scenes, outdir, _ = split_run
    frames = thumbnails(source)
    assert len(frames) == scenes["frame_count"]
    total = 0
    for number, shot in enumerate(scenes["scenes"], start=1):
        part = thumbnails(outdir / f"{source.stem}-shot-{number:03d}.mp4")
        total += len(part)
        assert len(part) == shot["end_frame"] - shot["start_frame"], number
        for got, at in ((part[0], shot["start_frame"]), (part[-1], shot["end_frame"] - 1)):
            same = mad(got, frames[at])
            neighbours = [mad(got, frames[i]) for i in (at - 1, at + 1) if 0 <= i < len(frames)]
            assert same < 2.0, (number, at, same)
            assert same <= min(neighbours) + 0.5, (number, at, same, neighbours)
    assert total == len(frames)


def test_split_files_are_h264_with_the_source_size_rate_and_colours(split_run):
    source, _, outdir, _ = split_run
    colour = ("colorspace", "color_range", "color_primaries", "color_trc")
    with av.open(str(source)) as container:
        original = container.streams.video[0]
        size = (original.width, original.height)
        fps = float(original.average_rate)
        tags = [getattr(original.codec_context, name) for name in colour]
    for path in outdir.iterdir():
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            assert video.codec_context.name == "h264"
            assert video.codec_context.profile == "High"
            assert (video.width, video.height) == size
            assert float(video.average_rate) == pytest.approx(fps, rel=1e-3)
            assert [getattr(video.codec_context, name) for name in colour] == tags
            assert container.streams.audio[0].codec_context.name == "aac"


@pytest.mark.parametrize("clip", CLIPS)
def test_csv_rows_match_the_json(clip):
    source = SAMPLE_FOOTAGE / clip
    scenes = scenes_json(source)
    result = run_cli("scenes", str(source), "--csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "shot,start_frame,end_frame,start,end,duration"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(scenes["scenes"])
    for number, (row, shot) in enumerate(zip(rows, scenes["scenes"]), start=1):
        assert int(row["shot"]) == number
        assert int(row["start_frame"]) == shot["start_frame"]
        assert int(row["end_frame"]) == shot["end_frame"]
        for column in ("start", "end", "duration"):
            assert len(row[column].split(".")[1]) == 6
        assert float(row["start"]) == pytest.approx(shot["start"], abs=5e-7)
        assert float(row["end"]) == pytest.approx(shot["end"], abs=5e-7)
        assert float(row["duration"]) == pytest.approx(shot["end"] - shot["start"], abs=1e-6)
    assert rows[0]["start_frame"] == "0"
    assert int(rows[-1]["end_frame"]) == scenes["frame_count"]


def test_split_copy_writes_playable_files_as_long_as_the_source(tmp_path):
    source = SAMPLE_FOOTAGE / "clip_a.mp4"
    shots = len(scenes_json(source)["scenes"])
    outdir = tmp_path / "copies"
    result = run_cli("scenes", str(source), "--split", str(outdir), "--copy")
    assert result.returncode == 0, result.stderr
    files = sorted(outdir.iterdir())
    assert 1 <= len(files) <= shots
    assert result.stdout.splitlines() == [str(p) for p in files]
    total = 0.0
    for path in files:
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            frames = list(container.decode(video))
            assert frames, path
            total += len(frames) / float(video.average_rate)
    with av.open(str(source)) as container:
        duration = container.duration / 1e6
    assert total == pytest.approx(duration, abs=0.1)


def test_split_with_json_keeps_stdout_for_the_json(tmp_path):
    source = SAMPLE_FOOTAGE / "clip_c.mp4"
    outdir = tmp_path / "shots"
    result = run_cli("scenes", str(source), "--json", "--split", str(outdir), "--copy")
    assert result.returncode == 0, result.stderr
    scenes = json.loads(result.stdout)
    assert scenes["video"] == str(source)
    assert result.stderr.splitlines() == [str(p) for p in sorted(outdir.iterdir())]


@pytest.mark.parametrize("copy", [[], ["--copy"]])
def test_text_file_named_mp4(tmp_path, copy):
    fake, outdir = tmp_path / "clip.mp4", tmp_path / "shots"
    fake.write_text("this is not a video\n")
    result = run_cli("scenes", str(fake), "--split", str(outdir), *copy)
    assert_clean_failure(result, outdir, str(fake), "not a readable video file")


@pytest.mark.parametrize("listing", [[], ["--json"], ["--csv"]])
def test_missing_file(tmp_path, listing):
    missing, outdir = tmp_path / "nowhere.mp4", tmp_path / "shots"
    result = run_cli("scenes", str(missing), "--split", str(outdir), *listing)
    assert_clean_failure(result, outdir, str(missing), "no such file")
    assert result.stdout == ""


def test_split_into_a_file(tmp_path):
    taken = tmp_path / "shots"
    taken.write_text("")
    result = run_cli("scenes", str(SAMPLE_FOOTAGE / "clip_a.mp4"), "--split", str(taken))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "is a file, not a folder" in result.stderr
    assert taken.read_text() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell script as ffmpeg")
def test_failed_ffmpeg_leaves_nothing_behind(tmp_path, monkeypatch):
    """ffmpeg writes a first file, then fails: no shot file and no temporary folder remain."""
    fake = tmp_path / "ffmpeg"
    fake.write_text(
        '#!/bin/sh\nfor last; do :; done\nprintf x > "$(printf "$last" 1)"\n'
        'echo "Conversion failed!" >&2\nexit 1\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    outdir = tmp_path / "out" / "shots"
    source = SAMPLE_FOOTAGE / "clip_a.mp4"
    scenes_json(source)  # analysed (and cached) with the real ffmpeg nowhere involved
    monkeypatch.setenv("AUTOCUT_FFMPEG", str(fake))
    result = run_cli("scenes", str(source), "--split", str(outdir))
    assert_clean_failure(result, outdir, str(source), "Conversion failed!")
    assert not (tmp_path / "out").exists(), "the folders made for the split are removed again"


def test_copy_needs_split():
    result = run_cli("scenes", str(SAMPLE_FOOTAGE / "clip_a.mp4"), "--copy")
    assert result.returncode == 2 and "--split" in result.stderr
