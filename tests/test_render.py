"""The vertical renderer on real files: frame counts, sound in sync, delivery spec, options.

Sync is measured independently of how the renderer lines sound up: the source's sound level
is read with its own timestamps relative to the first picture, the output's likewise, and
the two envelopes must match best at a lag of at most one frame.
"""

from __future__ import annotations

import dataclasses
import json

import av
import numpy as np
import pytest

from editor.analysis.cache import analyse_file
from editor.analysis.signals import AudioLevels
from editor.media.check import PLATFORMS, Facts, read_facts, violations
from editor.media.ffmpeg import run_ffmpeg
from editor.media.probe import probe
from editor.reframe.planner import plan_reframe
from editor.render.frames import crop_layout
from editor.render.reframe import (
    RenderOptions,
    layout,
    outputs_before,
    render_plan,
    source_pictures,
    to_planes,
)
from tests.conftest import SAMPLE_FOOTAGE, run_cli, shared_clip

RATE = 16000
BIN = 0.01


def sound_envelope(path, seconds: float) -> np.ndarray:
    """Sound level (dB) per 10 ms from the file's first picture on, ``seconds`` long."""
    levels = AudioLevels(RATE)
    media = probe(path)
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        for frame in container.decode(stream):
            start = float(frame.time) - media.start_time
            for out in resampler.resample(frame):
                levels.add(out.to_ndarray().reshape(-1), start)
                start += out.samples / RATE
    return levels.levels(np.arange(0, seconds, BIN), seconds)


def best_lag(reference: np.ndarray, other: np.ndarray, reach: int = 30) -> int:
    """The shift (in bins) of ``other`` against ``reference`` where they agree best."""
    n = min(len(reference), len(other)) - 2 * reach
    a = reference[reach : reach + n] - reference[reach : reach + n].mean()
    scores = []
    for lag in range(-reach, reach + 1):
        b = other[reach + lag : reach + lag + n]
        b = b - b.mean()
        scores.append(float((a * b).sum() / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9)))
    return int(np.argmax(scores)) - reach


def render(path, out, **options):
    analysis = analyse_file(path)
    plan = plan_reframe(analysis)
    render_plan(analysis.media, plan, out, options=RenderOptions(**options))
    return analysis, probe(out)


# -- rules on numbers --------------------------------------------------------------------------


def test_a_variable_rate_source_is_resampled_by_time():
    assert [outputs_before(t, 30) for t in (0.0, 1 / 30, 2 / 30, 0.1)] == [0, 1, 2, 3]
    # a frame shown for three output frames' time (dropped frames) fills all three
    assert outputs_before(5 / 30, 30) - outputs_before(2 / 30, 30) == 3
    assert outputs_before(1 / 30 + 0.004, 30) == 1  # timestamp jitter moves nothing


GOOD = Facts(
    container="mov,mp4,m4a,3gp,3g2,mj2", faststart=True, video_codec="h264", profile="High",
    pixel_format="yuv420p", width=1080, height=1920, fps=30.0, constant_rate=True,
    max_keyframe_gap=15, first_is_keyframe=True, colorspace="bt709", color_range="tv",
    video_seconds=30.0, video_kbps=6000, audio_codec="aac", audio_profile="LC",
    audio_rate=48000, audio_channels=2, audio_seconds=30.01,
)  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"faststart": False}, {"video_codec": "hevc"}, {"profile": "Main"},
        {"pixel_format": "yuv444p"}, {"colorspace": "smpte170m"}, {"constant_rate": False},
        {"max_keyframe_gap": 30}, {"first_is_keyframe": False}, {"width": 1920, "height": 1080},
        {"width": 480, "height": 854}, {"video_seconds": 700.0, "audio_seconds": 700.0},
        {"video_seconds": 0.5, "audio_seconds": 0.5}, {"video_kbps": 50000},
        {"audio_profile": "HE-AAC"}, {"audio_rate": 44100}, {"audio_seconds": 29.5},
        {"fps": 15.0, "max_keyframe_gap": 8},
    ],
)  # fmt: skip
def test_each_broken_rule_is_named(change):
    assert all(not violations(GOOD, p) for p in PLATFORMS.values())
    broken = dataclasses.replace(GOOD, **change)
    assert any(violations(broken, p) for p in PLATFORMS.values()), change


