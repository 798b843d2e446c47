"""Text rasterization for title cards and buttons: geometry, fitting, determinism, blending."""

from __future__ import annotations

import numpy as np
import pytest

from editor.captions.fonts import FACES, coverage, load_font
from editor.render.text import ACCENT_COLOUR, _font, text_image

LONG_TITLE = "The night they came home: a story of courage, fear and hope."  # 60 characters
LONG_BUTTON = "Watch the full trailer now on our channel"
BOXES = [(875, 314), (200, 60)]


def _white_bands(rgba: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows holding fully opaque white pixels, as (first, end) pairs: text lines."""
    white = (rgba[..., 3] == 255) & (rgba[..., :3].min(axis=2) >= 250)
    rows = np.concatenate([[0], white.any(axis=1).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(rows))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def test_every_font_is_packaged():
    for face in FACES.values():
        assert face.path.is_file(), face
        assert len(coverage(face)) > 200, face


@pytest.mark.parametrize("style", ["title", "button"])
@pytest.mark.parametrize("size", BOXES)
def test_shape_and_dtype(style, size):
    out = text_image("Hello", size, style)
    assert out.shape == (size[1], size[0], 4)
    assert out.dtype == np.uint8


@pytest.mark.parametrize("style", ["title", "button"])
@pytest.mark.parametrize("size", [*BOXES, (100, 20)])
@pytest.mark.parametrize("text", [LONG_TITLE, LONG_BUTTON, "Supercalifragilistic" * 5])
def test_nothing_touches_the_border(style, size, text):
    alpha = text_image(text, size, style)[..., 3]
    assert alpha[0].max() == 0
    assert alpha[-1].max() == 0
    assert alpha[:, 0].max() == 0
    assert alpha[:, -1].max() == 0


@pytest.mark.parametrize("size", BOXES)
def test_title_draws_opaque_white(size):
    out = text_image(LONG_TITLE, size, "title")
    white = (out[..., 3] == 255) & (out[..., :3].min(axis=2) >= 250)
    assert white.any()
    # The shadow is dark and partly transparent: some pixels are neither white nor empty.
    shadow = (out[..., 3] > 0) & (out[..., :3].max(axis=2) < 64)
    assert shadow.any()


@pytest.mark.parametrize("size", BOXES)
def test_button_is_an_accent_pill_with_white_text(size):
    out = text_image(LONG_BUTTON, size, "button")
    opaque = out[..., 3] == 255
    accent = opaque & np.all(out[..., :3] == ACCENT_COLOUR, axis=2)
    white = opaque & (out[..., :3].min(axis=2) >= 250)
    assert accent.any()
    assert white.any()
    # The pill is centred: its opaque extent is symmetric to within a pixel.
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    h, w = opaque.shape
    assert abs(rows[0] - (h - 1 - rows[-1])) <= 1
    assert abs(cols[0] - (w - 1 - cols[-1])) <= 1


@pytest.mark.parametrize("style", ["title", "button"])
@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_is_transparent(style, text):
    out = text_image(text, (200, 60), style)
    assert out.shape == (60, 200, 4)
    assert not out.any()


def test_long_title_wraps_onto_several_lines():
    short = _white_bands(text_image("Home", (875, 314), "title"))
    wrapped = _white_bands(text_image(LONG_TITLE, (875, 314), "title"))
    assert len(short) == 1
    assert 2 <= len(wrapped) <= 3
    # Wrapping costs size: a single short word is set larger than each wrapped line.
    height = lambda band: band[1] - band[0]  # noqa: E731
    assert height(short[0]) > max(height(band) for band in wrapped)


def test_long_button_fits_a_small_box_on_two_lines():
    assert len(_white_bands(text_image(LONG_BUTTON, (200, 60), "button"))) == 2
    assert len(_white_bands(text_image("Watch now", (875, 140), "button"))) == 1


@pytest.mark.parametrize("style", ["title", "button"])
def test_deterministic(style):
    first = text_image(LONG_TITLE, (875, 314), style)
    second = text_image(LONG_TITLE, (875, 314), style)
    assert np.array_equal(first, second)


@pytest.mark.parametrize("style", ["Title", "caption", ""])
def test_bad_style_raises(style):
    with pytest.raises(ValueError):
        text_image("Hello", (200, 60), style)


@pytest.mark.parametrize("size", [(0, 60), (200, -1)])
def test_bad_size_raises(size):
    with pytest.raises(ValueError):
        text_image("Hello", size, "title")


@pytest.mark.parametrize("text", ["片段", "片段 שלום", "ตอนที่สอง", "الحلقة", "嘘話"])
def test_titles_in_any_script_draw_real_glyphs(text):
    """A missing glyph draws as the same box whatever the character, so a title and its
    characters reversed would look alike; real glyphs differ."""
    drawn = text_image(text, (800, 300), "title")
    swapped = text_image(text[::-1], (800, 300), "title")
    assert drawn[..., 3].any()
    assert not np.array_equal(drawn[..., 3], swapped[..., 3])
    for run, font in _font(60, 800).runs(text):
        assert {c for c in run if not c.isspace()} <= coverage(
            next(f for f in FACES.values() if load_font(f, 60, 800) is font)
        )
