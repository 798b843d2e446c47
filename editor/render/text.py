"""Rasterize text for title cards and call-to-action buttons, as RGBA arrays to composite.

Font: Noto Sans, the variable file ``NotoSans[wdth,wght].ttf`` shipped by the
``fontpkg-noto-sans`` package. It is a neutral, open-licensed (OFL) sans that stays legible at
phone sizes, covers Latin, Greek and Cyrillic with their diacritics, and one variable file
gives every weight. Coming from an installed package, it is the same on every machine: output
never depends on system fonts and nothing is fetched at run time. Titles use weight 800 (extra
bold, to read over busy footage), button text 650 (semibold: strong, yet lighter than a
title); the width axis stays at normal (100).

Fitting: words (any run of whitespace separates them) are wrapped onto at most 3 lines for a
title and 2 for a button, with lines balanced to similar lengths rather than filled greedily.
The font size starts at half the box height (at most ``MAX_FONT_SIZE``) and shrinks until the
text fits the box less a 4% margin on each side; the largest fitting size wins and, at that
size, the fewest lines. A button keeps its text on one line unless two lines allow a size at
least ``1 / BUTTON_ONE_LINE_RATIO`` times larger. The size never drops below
``MIN_FONT_SIZE``: text that still does not fit there is wrapped within words, cut with an
ellipsis, and clipped to its area, so nothing is ever drawn outside the array. Lines are
``LINE_SPACING`` times the font size apart.

Colours: title text white with a soft black drop shadow (down and right, blurred, 60%
opacity) that lies inside the array too; a button is a pill (a rounded rectangle whose corner
radius is half its height) in ``ACCENT_COLOUR`` with white text, centred in the array. Output
is straight (not premultiplied) alpha, anti-aliased at edges, and deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from editor.captions.fonts import RunFont

TEXT_LANGUAGE = "und"
"""Card text has no language of its own: Noto Sans first, other faces where it lacks a
character (:func:`editor.captions.fonts.face_runs`)."""
TITLE_WEIGHT = 800
BUTTON_WEIGHT = 650

MIN_FONT_SIZE = 8
MAX_FONT_SIZE = 512
"""Upper bound on the starting size, whatever the box; it also bounds the font cache."""

MARGIN = 0.04
"""Fraction of the box's width (left and right) and height (top and bottom) kept clear."""

LINE_SPACING = 1.15
TITLE_MAX_LINES = 3
BUTTON_MAX_LINES = 2
BUTTON_ONE_LINE_RATIO = 0.75
"""A button stays on one line if that line's size is at least this fraction of the two-line
size: one line reads faster and makes a slimmer pill."""

TEXT_COLOUR = (255, 255, 255)
SHADOW_COLOUR = (0, 0, 0)
SHADOW_OPACITY = 0.6
SHADOW_OFFSET = 0.05
"""Shadow offset, down and to the right, as a fraction of the font size."""
SHADOW_BLUR = 0.06
"""Gaussian blur radius of the shadow as a fraction of the font size."""
ACCENT_COLOUR = (255, 45, 85)

BUTTON_PAD_Y = 0.5
"""Space above the capitals and below the last baseline inside the pill, in font sizes."""
BUTTON_PAD_X = 0.25
"""Space between the text and the start of the pill's rounded end, in font sizes."""
PILL_SUPERSAMPLE = 4
"""The pill is drawn this many times larger and shrunk, to anti-alias its rounded ends."""

ELLIPSIS = "\u2026"
STYLES = ("title", "button")


@dataclass(frozen=True)
class _Block:
    """Lines set at one font size, each centred on x = 0, the first baseline at y = 0."""

    font: RunFont
    size: int
    lines: tuple[str, ...]
    line_height: int
    ink: tuple[int, int, int, int]
    """Bounding box (left, top, right, bottom) of everything the lines draw."""
    cap_height: int
    """Height of a capital above its baseline: buttons centre the capitals' box."""

    @property
    def width(self) -> int:
        return self.ink[2] - self.ink[0]

    @property
    def height(self) -> int:
        return self.ink[3] - self.ink[1]

    @property
    def last_baseline(self) -> int:
        return (len(self.lines) - 1) * self.line_height


