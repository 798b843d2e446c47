"""What ``autocut check`` says about a delivered file's captions.

- **Too brief to read.** Every line of the file's subtitle tracks (the soft tracks autocut
  writes, or any ``mov_text``/SubRip track another tool wrote) must stay on screen at least
  the default ``captions.min_on_screen`` and read at no more than the default
  ``captions.reading_speed`` (:func:`editor.captions.timing.readable`).
- **Outside the safe box.** A burned-in caption cannot be read back from the pixels
  reliably, but autocut's own outputs carry their plan: when ``<name>.edl.json`` sits beside
  the file, every caption's box must lie inside the safe box of the frame, where no
  platform's buttons cover it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from editor.assemble.cards import safe_box
from editor.assemble.edl import Edl
from editor.captions.timing import readable
from editor.inputs import EDL_SUFFIX
from editor.media.container import open_input
from editor.preset import Captions

TEXT_CODECS = ("mov_text", "subrip", "srt", "ass", "ssa", "webvtt", "text")
DEFAULT_RULES = Captions()
"""Reading rules of a file whose preset is not known: the preset defaults."""


@dataclass(frozen=True)
class TrackLine:
    """One line of a subtitle track: on screen from ``start`` to ``end`` seconds."""

    language: str
    start: float
    end: float
    text: str


def track_lines(path: Path) -> list[TrackLine]:
    """Every line of the text subtitle tracks of the file at ``path``."""
    lines = []
    with open_input(path) as container:
        streams = [s for s in container.streams.subtitles if s.codec_context.name in TEXT_CODECS]
        if not streams:
            return []
        for packet in container.demux(*streams):
            if packet.pts is None or not packet.size or packet.duration is None:
                continue
            data = bytes(packet)
            if packet.stream.codec_context.name == "mov_text":
                data = data[2 : 2 + int.from_bytes(data[:2], "big")]
            text = data.decode("utf-8", errors="replace").strip()
            if text:
                base = packet.time_base
                start = float(packet.pts * base)
                lines.append(
                    TrackLine(packet.stream.metadata.get("language", "und"), start,
                              start + float(packet.duration * base), text)
                )  # fmt: skip
    return lines


def caption_problems(path: Path, rules: Captions = DEFAULT_RULES) -> list[str]:
    """One line per caption problem of the file at ``path`` (module notes)."""
    problems = []
    for line in track_lines(path):
        shown = line.end - line.start
        if not readable(line.text, shown, rules):
            problems.append(
                f"caption too brief to read ({line.language}, {line.start:.2f}-{line.end:.2f} s, "
                f"{shown:.2f} s for {len(line.text)} characters): {_quoted(line.text)}"
            )
    plan = path.with_name(path.stem + EDL_SUFFIX)
    if plan.is_file():
        try:
            edl = Edl.from_dict(json.loads(plan.read_text(encoding="utf-8")))
        except (ValueError, TypeError, KeyError):
            return [
                *problems,
                f"its plan {plan.name} cannot be read, so caption boxes are unchecked",
            ]
        sx, sy, sw, sh = safe_box(edl.width, edl.height)
        for caption in edl.captions:
            x, y, w, h = caption.box
            if x < sx or y < sy or x + w > sx + sw or y + h > sy + sh:
                problems.append(
                    f"caption outside the safe box ({caption.language}, {caption.out_in:.2f} s, "
                    f"box {list(caption.box)}, safe box {[sx, sy, sw, sh]}): "
                    f"{_quoted(caption.text)}"
                )
    return problems


def _quoted(text: str) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:40]}{"..." if len(flat) > 40 else ""}"'
