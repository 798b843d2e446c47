"""Writing an output's cut for editing programs: ``<base>.otio``, ``<base>.fcpxml``,
``<base>.edl``.

What is decided here:

- **Which writer.** The ``.otio`` file is OpenTimelineIO's own format, written by its own
  serializer from :func:`~editor.export.timeline.timeline_of`. FCPXML and CMX 3600 are
  written from that same timeline by autocut's writers (:mod:`editor.export.fcpxml`,
  :mod:`editor.export.cmx`; each says why OpenTimelineIO's adapter is not used), so the
  three files cut on the same frames.
- **Paths.** Source files are written as absolute paths (relative ones are taken from the
  current folder), so an editing program opening the file elsewhere still finds the media.
- **Names.** Each file is ``<base>.<format>`` beside the others (``base`` is the output's
  path without a suffix; a dot in its name stays); autocut's own EDL is
  ``<base>.edl.json``, so ``<base>.edl`` does not clash with it. Files appear whole or not
  at all (:func:`editor.atomic.write_text`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import opentimelineio as otio

from editor.assemble.edl import Card, Edl, Segment
from editor.atomic import write_text
from editor.export.cmx import cmx_of
from editor.export.fcpxml import fcpxml_of
from editor.export.rates import Rate, rate_of
from editor.export.timeline import timeline_of

EXPORT_FORMATS = ("otio", "fcpxml", "edl")
"""The formats ``--export`` writes, by file suffix."""


def _otio_text(timeline: otio.schema.Timeline, rate: Rate) -> str:
    return otio.adapters.write_to_string(timeline, adapter_name="otio_json") + "\n"


_WRITERS: dict[str, Callable[[otio.schema.Timeline, Rate], str]] = {
    "otio": _otio_text,
    "fcpxml": fcpxml_of,
    "edl": cmx_of,
}


def export_text(edl: Edl, name: str, fmt: str) -> str:
    """The text of the ``fmt`` file of ``edl`` (one of :data:`EXPORT_FORMATS`), its
    timeline named ``name``."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    return _WRITERS[fmt](timeline_of(edl, name), rate_of(edl.fps))


def export_path(base: Path, fmt: str) -> Path:
    """Where the ``fmt`` file of the output at ``base`` goes: ``<base>.<fmt>``."""
    base = Path(base)
    return base.with_name(f"{base.name}.{fmt}")


def write_exports(edl: Edl, base: Path, formats: Sequence[str]) -> list[Path]:
    """Write ``edl`` as each of ``formats`` beside ``base`` (see the module notes); the
    paths written, in the order asked (each format once)."""
    wanted = list(dict.fromkeys(formats))
    for fmt in wanted:
        if fmt not in _WRITERS:
            raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    edl = with_absolute_sources(edl)
    timeline = timeline_of(edl, Path(base).name)
    rate = rate_of(edl.fps)
    written = []
    for fmt in wanted:
        path = export_path(base, fmt)
        write_text(path, _WRITERS[fmt](timeline, rate))
        written.append(path)
    return written


def with_absolute_sources(edl: Edl) -> Edl:
    """``edl`` with every source path absolute (from the current folder)."""

    def seg(s: Segment) -> Segment:
        return dataclasses.replace(s, source=os.path.abspath(s.source))

    def card(c: Card) -> Card:
        still = dataclasses.replace(c.background, source=os.path.abspath(c.background.source))
        return dataclasses.replace(c, background=still)

    music = edl.sound.music
    if music is not None and music.source:
        music = dataclasses.replace(music, source=os.path.abspath(music.source))
    return dataclasses.replace(
        edl,
        segments=tuple(seg(s) for s in edl.segments),
        cards=tuple(card(c) for c in edl.cards),
        sound=dataclasses.replace(edl.sound, music=music),
    )