@functools.cache
def _font(size: int, weight: int, language: str = TEXT_LANGUAGE) -> RunFont:
    """The text's faces at ``size`` pixels and ``weight``: Noto Sans, or whichever packaged
    faces draw its characters (:func:`editor.captions.fonts.face_runs`)."""
    return RunFont(language, size, weight)


def _block(font: RunFont, size: int, lines: Sequence[str]) -> _Block:
    """Measure ``lines`` set in ``font``: their joint ink box and the capital height."""
    line_height = round(size * LINE_SPACING)
    left = top = math.inf
    right = bottom = -math.inf
    for i, line in enumerate(lines):
        x0, y0, x1, y1 = font.getbbox(line, anchor="ms")
        left, right = min(left, x0), max(right, x1)
        top, bottom = min(top, y0 + i * line_height), max(bottom, y1 + i * line_height)
    cap_height = -font.getbbox("H", anchor="ls")[1]
    ink = (int(left), int(top), int(right), int(bottom))
    return _Block(font, size, tuple(lines), line_height, ink, cap_height)


def _balanced_lines(words: Sequence[str], count: int, font: RunFont) -> list[str]:
    """Split ``words`` into at most ``count`` lines whose longest line is as short as possible.

    Binary search on the line-width limit: the smallest limit at which greedy filling needs no
    more than ``count`` lines gives the most balanced split.
    """
    n = len(words)
    if count <= 1 or n == 1:
        return [" ".join(words)]

    @functools.cache
    def span(start: int, end: int) -> float:
        return font.getlength(" ".join(words[start:end]))

    def line_starts(limit: int) -> list[int]:
        starts, start = [0], 0
        for end in range(1, n):
            if span(start, end + 1) > limit:
                starts.append(end)
                start = end
        return starts

    low = math.ceil(max(span(i, i + 1) for i in range(n)))
    high = max(low, math.ceil(span(0, n)))
    while low < high:
        mid = (low + high) // 2
        if len(line_starts(mid)) <= count:
            high = mid
        else:
            low = mid + 1
    starts = [*line_starts(low), n]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(starts)]


def _fit(
    words: Sequence[str],
    weight: int,
    language: str,
    line_counts: Sequence[int],
    max_size: int,
    ratio: Callable[[_Block], float],
) -> _Block | None:
    """The largest size (and, at it, the fewest of ``line_counts`` lines) that fits.

    ``ratio(block)`` is how much the block could grow and still fit (>= 1 means it fits). The
    size shrinks from ``max_size``, jumping straight to the size the best ratio predicts and
    then one pixel at a time, and finally creeps back up past any size the jump skipped.
    Returns None if nothing fits at ``MIN_FONT_SIZE``.
    """
    counts = sorted({min(c, len(words)) for c in line_counts})

    def attempt(size: int) -> tuple[_Block | None, float]:
        font = _font(size, weight, language)
        best = 0.0
        for count in counts:
            block = _block(font, size, _balanced_lines(words, count, font))
            r = ratio(block)
            if r >= 1.0:
                return block, r
            best = max(best, r)
        return None, best

    size = max(MIN_FONT_SIZE, max_size)
    ceiling = size + 1
    while True:
        found, best = attempt(size)
        if found is not None:
            break
        if size <= MIN_FONT_SIZE:
            return None
        ceiling = size
        size = max(MIN_FONT_SIZE, min(size - 1, math.floor(size * best)))
    while size + 1 < ceiling:
        bigger, _ = attempt(size + 1)
        if bigger is None:
            break
        found, size = bigger, size + 1
    return found


def _hard_wrap(words: Sequence[str], font: RunFont, limit: float) -> list[str]:
    """Greedy wrap to ``limit`` pixels, breaking inside words that are wider than a line."""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and font.getlength(word) > limit:
            cut = 1
            while cut < len(word) - 1 and font.getlength(word[: cut + 1]) <= limit:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _fallback(
    words: Sequence[str],
    weight: int,
    language: str,
    max_lines: int,
    limit: float,
    ratio: Callable[[_Block], float],
) -> _Block:
    """Text too long for its box even at the minimum size: wrap hard, keep what fits, and end
    the last kept line with an ellipsis. What still overflows is clipped when drawn."""
    font = _font(MIN_FONT_SIZE, weight, language)
    lines = _hard_wrap(words, font, limit)
    for count in range(min(max_lines, len(lines)), 0, -1):
        kept = lines[:count]
        if count < len(lines):
            last = kept[-1]
            while last and font.getlength(last + ELLIPSIS) > limit:
                last = last[:-1]
            kept[-1] = last.rstrip() + ELLIPSIS
        block = _block(font, MIN_FONT_SIZE, kept)
        if ratio(block) >= 1.0 or count == 1:
            return block
    raise AssertionError("unreachable")