def test_no_sound_at_all_is_allowed_and_limits_differ_by_platform():
    silent = dataclasses.replace(GOOD, audio_codec=None, audio_profile=None, audio_seconds=0)
    assert not violations(silent, PLATFORMS["shorts"])
    long = dataclasses.replace(GOOD, video_seconds=300.0, audio_seconds=300.0)
    assert not violations(long, PLATFORMS["tiktok"]) and violations(long, PLATFORMS["shorts"])


# -- real files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["short_hamilton_clip.mp4", "issue-134-rotate.mp4", "street_couple_50fps.avi"],
)
def test_frames_one_to_one_and_sound_in_sync(name, tmp_path):
    source = shared_clip(name)
    analysis, out = render(source, tmp_path / "out.mp4")
    media = analysis.media
    assert out.frame_count == media.frame_count  # one output frame per source frame
    assert not out.variable_fps and out.fps == pytest.approx(media.fps, rel=1e-4)
    assert (out.width, out.height) == (1080, 1920) and out.rotation == 0
    seconds = out.frame_count / out.fps
    lag = best_lag(sound_envelope(source, seconds), sound_envelope(tmp_path / "out.mp4", seconds))
    assert abs(lag) * BIN <= 1 / media.fps, f"sound off by {lag * BIN * 1000:.0f} ms"
    facts = read_facts(tmp_path / "out.mp4")
    assert all(not violations(facts, p) for p in PLATFORMS.values()), facts


def test_variable_rate_input_becomes_constant_without_drift(tmp_path):
    source = shared_clip("goldeneye-vfr-drop3.mp4")
    analysis, out = render(source, tmp_path / "out.mp4")
    media = analysis.media
    assert media.variable_fps and not out.variable_fps
    assert out.fps == pytest.approx(24000 / 1001, rel=1e-4)
    assert out.frame_count == round(media.duration * out.fps)
    assert abs(out.frame_count / out.fps - media.duration) <= 1 / out.fps
    # picture timing: each output frame is the layout of the source frame on screen then
    plan = plan_reframe(analysis)
    source_times, source_light = [], []
    for index, (time, picture) in enumerate(source_pictures(media)):
        source_times.append(time)
        source_light.append(float(layout(picture, plan, index)[0].mean()))
    with av.open(str(tmp_path / "out.mp4")) as container:
        out_light = [float(to_planes(f)[0].mean()) for f in container.decode(video=0)]
    shown = [
        int(np.searchsorted(source_times, (k + 0.5) / out.fps, side="right")) - 1
        for k in range(out.frame_count)
    ]
    expected = np.asarray(source_light)[shown]
    got = np.asarray(out_light)
    assert np.abs(got - expected).mean() < 1.5  # luma levels: encoding loss only
    off_by_one = np.asarray(source_light)[np.clip(np.asarray(shown) + 1, 0, len(source_light) - 1)]
    assert np.abs(got - expected).mean() < np.abs(got - off_by_one).mean()
    facts = read_facts(tmp_path / "out.mp4")
    assert facts.audio_codec == "aac"  # a silent track where the source has none
    assert all(not violations(facts, p) for p in PLATFORMS.values()), facts


def test_a_delayed_start_without_sound_and_no_audio_option(tmp_path):
    source = shared_clip("delayed_start.mp4")
    analysis, out = render(source, tmp_path / "out.mp4", audio="none")
    assert out.frame_count == analysis.media.frame_count and not out.has_audio
    assert out.start_time == 0.0


