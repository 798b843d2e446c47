"""How a caption is set on the vertical frame: its lines, size and box, decided in the plan.

The plan fixes everything a renderer draws, so the EDL names each caption's lines, size and
box, and every output (each language, the soft track, a re-render from the EDL) agrees.

- **Where.** Inside the caption band (:func:`editor.assemble.cards.caption_box`: by default
  the bottom quarter of the safe box, higher with a smaller ``position``), centred, the
  last line at the bottom of the band.
- **How big.** The preset's size, scaled from a 1920-pixel-high frame; smaller, in steps,
  down to its smallest size when the text does not fit two lines. A line is at most the
  band's width less the outline, and at most ``max_chars`` characters (wide ones count two).
- **Too long for two lines even then** (a studio's long cue): the caption is split in two at
  the break nearest its middle, each half on screen for its share of the reading length,
  on frame boundaries, and set again. Nothing is ever cut off or shrunk past legibility.
- Widths are the fonts' own advances, run by run in the faces :mod:`editor.captions.fonts`
  picks (the preset's ``font`` first), shaped as they will be drawn. The box leaves room
  for the outline and the shadow.
"""

from __future__ import annotations

import math

from editor.assemble.cards import caption_box
from editor.assemble.edl import Caption
from editor.captions.fonts import RunFont
from editor.captions.lines import break_units, join_lines, reading_length, set_lines
from editor.preset import Captions

REFERENCE_HEIGHT = 1920
LINE_SPACING = 1.3
"""Distance between baselines, in font sizes."""
SIZE_STEP = 2
MAX_SPLITS = 3
"""A caption is split at most this deep (up to eight parts) before it is set as it is."""


def line_width(line: str, language: str, size: int, weight: int, font: str = "") -> float:
    """Advance width of ``line`` in pixels, run by run in its faces."""
    return RunFont(language, size, weight, font).getlength(line)


def outline_width(size: int, style: Captions) -> int:
    return math.ceil(size * style.outline)


def shadow_offset(size: int, style: Captions) -> int:
    return math.ceil(size * style.shadow)


def lay_out(
    caption: Caption, width: int, height: int, fps: float, style: Captions, depth: int = 0
) -> list[Caption]:
    """``caption`` set on a ``width`` x ``height`` frame: one caption, or several in a row
    when it is too long for two lines (module notes)."""
    band = caption_box(width, height, style.position)
    scale = height / REFERENCE_HEIGHT
    largest = max(1, round(style.size * scale))
    smallest = min(largest, max(1, round(style.min_size * scale)))
    for size in range(largest, smallest - 1, -SIZE_STEP):
        lines = _lines_at(caption, size, band[2], style)
        if lines is not None:
            return [_placed(caption, lines, size, band, style)]
    halves = _halves(caption, fps)
    if halves is None or depth >= MAX_SPLITS:
        lines = _lines_at(caption, smallest, math.inf, style) or [join_lines(caption.text)]
        return [_placed(caption, lines, smallest, band, style)]
    return [part for half in halves for part in lay_out(half, width, height, fps, style, depth + 1)]


def _lines_at(caption: Caption, size: int, band_width: float, style: Captions) -> list[str] | None:
    limit = band_width - 2 * (outline_width(size, style) + shadow_offset(size, style))
    per_char = limit / style.max_chars

    def measure(line: str) -> float:
        width = line_width(line, caption.language, size, style.weight, style.font)
        return max(width, reading_length(line) * per_char)

    return set_lines(caption.text, caption.language, limit, measure)


def _placed(
    caption: Caption, lines: list[str], size: int, band: tuple[int, int, int, int], style: Captions
) -> Caption:
    """``caption`` with ``lines`` at ``size``, its box centred at the bottom of ``band``."""
    pad = outline_width(size, style) + shadow_offset(size, style) + math.ceil(size * 0.15)
    text_w = max(
        line_width(line, caption.language, size, style.weight, style.font) for line in lines
    )
    w = min(band[2], math.ceil(text_w) + 2 * pad)
    h = min(band[3], math.ceil(size * LINE_SPACING * len(lines)) + 2 * pad)
    x = band[0] + (band[2] - w) // 2
    y = band[1] + band[3] - h
    return Caption(
        caption.text, caption.language, caption.out_in, caption.out_out, (x, y, w, h),
        tuple(lines), size, style.weight, outline_width(size, style), style.box,
        shadow_offset(size, style), style.font,
    )  # fmt: skip


def _halves(caption: Caption, fps: float) -> tuple[Caption, Caption] | None:
    """``caption`` split at the line break nearest the middle of its reading length, the
    time shared out by reading length on frame boundaries; None when it cannot be split."""
    run = join_lines(caption.text)
    units = break_units(run, caption.language)
    if len(units) < 2:
        return None
    total = reading_length(run)
    best, best_gap = 1, math.inf
    for k in range(1, len(units)):
        gap = abs(reading_length("".join(units[:k])) - total / 2)
        if gap < best_gap:
            best, best_gap = k, gap
    first, second = "".join(units[:best]).strip(), "".join(units[best:]).strip()
    frames = round((caption.out_out - caption.out_in) * fps)
    if not first or not second or frames < 2:
        return None
    cut = min(frames - 1, max(1, round(frames * reading_length(first) / total)))
    middle = round(caption.out_in + cut / fps, 6)
    return (
        Caption(first, caption.language, caption.out_in, middle, caption.box),
        Caption(second, caption.language, middle, caption.out_out, caption.box),
    )