def _draw_lines(mask: Image.Image, block: _Block, x: int, y: int) -> None:
    """Draw ``block`` in white on the greyscale ``mask`` with its origin at (x, y)."""
    draw = ImageDraw.Draw(mask)
    for i, line in enumerate(block.lines):
        block.font.draw(draw, (x, y + i * block.line_height), line, anchor="ms", fill=255)


def _over(
    top_rgb: tuple[int, int, int],
    top_alpha: np.ndarray,
    bottom_rgb: tuple[int, int, int],
    bottom_alpha: np.ndarray,
) -> np.ndarray:
    """Flat colour ``top_rgb`` with coverage ``top_alpha`` over ``bottom_rgb`` (alphas in
    0..1), as a straight-alpha RGBA uint8 array."""
    under = bottom_alpha * (1.0 - top_alpha)
    alpha = top_alpha + under
    safe = np.where(alpha > 0, alpha, 1.0)
    top_w, under_w = (top_alpha / safe)[..., None], (under / safe)[..., None]
    rgb = top_w * np.asarray(top_rgb, np.float32) + under_w * np.asarray(bottom_rgb, np.float32)
    out = np.empty((*alpha.shape, 4), np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = np.clip(np.rint(alpha * 255.0), 0, 255)
    return out


def _shadow_geometry(size: int) -> tuple[int, float, int]:
    """Offset, blur radius and reach (how far the shadow extends past the ink) at ``size``."""
    offset = max(1, round(size * SHADOW_OFFSET))
    radius = max(1.0, size * SHADOW_BLUR)
    return offset, radius, offset + math.ceil(2 * radius)


def _inner(w: int, h: int) -> tuple[int, int]:
    """Width and height of a ``w`` x ``h`` box less its margin (at least a pixel) each side."""
    return w - 2 * max(1, round(w * MARGIN)), h - 2 * max(1, round(h * MARGIN))


def _title(words: Sequence[str], w: int, h: int, language: str) -> np.ndarray:
    """White text with its shadow, centred; ink within the margin, the shadow within the
    array less its outermost pixel (where the blur's faint tail is cut off)."""
    out = np.zeros((h, w, 4), np.uint8)
    inner_w, inner_h = _inner(w, h)
    if inner_w <= 0 or inner_h <= 0:
        return out

    def ratio(block: _Block) -> float:
        reach = _shadow_geometry(block.size)[2]
        return min(
            inner_w / max(1, block.width),
            inner_h / max(1, block.height),
            (w - 2) / (block.width + 2 * reach),
            (h - 2) / (block.height + 2 * reach),
        )

    max_size = min(MAX_FONT_SIZE, h // 2)
    block = _fit(words, TITLE_WEIGHT, language, range(1, TITLE_MAX_LINES + 1), max_size, ratio)
    if block is None:
        limit = min(inner_w, w - 2 - 2 * _shadow_geometry(MIN_FONT_SIZE)[2])
        block = _fallback(words, TITLE_WEIGHT, language, TITLE_MAX_LINES, limit, ratio)

    # Draw on a canvas one pixel smaller on every side: the border stays clear by construction.
    cw, ch = w - 2, h - 2
    x = round(w / 2 - (block.ink[0] + block.ink[2]) / 2) - 1
    y = round(h / 2 - (block.ink[1] + block.ink[3]) / 2) - 1
    offset, radius, _ = _shadow_geometry(block.size)
    text_mask = Image.new("L", (cw, ch), 0)
    _draw_lines(text_mask, block, x, y)
    shadow_mask = Image.new("L", (cw, ch), 0)
    _draw_lines(shadow_mask, block, x + offset, y + offset)
    shadow_mask = shadow_mask.filter(ImageFilter.GaussianBlur(radius))
    text_a = np.asarray(text_mask, np.float32) / 255.0
    shadow_a = np.asarray(shadow_mask, np.float32) * (SHADOW_OPACITY / 255.0)
    out[1:-1, 1:-1] = _over(TEXT_COLOUR, text_a, SHADOW_COLOUR, shadow_a)
    return out


def _pill_size(block: _Block) -> tuple[int, int]:
    """Pill width and height around ``block``: padding above the capitals and below the last
    baseline, and the text kept clear of the rounded ends."""
    pad_y = math.ceil(block.size * BUTTON_PAD_Y)
    height = block.cap_height + block.last_baseline + 2 * pad_y
    pad_x = math.ceil(height / 2 + block.size * BUTTON_PAD_X)
    return block.width + 2 * pad_x, height


def _button(words: Sequence[str], w: int, h: int, language: str) -> np.ndarray:
    """An accent pill centred in the array, within the margin, with white text centred in it
    (its capitals' box centred vertically, its ink horizontally)."""
    out = np.zeros((h, w, 4), np.uint8)
    inner_w, inner_h = _inner(w, h)
    if inner_w <= 0 or inner_h <= 0:
        return out

    def ratio(block: _Block) -> float:
        pill_w, pill_h = _pill_size(block)
        return min(inner_w / pill_w, inner_h / pill_h)

    max_size = min(MAX_FONT_SIZE, h // 2)
    block = _fit(words, BUTTON_WEIGHT, language, (1,), max_size, ratio)
    if len(words) > 1:
        two = _fit(words, BUTTON_WEIGHT, language, (BUTTON_MAX_LINES,), max_size, ratio)
        if two is not None and (block is None or block.size < BUTTON_ONE_LINE_RATIO * two.size):
            block = two
    if block is None:
        one_line = _block(_font(MIN_FONT_SIZE, BUTTON_WEIGHT, language), MIN_FONT_SIZE, ["x"])
        limit = inner_w - (_pill_size(one_line)[0] - one_line.width)
        block = _fallback(words, BUTTON_WEIGHT, language, BUTTON_MAX_LINES, limit, ratio)

    pill_w, pill_h = _pill_size(block)
    pill_w, pill_h = min(pill_w, inner_w), min(pill_h, inner_h)
    s = PILL_SUPERSAMPLE
    big = Image.new("L", (pill_w * s, pill_h * s), 0)
    ImageDraw.Draw(big).rounded_rectangle(
        (0, 0, pill_w * s - 1, pill_h * s - 1), radius=min(pill_w, pill_h) * s // 2, fill=255
    )
    pill_mask = big.resize((pill_w, pill_h), Image.Resampling.BOX)

    text_mask = Image.new("L", (pill_w, pill_h), 0)
    x = round(pill_w / 2 - (block.ink[0] + block.ink[2]) / 2)
    y = round(pill_h / 2 - (block.last_baseline - block.cap_height) / 2)
    _draw_lines(text_mask, block, x, y)

    pill_a = np.asarray(pill_mask, np.float32) / 255.0
    text_a = np.asarray(text_mask, np.float32) / 255.0
    x0, y0 = (w - pill_w) // 2, (h - pill_h) // 2
    out[y0 : y0 + pill_h, x0 : x0 + pill_w] = _over(TEXT_COLOUR, text_a, ACCENT_COLOUR, pill_a)
    return out


def text_image(
    text: str, size: tuple[int, int], style: str, language: str = TEXT_LANGUAGE
) -> np.ndarray:
    """Render ``text`` as an RGBA uint8 array of shape (h, w, 4) for ``size = (w, h)``.

    ``style`` is ``"title"`` (white, extra bold, soft shadow, up to 3 lines) or ``"button"``
    (white semibold text on an accent pill, up to 2 lines). Everything drawn lies inside the
    array and clear of its outermost pixels; the rest is transparent, as is the whole array
    for empty or whitespace-only text. ``language`` picks the faces (a Chinese title in
    Chinese forms, a Japanese one in Japanese). Raises ValueError for another style or a size
    that is not two positive integers.
    """
    if style not in STYLES:
        raise ValueError(f"unknown text style {style!r}; expected one of {', '.join(STYLES)}")
    w, h = size
    if int(w) != w or int(h) != h or w <= 0 or h <= 0:
        raise ValueError(f"text image size must be two positive integers, got {size!r}")
    w, h = int(w), int(h)
    words = text.split()
    if not words:
        return np.zeros((h, w, 4), np.uint8)
    if style == "title":
        return _title(words, w, h, language)
    return _button(words, w, h, language)
