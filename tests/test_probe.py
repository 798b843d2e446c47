"""Probing reports what a player shows: display size after rotation, true start offset."""

from __future__ import annotations

import json

import pytest

from editor.errors import AutocutError
from editor.media.probe import probe
from tests.conftest import SAMPLE_FOOTAGE, run_cli, shared_clip


def test_rotated_phone_clip_reports_display_size_and_rotation():
    result = run_cli("probe", str(shared_clip("issue-134-rotate.mp4")))
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert (info["coded_width"], info["coded_height"]) == (1280, 544)
    assert (info["width"], info["height"]) == (544, 1280)
    assert info["rotation"] == -90
    assert info["frame_count"] == 240


def test_delayed_start_offset_is_reported():
    result = run_cli("probe", str(shared_clip("delayed_start.mp4")))
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["start_time"] == pytest.approx(1.075, abs=1e-3)
    assert info["frame_count"] == 24
    assert info["audio"] == []


def test_variable_frame_rate_is_detected():
    media = probe(shared_clip("goldeneye-vfr-drop3.mp4"))
    assert media.variable_fps
    assert not probe(shared_clip("counter.mp4")).variable_fps


@pytest.mark.parametrize(
    "name", ["clip_01_tears_of_steel.mp4", "big_buck_bunny_0_30.webm", "testvideo.mp4"]
)
def test_frame_count_matches_labelled_decode(name):
    expected = json.loads((shared_clip(f"expected/{name}.expected.json")).read_text())
    assert probe(shared_clip(name)).frame_count == expected["media"]["decoded_frames"]


def test_sample_footage_probes_as_generated():
    truth = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())
    for clip in truth["clips"]:
        media = probe(SAMPLE_FOOTAGE / clip["file"])
        assert (media.width, media.height) == (truth["width"], truth["height"])
        assert media.frame_count == clip["frame_count"]
        assert media.fps == truth["fps"]
        assert media.has_audio and media.audio[0].sample_rate == 48000


def test_text_file_is_not_video(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("just some text\n")
    with pytest.raises(AutocutError, match="not a readable video file"):
        probe(fake)
