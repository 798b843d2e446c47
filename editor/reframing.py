"""One video turned vertical (``autocut reframe``): analysis, planning and rendering, overlapped.

The stages are those of the main job (:mod:`editor.pipeline`) for a single file and a single
output: the reframe plan (:mod:`editor.reframe.planner`) rendered by
:mod:`editor.render.reframe`. Rendering costs about as much as the encoder does, and analysis
comes on top; running them one after the other would make the user wait for both. So each
shot is planned and handed to the renderer as soon as analysis has settled it, and the
encoder works while the rest of the file is still being read.
"""

from __future__ import annotations

import threading
from pathlib import Path

from editor.analysis.cache import ProgressFactory, analyse_file
from editor.analysis.model import Analysis
from editor.reframe.plan import ReframePlan
from editor.reframe.planner import frame_units, plan_reframe
from editor.render.reframe import PlanFeed, RenderOptions, render_plan


def reframe_video(
    path: str | Path,
    output: Path,
    size: tuple[int, int] = (1080, 1920),
    options: RenderOptions | None = None,
    *,
    use_cache: bool = True,
    analysis_progress: ProgressFactory | None = None,
    render_progress: ProgressFactory | None = None,
) -> tuple[Analysis, ReframePlan]:
    """Turn one video vertical (``autocut reframe``): analyse, plan, render to ``output``.

    A file analysed before is planned and rendered from its cached analysis. Otherwise the
    three overlap: each shot is planned and rendered as soon as analysis has settled it, so
    the encoder works while the rest of the file is still being read. The plan made from the
    finished analysis is the one that counts: if it differs from what was rendered along the
    way (a decision that late frames changed after all), the file is rendered again from it.
    """
    options = options or RenderOptions()
    feed: PlanFeed | None = None
    worker: threading.Thread | None = None
    failure: list[BaseException] = []

    rendered = [0]

    def settled(partial: Analysis) -> None:
        nonlocal feed, worker
        if failure:
            raise failure[0]  # the renderer stopped: no use reading on
        media = partial.media
        if feed is None:
            feed = PlanFeed(*size, media.fps, media.frame_count)
            worker = threading.Thread(
                target=_render_feed,
                args=(media, feed, output, options, failure, rendered),
                daemon=True,
            )
            worker.start()
        for framing, boxes in frame_units(partial, size, start=feed.planned):
            feed.add(framing, boxes)

    try:
        analysis = analyse_file(
            path, use_cache=use_cache, progress_factory=analysis_progress, on_settled=settled
        )
    except BaseException as exc:
        if feed is not None:
            feed.close(exc)
            worker.join()
        raise
    plan = plan_reframe(analysis, *size)
    if feed is None:
        bar = render_progress(analysis.media) if render_progress else None
        render_plan(analysis.media, plan, output, bar, options)
        return analysis, plan
    streamed = feed.planned
    agrees = _same_frames(feed, plan, streamed)
    for framing, boxes in frame_units(analysis, size, start=streamed):
        feed.add(framing, boxes)
    feed.close()
    _wait(worker, render_progress(analysis.media) if render_progress else None, rendered)
    if failure:
        raise failure[0]
    if not agrees or feed.planned != plan.frame_count:
        bar = render_progress(analysis.media) if render_progress else None
        render_plan(analysis.media, plan, output, bar, options)
    return analysis, plan


def _render_feed(
    media, feed: PlanFeed, output: Path, options, failure: list, rendered: list[int]
) -> None:
    """Render what ``feed`` delivers (run in a thread; an error is kept in ``failure``, the
    frames done so far in ``rendered[0]``)."""

    def count(frames: int) -> None:
        rendered[0] += frames

    try:
        render_plan(media, feed, output, count, options)
    except BaseException as exc:
        failure.append(exc)


def _wait(worker: threading.Thread, progress, rendered: list[int]) -> None:
    """Wait for the renderer, showing on ``progress`` how many frames it has done."""
    shown = 0
    while worker.is_alive():
        worker.join(0.25)
        if progress is not None and rendered[0] > shown:
            progress(rendered[0] - shown)
            shown = rendered[0]


def _same_frames(feed: PlanFeed, plan: ReframePlan, count: int) -> bool:
    """Whether the first ``count`` frames the feed delivered are the plan's."""
    if count > plan.frame_count:
        return False
    for index in range(count):
        layout, boxes = feed.frame(index)
        want = plan.frame(index)
        if layout != want[0] or [tuple(round(v, 2) for v in b) for b in boxes] != [
            tuple(round(float(v), 2) for v in b) for b in want[1]
        ]:
            return False
    return True
