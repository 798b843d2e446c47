"""The main job on the bundled sample footage: a vertical trailer that plays everywhere."""

from __future__ import annotations

import itertools
import json

import av
import pytest

from editor.media.check import PLATFORMS, read_facts, violations
from editor.media.decode import analysis_frames
from editor.media.probe import probe
from editor.preset import load_preset
from tests.conftest import SAMPLE_FOOTAGE, run_cli


@pytest.fixture(scope="module")
def trailer_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run_cli(str(SAMPLE_FOOTAGE), "--preset", "trailer", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_only_the_final_files_are_left(trailer_dir):
    names = sorted(p.name for p in trailer_dir.iterdir())
    assert names == ["footage_trailer.edl.json", "footage_trailer.mp4"]


def test_trailer_meets_the_delivery_spec(trailer_dir):
    target = load_preset("trailer").duration
    path = trailer_dir / "footage_trailer.mp4"
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.profile == "High"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == 48000
        assert audio.codec_context.channels == 2
        decoded = sum(1 for _ in container.decode(video=0))
    media = probe(path)
    assert decoded == round(target * 30) == media.frame_count
    assert abs(media.duration - target) <= 0.1
    assert not media.variable_fps


def test_every_preset_passes_every_platform_check(trailer_dir, tmp_path):
    outputs = [trailer_dir / "footage_trailer.mp4"]
    for preset in ("teaser", "promo"):
        result = run_cli(str(SAMPLE_FOOTAGE), "--preset", preset, "-o", str(tmp_path))
        assert result.returncode == 0, result.stderr
        outputs.append(tmp_path / f"footage_{preset}.mp4")
    for path in outputs:
        facts = read_facts(path)
        for platform in PLATFORMS.values():
            assert not violations(facts, platform), (path.name, platform.name)


def test_trailer_never_shows_the_black_shots(trailer_dir):
    """The sample footage holds black shots and fades; none of it belongs in a trailer."""
    media = probe(trailer_dir / "footage_trailer.mp4")
    darkest = min(float(f.image.mean()) for f in analysis_frames(media, width=90))
    assert darkest > 15.0


def test_edl_matches_the_contract_and_the_video(trailer_dir):
    edl = json.loads((trailer_dir / "footage_trailer.edl.json").read_text())
    assert edl["version"] == 1
    assert edl["preset"] == "trailer" and edl["seed"] == 0
    assert edl["duration"] == pytest.approx(30.0)
    segments = edl["segments"]
    assert segments[0]["out_in"] == 0.0
    assert segments[-1]["out_out"] == pytest.approx(edl["duration"])
    for a, b in itertools.pairwise(segments):
        assert a["out_out"] == b["out_in"]
    truth = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())
    known = {clip["file"] for clip in truth["clips"]}
    for seg in segments:
        assert seg.keys() >= {"source", "src_in", "src_out", "out_in", "out_out"}
        assert seg["src_out"] - seg["src_in"] == pytest.approx(seg["out_out"] - seg["out_in"])
        assert seg["source"].rsplit("/", 1)[-1] in known
