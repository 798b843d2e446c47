"""Writing ``OUTDIR/report.html``: the review page of a run's outputs.

What is decided here:

- **Paths.** The page names each output's video and cover relative to the folder it is
  written in, so the output folder can be moved or copied whole and still plays. On a
  series run the outputs are in ``OUTDIR/<episode>/``: their paths then start with the
  episode's folder, which is also how the page groups them under their episode.
- **Thumbnails** come from the rendered MP4 (:mod:`editor.report.thumbnails`). An output
  whose video is missing or cannot be read still gets its section, without pictures and
  with a warning saying why: the page is for reviewing a run, including a broken one.
- **Writing** is atomic (:func:`editor.atomic.write_text`): a page is complete or absent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Protocol

from editor.assemble.edl import Edl
from editor.atomic import write_text
from editor.errors import AutocutError
from editor.report.page import OutputPage, report_html
from editor.report.thumbnails import read_thumbnails, thumbnail_times

REPORT_NAME = "report.html"


class Reviewed(Protocol):
    """What the page needs of an output (:class:`editor.pipeline.Output` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def edl(self) -> Edl: ...
    @property
    def video(self) -> Path | None: ...
    @property
    def cover(self) -> Path | None: ...


@dataclass(frozen=True)
class Listed:
    """An output as a series run's summary lists it, with its EDL read back."""

    name: str
    edl: Edl
    video: Path | None
    cover: Path | None


def write_report(
    outdir: Path,
    outputs: Sequence[Reviewed],
    summary: Mapping | None = None,
    title: str | None = None,
) -> Path:
    """Write ``outdir/report.html`` for ``outputs`` (module notes) and return its path.
    ``summary`` is a series run's ``summary.json`` content (its episodes make the run's
    table); ``title`` defaults to the output folder's name."""
    outdir = Path(outdir)
    pages = [output_page(outdir, out) for out in outputs]
    name = title or f"autocut review: {Path(os.path.abspath(outdir)).name}"
    path = outdir / REPORT_NAME
    write_text(path, report_html(pages, dict(summary) if summary is not None else None, name))
    return path


def output_page(outdir: Path, out: Reviewed) -> OutputPage:
    """``out`` as the page shows it: its files relative to ``outdir`` and a thumbnail of
    every segment read from its video (module notes)."""
    video = relative(out.video, outdir)
    cover = relative(out.cover, outdir)
    thumbnails: tuple[bytes | None, ...] = ()
    notes: tuple[str, ...] = ()
    if out.video is not None and Path(out.video).is_file():
        try:
            thumbnails = tuple(read_thumbnails(Path(out.video), thumbnail_times(out.edl)))
        except AutocutError as exc:
            notes = (f"no thumbnails: {exc}",)
    elif out.video is not None:
        notes = (f"the video {out.video} is missing",)
    if out.cover is not None and not Path(out.cover).is_file():
        notes += (f"the cover {out.cover} is missing",)
    episode = episode_of(video or cover)
    return OutputPage(out.name, out.edl, video, cover, thumbnails, episode, notes)


def relative(path: Path | str | None, outdir: Path) -> str | None:
    """``path`` relative to the folder ``outdir``, ``/``-separated (None stays None)."""
    if path is None:
        return None
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(outdir))
    return PurePath(rel).as_posix()


def episode_of(rel: str | None) -> str:
    """The episode folder a page-relative path lies in ("" for one beside the page)."""
    if rel is None:
        return ""
    parts = PurePath(rel).parts
    return parts[0] if len(parts) == 2 and parts[0] != ".." else ""


def series_outputs(summary: Mapping) -> list[Listed]:
    """Every output a series run's ``summary`` lists, in order, with its EDL read back from
    its file; an output whose EDL cannot be read is left out (the run's table still lists
    it)."""
    listed = []
    for ep in summary.get("episodes", ()):
        for out in ep.get("outputs", ()):
            if not out.get("edl"):
                continue
            try:
                data = json.loads(Path(out["edl"]).read_text(encoding="utf-8"))
                edl = Edl.from_dict(data)
            except (OSError, ValueError, KeyError, TypeError):
                continue
            video = Path(out["video"]) if out.get("video") else None
            cover = Path(out["cover"]) if out.get("cover") else None
            listed.append(Listed(str(out.get("name", "")), edl, video, cover))
    return listed
