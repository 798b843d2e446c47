"""A series run (``--each``): one set of outputs per episode in its own folder, a bad episode
reported on its own line while the others are made, and a summary that says it all."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from editor.assemble.edl import Edl
from editor.batch.episodes import find_episodes
from tests.conftest import SAMPLE_FOOTAGE, SHORT, run_cli

SUBTITLES = Path(__file__).resolve().parents[1] / "fixtures" / "subtitles"


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_each_file_is_an_episode_named_after_it(tmp_path):
    series = tmp_path / "series"
    a = _touch(series / "ep01.mp4")
    b = _touch(series / "extra" / "ep02.mov")
    _touch(series / ".trash" / "ep03.mp4")
    _touch(series / "notes.txt")
    episodes, problems = find_episodes([series], "file")
    assert [(e.name, e.source, e.videos, e.series) for e in episodes] == [
        ("ep01", a, (a,), series),
        ("ep02", b, (b,), series),
    ]
    assert problems == []


def test_shared_names_take_their_path_and_stay_unique(tmp_path):
    series = tmp_path / "series"
    _touch(series / "a" / "ep01.mp4")
    _touch(series / "b" / "ep01.mp4")
    _touch(series / "b" / "ep01.mov")
    names = [e.name for e in find_episodes([series], "file")[0]]
    assert names == ["a_ep01", "b_ep01", "b_ep01_"]
    assert len(set(names)) == len(names)


def test_each_folder_is_an_episode_and_loose_files_are_reported(tmp_path):
    series = tmp_path / "series"
    one = [_touch(series / "ep 01" / "a.mp4"), _touch(series / "ep 01" / "b.mp4")]
    two = [_touch(series / "ep02" / "deeper" / "c.mkv")]
    _touch(series / "empty" / "readme.txt")
    loose = _touch(series / "trailer.mp4")
    episodes, problems = find_episodes([series], "folder")
    assert [(e.name, e.source, e.videos) for e in episodes] == [
        ("ep_01", series / "ep 01", tuple(one)),
        ("ep02", series / "ep02", tuple(two)),
    ]
    assert [(p.where, p.reason) for p in problems] == [
        (str(loose), "lies in no episode folder (--each folder)")
    ]
    _, missing = find_episodes([tmp_path / "nowhere"], "folder")
    assert "no such file or folder" in str(missing[0])


def test_a_bad_episode_is_one_line_and_the_others_are_made(series_run):
    _series, out, result = series_run
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert "ep03.mp4" in line and "not a readable video" in line
    assert sorted(p.name for p in out.iterdir()) == [
        "ep01",
        "ep02",
        "ep04",
        "manifest.json",
        "report.html",
        "summary.json",
    ]
    for name in ("ep01", "ep04"):
        made = sorted(p.name for p in (out / name).iterdir())
        assert made == [f"{name}_short{s}" for s in (".edl", ".edl.json", ".jpg", ".mp4", ".otio")]
    # The dialogue episode found its subtitle file beside it: its output is captioned.
    made = sorted(p.name for p in (out / "ep02").iterdir())
    assert made == [
        f"ep02_short.en{s}" for s in (".edl", ".edl.json", ".jpg", ".mp4", ".otio", ".srt")
    ]


def test_the_hand_off_files_hold_the_cut_that_was_rendered(series_run):
    import opentimelineio as otio

    from editor.export.rates import rate_of

    _series, out, _result = series_run
    for name in ("ep01/ep01_short", "ep04/ep04_short"):
        edl = Edl.from_dict(json.loads((out / f"{name}.edl.json").read_text()))
        rate = rate_of(edl.fps)
        for suffix in (".otio", ".edl"):
            path = str(out / f"{name}{suffix}")
            read = {"rate": rate.otio_rate} if suffix == ".edl" else {}
            timeline = otio.adapters.read_from_file(path, **read)
            clips = [  # (black, reel BL, is how CMX 3600 fades a dip)
                c for c in timeline.video_tracks()[0].find_clips()
                if c.metadata.get("cmx_3600", {}).get("reel") != "BL"
            ]  # fmt: skip
            assert len(clips) == len(edl.segments), suffix
            for clip, seg in zip(clips, edl.segments):
                if suffix == ".otio":  # (CMX 3600 names a dissolve's clip in a comment)
                    url = clip.media_reference.target_url.removeprefix("file://")
                    assert Path(url).name == Path(seg.source).name
                first = clip.source_range.start_time.to_frames()
                assert abs(first - seg.src_in * edl.fps) <= 1, (suffix, first, seg.src_in)


def test_the_summary_says_what_was_made_and_how_long_each_stage_took(series_run):
    series, out, result = series_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["version"] == 1
    by_name = {e["episode"]: e for e in summary["episodes"]}
    assert list(by_name) == ["ep01", "ep02", "ep03", "ep04"]
    assert by_name["ep03"]["status"] == "failed" and "ep03.mp4" in by_name["ep03"]["error"]
    assert by_name["ep03"]["outputs"] == []
    for name in ("ep01", "ep02", "ep04"):
        episode = by_name[name]
        assert episode["status"] == "done" and episode["error"] == ""
        assert episode["inputs"] == [str(series / f"{name}.mp4")]
        assert list(episode["stages"]) == ["analysis", "plan", "render"]
        assert episode["seconds"] >= sum(episode["stages"].values()) - 1e-3
        (output,) = episode["outputs"]
        edl = Edl.from_dict(json.loads(Path(output["edl"]).read_text()))
        assert output["duration"] == pytest.approx(edl.duration, abs=1e-3)
        with av.open(output["video"]) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (360, 640)
            seconds = float(container.duration / av.time_base)
        assert seconds == pytest.approx(edl.duration, abs=0.1)
        assert Path(output["cover"]).stat().st_size > 0
    assert summary["totals"] == {
        "episodes": 4, "done": 3, "partial": 0, "failed": 1, "outputs": 3,
        "seconds": summary["totals"]["seconds"],
    }  # fmt: skip
    table = result.stdout.splitlines()
    assert table[0].split() == ["episode", "status", "outputs", "time", "notes"]
    assert [row.split()[:3] for row in table[1:5]] == [
        ["ep01", "done", "1"], ["ep02", "done", "1"],
        ["ep03", "failed", "0"], ["ep04", "done", "1"],
    ]  # fmt: skip
    assert table[5] == "3 of 4 episodes made, 3 outputs, 1 failed"
    assert table[6] == str(out / "summary.json")
    assert table[7] == str(out / "report.html")


def test_a_subtitle_file_that_fits_no_episode_stops_the_run_at_once(tmp_path):
    series = tmp_path / "series"
    series.mkdir()
    shutil.copy(SAMPLE_FOOTAGE / "clip_a.mp4", series / "ep01.mp4")
    stray = tmp_path / "pilot.th.srt"
    shutil.copy(SUBTITLES / "clip_d.th.srt", stray)
    out = tmp_path / "out"
    result = run_cli(str(series), "--each", "file", "--subs", str(stray), "-o", str(out))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "pilot.th.srt" in result.stderr and "fits no episode" in result.stderr
    assert not out.exists()


def _files(folder: Path) -> dict[str, int]:
    """Every file below ``folder`` (hidden ones too) and when it last changed."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def test_a_run_killed_outright_is_finished_by_running_it_again(tmp_path):
    """SIGKILL as soon as the first episode is finished (the next one is being made): the
    rerun keeps what the manifest holds, untouched, makes the rest, and leaves no leftovers;
    a third run makes nothing; a changed input is made again."""
    series = tmp_path / "series"
    series.mkdir()
    for name, clip in (("ep01", "clip_a"), ("ep02", "clip_b"), ("ep03", "clip_c")):
        shutil.copy(SAMPLE_FOOTAGE / f"{clip}.mp4", series / f"{name}.mp4")
    preset = tmp_path / "short.toml"
    preset.write_text(SHORT)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "editor", str(series), "--each", "file", "--preset",
               str(preset), "-o", str(out)]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.json"
    while run.poll() is None:
        if manifest.is_file() and json.loads(manifest.read_text())["episodes"]:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    run.wait()
    finished = set(json.loads(manifest.read_text())["episodes"])
    assert finished, "the first episode was recorded before the kill"
    before = _files(out)

    again = run_cli(*command[3:], "--resume")
    assert again.returncode == 0, again.stderr
    after = _files(out)
    summary = json.loads((out / "summary.json").read_text())
    kept = {e["episode"] for e in summary["episodes"] if e["kept"]}
    assert kept == finished
    assert {e["episode"] for e in summary["episodes"] if e["status"] == "done"} == {
        "ep01", "ep02", "ep03"
    }  # fmt: skip
    for name in finished:  # untouched
        for file, stamp in before.items():
            if file.startswith(f"{name}/"):
                assert after[file] == stamp, file
    assert not [f for f in after if Path(f).name.startswith(".")]  # no leftovers
    for name in ("ep01", "ep02", "ep03"):
        assert {f for f in after if f.startswith(f"{name}/")} == {
            f"{name}/{name}_short{s}" for s in (".edl.json", ".jpg", ".mp4")
        }

    third = run_cli(*command[3:])
    assert third.returncode == 0 and "3 kept from an earlier run" in third.stdout
    records = ("summary.json", "manifest.json", "report.html")
    now = _files(out)
    assert {k: v for k, v in now.items() if k not in records} == {
        k: v for k, v in after.items() if k not in records
    }

    shutil.copy(SAMPLE_FOOTAGE / "clip_d.mp4", series / "ep02.mp4")  # new footage for ep02
    fourth = run_cli(*command[3:])
    summary = json.loads((out / "summary.json").read_text())
    assert fourth.returncode == 0
    assert [e["episode"] for e in summary["episodes"] if not e["kept"]] == ["ep02"]


