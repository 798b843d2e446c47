"""Captions set on the vertical frame: size, lines and box, split in time when too long."""

from __future__ import annotations

import itertools

import pytest

from editor.assemble.cards import caption_box
from editor.assemble.edl import Caption
from editor.captions.layout import lay_out, line_width
from editor.preset import Captions

STYLE = Captions()
FPS = 30.0


def caption(text: str, language: str = "en", start: float = 1.0, end: float = 4.0) -> Caption:
    return Caption(text, language, start, end, (0, 0, 0, 0))


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (720, 1280)])
def test_a_short_line_is_one_line_at_the_preset_size_at_the_bottom_of_the_band(width, height):
    (set_,) = lay_out(caption("We leave at dawn."), width, height, FPS, STYLE)
    assert set_.lines == ("We leave at dawn.",)
    assert set_.size == round(STYLE.size * height / 1920)
    bx, by, bw, bh = caption_box(width, height)
    x, y, w, h = set_.box
    assert bx <= x and x + w <= bx + bw and by <= y and y + h == by + bh
    assert abs((x + w / 2) - (bx + bw / 2)) <= 1
    assert set_.outline == -(-set_.size * STYLE.outline // 1)


def test_a_caption_too_long_for_two_lines_is_split_in_time_on_frames():
    text = (
        "I saw you with him at the station last night, and I know exactly what you told him "
        "about the money, so do not lie to me again."
    )
    parts = lay_out(caption(text, start=2.0, end=8.0), 1080, 1920, FPS, STYLE)
    assert len(parts) >= 2
    assert parts[0].out_in == 2.0 and parts[-1].out_out == 8.0
    band = caption_box(1080, 1920)
    for first, second in itertools.pairwise(parts):
        assert first.out_out == second.out_in
        assert abs(first.out_out * FPS - round(first.out_out * FPS)) < 1e-3
    for part in parts:
        assert 1 <= len(part.lines) <= 2
        assert part.size >= round(STYLE.min_size)
        limit = band[2] - 2 * part.outline
        assert all(line_width(ln, "en", part.size, STYLE.weight) <= limit for ln in part.lines)
    assert " ".join(" ".join(p.lines) for p in parts) == text


def test_wide_scripts_respect_the_characters_per_line():
    style = Captions(max_chars=20)
    (set_,) = lay_out(caption("我看见你和他在一起。别骗我。", "zh"), 1080, 1920, FPS, style)
    assert set_.lines == ("我看见你和他在一起。", "别骗我。")
