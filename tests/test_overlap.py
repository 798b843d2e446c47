"""Shots settled during analysis are the final ones, so planning and rendering can overlap it.

What analysis reports as settled while it runs must be exactly what the finished analysis
says of those frames; the plan made from it shot by shot must be the final plan's.
"""

from __future__ import annotations

import av
import numpy as np
import pytest

from editor import reframing
from editor.analysis.analyze import analyze
from editor.media.probe import probe
from editor.reframe.planner import frame_units, plan_reframe
from editor.render.reframe import render_plan
from tests.conftest import SAMPLE_FOOTAGE, shared_clip


def settled_and_final(path):
    reports = []
    final = analyze(probe(path), on_settled=reports.append)
    return reports, final


def check_agreement(reports, final):
    assert reports, "nothing was settled before the end"
    for partial in reports:
        end = partial.frame_count
        assert partial.cuts == tuple(c for c in final.cuts if c < end)
        assert partial.shots == tuple(s for s in final.shots if s.end_frame <= end)
        assert all(s.end_frame <= end for s in partial.shots)
        assert partial.transitions == tuple(t for t in final.transitions if t.end_frame < end)
        rows = final.face_boxes[final.face_boxes[:, 0] < end]
        assert np.array_equal(partial.face_boxes, rows)
        for name in ("brightness", "motion", "motion_bands", "audio_level", "detail"):
            assert np.array_equal(getattr(partial, name), getattr(final, name)[:end]), name
    plan = plan_reframe(final)
    streamed, start = [], 0
    for partial in reports:
        for framing, boxes in frame_units(partial, (1080, 1920), start=start):
            streamed.append((framing, boxes))
            start = framing.end_frame
    assert [f for f, _ in streamed] == list(plan.shots[: len(streamed)])
    for framing, boxes in streamed:
        span = plan.boxes[framing.start_frame : framing.end_frame, : boxes.shape[1]]
        assert np.allclose(span, boxes)


@pytest.mark.parametrize("name", ["clip_a.mp4", "clip_b.mp4", "clip_c.mp4"])
def test_settled_shots_are_final_on_the_sample_footage(name):
    check_agreement(*settled_and_final(SAMPLE_FOOTAGE / name))


@pytest.mark.parametrize(
    "name", ["clip_01_tears_of_steel.mp4", "blackjournal.mp4", "goldeneye-vfr-drop3.mp4"]
)
def test_settled_shots_are_final_on_real_clips(name):
    check_agreement(*settled_and_final(shared_clip(name)))


def test_overlapped_reframe_renders_once_and_matches_a_plain_render(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOCUT_CACHE_DIR", str(tmp_path / "cache"))
    renders = []

    def counted(media, plan, path, *args):
        renders.append(type(plan).__name__)
        return render_plan(media, plan, path, *args)

    monkeypatch.setattr(reframing, "render_plan", counted)
    out = tmp_path / "out.mp4"
    analysis, plan = reframing.reframe_video(SAMPLE_FOOTAGE / "clip_c.mp4", out)
    assert renders == ["PlanFeed"]  # rendered while analysing, and not again
    assert plan.to_json() == plan_reframe(analysis).to_json()
    plain = tmp_path / "plain.mp4"
    render_plan(analysis.media, plan, plain)
    with av.open(str(out)) as a, av.open(str(plain)) as b:
        for frame_a, frame_b in zip(a.decode(video=0), b.decode(video=0), strict=True):
            assert np.array_equal(frame_a.to_ndarray(), frame_b.to_ndarray())
    # a second run finds the analysis cached: plain planning and rendering
    renders.clear()
    reframing.reframe_video(SAMPLE_FOOTAGE / "clip_c.mp4", out)
    assert renders == ["ReframePlan"]


def test_a_plan_that_changed_late_is_rendered_again(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOCUT_CACHE_DIR", str(tmp_path / "cache"))
    renders = []

    def counted(media, plan, path, *args):
        renders.append(type(plan).__name__)
        return render_plan(media, plan, path, *args)

    def shifted(analysis, size, start=0):  # a settled shot planned wrong
        for framing, boxes in frame_units(analysis, size, start=start):
            yield framing, boxes + (1.0 if start == 0 and len(analysis.times) < 300 else 0.0)

    monkeypatch.setattr(reframing, "render_plan", counted)
    monkeypatch.setattr(reframing, "frame_units", shifted)
    out = tmp_path / "out.mp4"
    analysis, _plan = reframing.reframe_video(SAMPLE_FOOTAGE / "clip_c.mp4", out)
    assert renders == ["PlanFeed", "ReframePlan"]
    assert probe(out).frame_count == analysis.frame_count
