"""The stress set generator, on a small set made from the sample footage only.

Its labels are checked against the decoded pictures, not against the generator's own
arithmetic: every labelled cut must be a jump far above the frame-to-frame change inside
shots, and every frame of a labelled dissolve or wipe must be neither of the two shots.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import av
import numpy as np
import pytest

from benchmarks.metrics import LabelledClip, load_fixture_truth
from fixtures import stress

CUT_OVER_MEDIAN = 8.0
"""A cut's frame difference must be this many times the median difference inside shots."""


def _grey(path: Path) -> np.ndarray:
    """Every decoded frame of ``path`` as full-size 8-bit grey."""
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="gray") for f in container.decode(video=0)])


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two frames, in grey levels."""
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


@pytest.fixture(scope="module")
def stress_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("stress")
    truth = stress.build(
        out, None, conditions=("plain", "gradual"), clips_per_condition=1, parts=("tune",)
    )
    return truth, json.loads(truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def decoded(stress_set: tuple[Path, dict]) -> list[tuple[LabelledClip, np.ndarray]]:
    truth, _ = stress_set
    return [(clip, _grey(clip.path)) for clip in load_fixture_truth(truth)]


def _differences(frames: np.ndarray) -> np.ndarray:
    """``d[i]``: mean absolute difference between frames ``i - 1`` and ``i`` (``d[0] = 0``)."""
    return np.array([0.0] + [_mad(a, b) for a, b in itertools.pairwise(frames)])


def _inside_shots(clip: LabelledClip, count: int) -> np.ndarray:
    """Frame indices whose difference to the previous frame is inside one shot."""
    busy = {f for c in clip.cut_frames for f in (c, c + 1)}
    for span in (*clip.gradual, *clip.hard_negatives):
        busy.update(range(span.start_frame - 1, span.end_frame + 3))
    return np.array([i for i in range(1, count) if i not in busy])


def test_the_set_has_what_was_asked(stress_set: tuple[Path, dict]) -> None:
    _, data = stress_set
    assert data["generator"] == "fixtures.stress"
    conditions = [c["condition"] for c in data["clips"]]
    assert conditions == ["plain"] + ["gradual"] * stress.CLIP_WEIGHT["gradual"]
    plain, *gradual = data["clips"]
    assert len(plain["cuts"]) >= 5
    assert {g["type"] for c in gradual for g in c["gradual"]} & {"dissolve", "wipe"}
    for clip in data["clips"]:
        assert clip["part"] == "tune"
        assert {s["file"] for s in clip["sources"]} <= {"clip_a.mp4", "clip_b.mp4", "clip_d.mp4"}


def test_frame_counts_match_the_labels(stress_set, decoded) -> None:
    _, data = stress_set
    for entry, (clip, frames) in zip(data["clips"], decoded):
        assert len(frames) == entry["frame_count"], clip.name
        assert clip.fps == entry["fps"] == 30


def test_every_cut_is_a_clear_jump(decoded) -> None:
    for clip, frames in decoded:
        d = _differences(frames)
        median = float(np.median(d[_inside_shots(clip, len(frames))]))
        for cut in clip.cut_frames:
            assert d[cut] > CUT_OVER_MEDIAN * max(median, 0.5), (clip.name, cut, d[cut], median)
            assert d[cut] > 3 * max(d[cut - 1], d[cut + 1]), (clip.name, cut)


def test_dissolves_and_wipes_are_mixes(decoded) -> None:
    checked = 0
    for clip, frames in decoded:
        d = _differences(frames)
        median = float(np.median(d[_inside_shots(clip, len(frames))]))
        for span in clip.gradual:
            if span.kind not in ("dissolve", "wipe"):
                continue
            before, after = frames[span.start_frame - 1], frames[span.end_frame + 1]
            for i in range(span.start_frame, span.end_frame + 1):
                nearest = min(_mad(frames[i], before), _mad(frames[i], after))
                assert nearest > median, (clip.name, span, i)
            middle = frames[(span.start_frame + span.end_frame) // 2]
            apart = _mad(before, after)
            assert _mad(middle, before) > apart / 4, (clip.name, span)
            assert _mad(middle, after) > apart / 4, (clip.name, span)
            checked += 1
    assert checked


def test_an_existing_set_is_not_made_again(stress_set: tuple[Path, dict]) -> None:
    truth, data = stress_set
    stamps = {c["file"]: (truth.parent / c["file"]).stat().st_mtime_ns for c in data["clips"]}
    again = stress.build(
        truth.parent, None, conditions=("plain", "gradual"), clips_per_condition=1,
        parts=("tune",),
    )  # fmt: skip
    assert again == truth
    assert {f: (truth.parent / f).stat().st_mtime_ns for f in stamps} == stamps