@pytest.mark.parametrize("size", ["720x1280", "1080x1080", "1080x1350"])
def test_other_sizes_pass_the_platform_check(size, tmp_path):
    out = tmp_path / "out.mp4"
    result = run_cli("reframe", str(SAMPLE_FOOTAGE / "clip_b.mp4"), "-o", str(out), "--size", size)
    assert result.returncode == 0, result.stderr
    media = probe(out)
    assert f"{media.width}x{media.height}" == size and media.frame_count == 360
    checked = run_cli("check", str(out))
    assert checked.returncode == 0, checked.stdout
    assert "ok for tiktok, reels, shorts" in checked.stdout


def test_check_lists_violations_and_fails(tmp_path):
    result = run_cli("check", str(shared_clip("friday.mp4")), "--platform", "shorts")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any("profile is Main" in line for line in lines)
    assert any("44100 Hz" in line for line in lines)
    assert all(line.startswith(str(shared_clip("friday.mp4"))) for line in lines)
    missing = run_cli("check", str(tmp_path / "nothing.mp4"))
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_an_edited_plan_is_rendered_as_written(tmp_path):
    clip = SAMPLE_FOOTAGE / "clip_a.mp4"
    plan_path, first = tmp_path / "plan.json", tmp_path / "first.mp4"
    assert (
        run_cli("reframe", str(clip), "-o", str(first), "--plan-out", str(plan_path)).returncode
        == 0
    )
    plan = json.loads(plan_path.read_text())
    for frame in plan["frames"]:  # the editor moves every window hard left
        frame["layout"] = "crop"
        frame["boxes"] = [[0, 0, 404, 720]]
    plan_path.write_text(json.dumps(plan))
    edited = tmp_path / "edited.mp4"
    result = run_cli("reframe", str(clip), "-o", str(edited), "--plan", str(plan_path))
    assert result.returncode == 0, result.stderr
    media = probe(clip)
    expected = crop_layout(next(source_pictures(media))[1], (0, 0, 404, 720), (1080, 1920))
    with av.open(str(edited)) as container:
        got = to_planes(next(container.decode(video=0)))
    assert np.abs(got[0].astype(float) - expected[0]).mean() < 3

    plan["frames"] = plan["frames"][:10]
    plan_path.write_text(json.dumps(plan))
    short = run_cli("reframe", str(clip), "-o", str(tmp_path / "x.mp4"), "--plan", str(plan_path))
    assert short.returncode == 1 and "plans 10 frames" in short.stderr
    assert short.stderr.count("\n") == 1 and not (tmp_path / "x.mp4").exists()
    plan_path.write_text("{not json")
    broken = run_cli("reframe", str(clip), "-o", str(tmp_path / "x.mp4"), "--plan", str(plan_path))
    assert broken.returncode == 1 and "not a reframe plan" in broken.stderr


@pytest.mark.parametrize(
    ("size", "codec", "pix_fmt"),
    [
        ("721x721", "libx264", "yuv444p"),  # square, odd, not 4:2:0
        ("720x1280", "libx264", "yuv420p"),  # portrait
        ("1279x719", "mjpeg", "yuvj420p"),  # odd 4:2:0 in full range
    ],
)
def test_odd_square_portrait_and_full_range_sources(size, codec, pix_fmt, tmp_path):
    source = tmp_path / f"source_{size}.mp4"
    run_ffmpeg(
        ["-i", str(SAMPLE_FOOTAGE / "clip_a.mp4"), "-t", "3.5", "-vf", f"scale={size}",
         "-c:v", codec, "-pix_fmt", pix_fmt, "-c:a", "aac", str(source)],
        what=source,
    )  # fmt: skip
    analysis, out = render(source, tmp_path / "out.mp4")
    assert out.frame_count == analysis.media.frame_count == 105
    assert (out.width, out.height) == (1080, 1920)
    facts = read_facts(tmp_path / "out.mp4")
    assert all(not violations(facts, p) for p in PLATFORMS.values()), facts
    # limited range out whatever came in: black stays at 16, not below
    with av.open(str(tmp_path / "out.mp4")) as container:
        luma = to_planes(next(container.decode(video=0)))[0]
    assert int(np.percentile(luma, 1)) >= 10 and int(np.percentile(luma, 99)) <= 240
