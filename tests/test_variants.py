"""Rotated and variable-frame-rate variants of the sample clips: same pictures, same cut times.

The variants change only how the footage is stored, so the detector must find the sample
clips' cuts at the same times on them as on the originals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from benchmarks.metrics import LabelledClip, load_fixture_truth, score_clip
from benchmarks.scenes import detect_autocut
from editor.media.probe import probe
from fixtures import variants
from tests.conftest import SAMPLE_FOOTAGE

SOURCES = ("clip_a.mp4", "clip_c.mp4")
NOISE = 2.0  # mean absolute difference (0-255 levels) allowed between a frame and its re-encode


@dataclasses.dataclass(frozen=True)
class Built:
    source: LabelledClip
    rotated: Path
    vfr: Path
    vfr_truth: variants.VariantTruth


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("variants")
    samples = {c.name: c for c in load_fixture_truth(SAMPLE_FOOTAGE / "ground_truth.json")}
    result = {}
    for name in SOURCES:
        src = SAMPLE_FOOTAGE / name
        stem = Path(name).stem
        rotated = variants.make_rotated(src, out / f"{stem}_rot.mp4", rotation=-90)
        truth = variants.make_vfr(src, out / f"{stem}_vfr.mp4")
        result[name] = Built(samples[name], rotated, out / f"{stem}_vfr.mp4", truth)
    return result


def _frames(path: Path) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from the first frame, RGB pixels as stored at half size) of every frame.

    Half size keeps the comparison cheap; encoding differences only shrink with it.
    """
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        first = None
        for frame in container.decode(stream):
            first = frame.pts if first is None else first
            image = frame.to_ndarray(
                format="rgb24", width=frame.width // 2, height=frame.height // 2
            )
            yield float((frame.pts - first) * time_base), image


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.mark.parametrize("name", SOURCES)
def test_rotated_variant_probes_sideways_with_upright_display_size(built, name):
    media = probe(built[name].rotated)
    assert media.rotation in (-90, 90)
    assert (media.width, media.height) == (1280, 720)
    assert (media.coded_width, media.coded_height) == (720, 1280)
    assert media.frame_count == probe(SAMPLE_FOOTAGE / name).frame_count


@pytest.mark.parametrize("name", SOURCES)
def test_rotated_variant_shows_the_original_pictures(built, name):
    rotation = probe(built[name].rotated).rotation
    # A display rotation of -90 asks players to turn the picture clockwise: np.rot90(k=-1).
    turns = 1 if rotation == 90 else -1
    pairs = zip(_frames(SAMPLE_FOOTAGE / name), _frames(built[name].rotated), strict=True)
    for (t0, a), (t1, b) in pairs:
        assert t1 == pytest.approx(t0, abs=1e-6)
        assert _difference(np.rot90(b, turns), a) < NOISE


@pytest.mark.parametrize("name", SOURCES)
def test_vfr_variant_is_variable_rate_with_fewer_frames(built, name):
    media = probe(built[name].vfr)
    truth = built[name].vfr_truth
    assert media.variable_fps
    assert media.frame_count == truth.frame_count < probe(SAMPLE_FOOTAGE / name).frame_count
    assert (media.width, media.height, media.rotation) == (1280, 720, 0)


@pytest.mark.parametrize("name", SOURCES)
def test_vfr_variant_keeps_each_frame_at_its_original_time(built, name):
    truth = built[name].vfr_truth
    original = enumerate(_frames(SAMPLE_FOOTAGE / name))
    kept = _frames(built[name].vfr)
    for (t, image), source_index, truth_time in zip(kept, truth.kept, truth.times, strict=True):
        assert t == pytest.approx(truth_time, abs=1e-6)
        # The original frame shown at the same time (both streams run forward in time).
        index, (t0, reference) = next(original)
        while t0 < t - 1e-6:
            index, (t0, reference) = next(original)
        assert t0 == pytest.approx(t, abs=1e-6)
        assert index == source_index
        assert _difference(image, reference) < NOISE


@pytest.mark.parametrize("name", SOURCES)
def test_vfr_truth_keeps_cut_times_and_shifts_frames(built, name):
    source = built[name].source
    truth = built[name].vfr_truth
    assert [t for _, t in truth.cuts] == pytest.approx(list(source.cut_times))
    assert any(f < s for (f, _), s in zip(truth.cuts, source.cut_frames, strict=True))
    for (frame, time), source_frame in zip(truth.cuts, source.cut_frames, strict=True):
        assert truth.kept[frame] == source_frame
        assert truth.times[frame] == pytest.approx(time)
    for (kind, first, last, start, end), span in zip(truth.gradual, source.gradual, strict=True):
        assert kind == span.kind
        assert (truth.kept[first], truth.kept[last]) == (span.start_frame, span.end_frame)
        assert (start, end) == pytest.approx((span.start, span.end))
    # The truth written next to the clip loads as a variable-frame-rate labelled clip.
    (loaded,) = load_fixture_truth(variants.truth_path(built[name].vfr))
    assert loaded.vfr and loaded.fps == 30.0
    assert loaded.cut_frames == tuple(f for f, _ in truth.cuts)


def test_vfr_pattern_never_drops_protected_frames():
    dropped = variants.dropped_frames(120, 30, protect=(32, 35))
    assert dropped == (
        38,
        41,
        44,
        47,
        50,
        53,
        56,
        59,
        92,
        95,
        98,
        101,
        104,
        107,
        110,
        113,
        116,
        119,
    )
    assert 0 not in variants.dropped_frames(120, 30)


@pytest.mark.parametrize("kind", ["rotated", "vfr"])
@pytest.mark.parametrize("name", SOURCES)
def test_detector_finds_the_cut_times_on_variants(built, name, kind):
    clip = built[name]
    if kind == "rotated":
        truth = dataclasses.replace(clip.source, path=clip.rotated)
    else:
        (truth,) = load_fixture_truth(variants.truth_path(clip.vfr))
    detection = detect_autocut(truth.path)
    # By time, within one nominal frame duration, for both kinds of variant.
    score = score_clip(dataclasses.replace(truth, vfr=True), detection).cuts
    assert score.missed_cuts == (), f"cuts missed at {score.missed_cuts} s"
    assert score.false_cuts == (), f"false cuts at {score.false_cuts} s"