def test_the_series_fixture_is_episodes_and_the_damaged_files_among_them(tmp_path):
    from editor.media.probe import probe
    from fixtures.series import PIECE_SECONDS, PIECES, SIZE, bad_numbers, build

    assert bad_numbers(100, 5) == [11, 31, 51, 71, 91]
    paths = build(tmp_path, episodes=4, bad=1)
    assert [p.name for p in paths] == ["ep001.mp4", "ep002.mp4", "ep003.mp4", "ep004.mp4"]
    assert paths[2].stat().st_size == 0  # the first damaged case: an empty file
    for path in paths[:2] + paths[3:]:
        media = probe(path)
        assert (media.width, media.height) == SIZE and media.has_audio
        assert media.frame_count == round(PIECES * PIECE_SECONDS * media.fps) == 600
    assert paths[0].read_bytes() != paths[1].read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_resume_wants_a_series_run_to_go_on_with(tmp_path):
    series = tmp_path / "series"
    series.mkdir()
    shutil.copy(SAMPLE_FOOTAGE / "clip_a.mp4", series / "ep01.mp4")
    typo = tmp_path / "ouy"
    result = run_cli(str(series), "--each", "file", "--resume", "-o", str(typo))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "holds no series run to resume" in result.stderr and str(typo) in result.stderr
    assert not typo.exists()
    alone = run_cli(str(series / "ep01.mp4"), "--resume", "-o", str(typo))
    assert alone.returncode == 1 and "goes with a series run" in alone.stderr
