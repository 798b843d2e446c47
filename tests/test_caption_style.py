"""The `[captions]` style a studio sets in its preset: where the lines sit, a soft shadow, and
its own font, with the packaged faces behind it so no line ever shows boxes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from editor.assemble.cards import safe_box
from editor.assemble.edl import Caption
from editor.captions.fonts import FACES, face_runs
from editor.captions.layout import lay_out, line_width
from editor.errors import AutocutError
from editor.preset import Captions, load_preset, parse_preset
from editor.render.captions import caption_image
from tests.conftest import SAMPLE_FOOTAGE, run_cli

FPS = 30.0
BRAND = str(FACES["he"].path)
"""A font file that is not the default Latin face (Heebo: Latin and Hebrew only)."""


def laid(text: str, style: Captions, language: str = "en") -> Caption:
    (caption,) = lay_out(Caption(text, language, 1.0, 3.0, (0, 0, 0, 0)), 1080, 1920, FPS, style)
    return caption


@pytest.mark.parametrize("position", [1.0, 0.8, 0.5, 0.25])
def test_position_sets_where_the_lowest_line_may_reach(position):
    caption = laid("We leave at dawn.", Captions(position=position))
    sx, sy, sw, sh = safe_box(1080, 1920)
    x, y, w, h = caption.box
    assert abs(y + h - (sy + position * sh)) <= 1
    assert sx <= x and x + w <= sx + sw and sy <= y and y + h <= sy + sh


def test_a_position_outside_the_safe_box_is_refused():
    text = 'name = "x"\ndescription = "y"\nduration = 30\n[captions]\nposition = 0.1\n'
    with pytest.raises(AutocutError, match=r"'captions.position' must be 0\.25 or more"):
        parse_preset(text.encode(), source="custom.toml")


def _ink(alpha: np.ndarray) -> tuple[float, float, float]:
    ys, xs = np.nonzero(alpha > 8)
    weights = alpha[ys, xs].astype(float)
    return weights.sum(), np.average(xs, weights=weights), np.average(ys, weights=weights)


def test_a_shadow_falls_below_and_right_and_fits_the_box():
    plain = laid("Nobody can know.", Captions())
    shaded = laid("Nobody can know.", Captions(shadow=0.08))
    assert shaded.shadow == math.ceil(shaded.size * 0.08)
    assert shaded.box[2] > plain.box[2] and shaded.box[3] > plain.box[3]  # room for it
    bare = caption_image(dataclasses.replace(shaded, shadow=0))
    with_shadow = caption_image(shaded)
    _, x, y = _ink(bare[..., 3])
    added = np.where((with_shadow[..., 3] > 8) & (bare[..., 3] == 0), with_shadow[..., 3], 0)
    assert np.count_nonzero(added) > 0.1 * np.count_nonzero(bare[..., 3] > 8)
    _, x_s, y_s = _ink(added)
    assert x_s > x and y_s > y  # the added darkness sits below and right of the letters
    # The letters themselves are unchanged: the shadow is under them, not over them.
    white = (bare[..., 3] == 255) & (bare[..., :3].min(axis=2) == 255)
    assert np.array_equal(with_shadow[white], bare[white])
    # Nothing is cut off at the box's edges.
    edges = np.concatenate([with_shadow[0, :, 3], with_shadow[-1, :, 3],
                            with_shadow[:, 0, 3], with_shadow[:, -1, 3]])  # fmt: skip
    assert edges.max() < 8


def test_a_studio_font_sets_the_lines_it_can_and_the_packaged_faces_the_rest():
    style = Captions(font=BRAND)
    latin = laid("Then who is at the door?", style)
    assert latin.font == BRAND
    assert face_runs(latin.text, "en", BRAND)[0][1].name == "Heebo"
    own = line_width(latin.lines[0], "en", latin.size, latin.weight, BRAND)
    default = line_width(latin.lines[0], "en", latin.size, latin.weight)
    assert own != default  # measured in the font it is drawn in
    drawn = caption_image(latin)
    assert not np.array_equal(drawn, caption_image(dataclasses.replace(latin, font="")))
    # A Thai line the font cannot draw is set exactly as without it: no boxes.
    thai = laid("แล้วใครอยู่ที่ประตู", style, "th")
    assert {face.name for _, face in face_runs(thai.text, "th", BRAND)} == {"Noto Sans Thai"}
    assert np.array_equal(caption_image(thai), caption_image(dataclasses.replace(thai, font="")))


def test_a_preset_font_is_found_beside_the_preset(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "brand.ttf").write_bytes(FACES["he"].path.read_bytes())
    path = tmp_path / "mine.toml"
    path.write_text(
        'name = "mine"\ndescription = "y"\nduration = 10\n[captions]\nfont = "fonts/brand.ttf"\n'
    )
    assert load_preset(str(path)).captions.font == str(tmp_path / "fonts" / "brand.ttf")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such font file"), (b"not a font at all", "not a TrueType or OpenType font")],
)
def test_a_bad_font_stops_the_run_at_once_with_one_line(tmp_path, content, message):
    font = tmp_path / "brand.ttf"
    if content is not None:
        font.write_bytes(content)
    preset = tmp_path / "mine.toml"
    preset.write_text(
        f'name = "mine"\ndescription = "y"\nduration = 10\n[captions]\nfont = "{font.as_posix()}"\n'
    )
    out = tmp_path / "out"
    result = run_cli(str(SAMPLE_FOOTAGE / "clip_d.mp4"), "--preset", str(preset), "-o", str(out))
    assert result.returncode != 0
    assert (
        result.stderr.count("\n") == 1 and message in result.stderr and "brand.ttf" in result.stderr
    )
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("language", "text"), [("zh", "你昨晚去哪儿了？"), ("ja", "昨夜はどこにいたの？")]
)
def test_chinese_and_japanese_lines_take_the_preset_weight(language, text):
    def ink(weight: int) -> int:
        caption = laid(text, Captions(weight=weight, outline=0.0), language)
        alpha = caption_image(caption)[..., 3]
        return int(np.count_nonzero(alpha > 128))

    assert ink(200) < ink(400) and ink(700) > 1.25 * ink(400)
