"""Layouts put the planned source region exactly where it belongs, checked pixel by pixel.

The synthetic 4:2:0 source encodes each pixel's own coordinates in its planes: luma = x / 5,
the first chroma plane = y / 3 (at its own half resolution), so any output pixel tells which
source pixel it came from, and the two planes must agree on where things are.
"""

from __future__ import annotations

import numpy as np
import pytest

from editor.render.frames import crop_layout, fit_geometry, fit_layout, split_layout

SIZE = (1080, 1920)


@pytest.fixture(scope="module")
def source():
    _ys, xs = np.mgrid[0:720, 0:1280]
    luma = (xs // 5).astype(np.uint8)
    cys, _ = np.mgrid[0:360, 0:640]
    u = ((2 * cys + 0.5) // 3).astype(np.uint8)
    v = np.full((360, 640), 128, np.uint8)
    return luma, u, v


def assert_maps(out, u, v, box, out_box):
    """Output pixel (u, v) inside ``out_box`` (ox, oy, ow, oh) shows the matching point of
    ``box`` (x, y, w, h): luma tells x within one colour step (5 px), the chroma pixel over
    it tells y within one step (3 px) plus a chroma pixel."""
    x, y, w, h = box
    ox, oy, ow, oh = out_box
    want_x = x + (u - ox + 0.5) * w / ow
    want_y = y + (v - oy + 0.5) * h / oh
    got_x = float(out[0][v, u]) * 5 + 2
    got_y = float(out[1][v // 2, u // 2]) * 3 + 1
    assert abs(got_x - want_x) <= 6, (u, v, got_x, want_x)
    assert abs(got_y - want_y) <= 6, (u, v, got_y, want_y)


def shapes(out):
    return [plane.shape for plane in out]


def test_crop_fills_the_frame_with_the_box(source):
    box = (400, 0, 405, 720)
    out = crop_layout(source, box, SIZE)
    assert shapes(out) == [(1920, 1080), (960, 540), (960, 540)]
    for u, v in [(10, 10), (540, 960), (1070, 1900), (200, 1500)]:
        assert_maps(out, u, v, box, (0, 0, 1080, 1920))


def test_split_stacks_one_panel_per_box_in_order(source):
    boxes = [(100, 100, 450, 400), (700, 200, 450, 400)]
    out = split_layout(source, boxes, SIZE)
    assert shapes(out) == [(1920, 1080), (960, 540), (960, 540)]
    for u, v in [(10, 10), (1000, 900), (540, 480)]:
        assert_maps(out, u, v, boxes[0], (0, 0, 1080, 960))
    for u, v in [(10, 970), (1000, 1900), (540, 1440)]:
        assert_maps(out, u, v, boxes[1], (0, 960, 1080, 960))


def test_three_panels_keep_luma_and_chroma_edges_together(source):
    boxes = [(100, 100, 300, 200), (500, 100, 300, 200), (900, 100, 300, 200)]
    out = split_layout(source, boxes, (720, 1280))
    edges = [0, 426, 854, 1280]  # even heights: 426, 428, 426
    for k, box in enumerate(boxes):
        top, bottom = edges[k], edges[k + 1]
        for u, v in [(10, top + 4), (700, bottom - 4), (360, (top + bottom) // 2)]:
            assert_maps(out, u, v, box, (0, top, 720, bottom - top))


def test_fit_shows_the_whole_box_centred_over_a_blur(source):
    box = (0, 0, 1280, 720)
    out = fit_layout(source, box, SIZE)
    assert shapes(out) == [(1920, 1080), (960, 540), (960, 540)]
    height, top = fit_geometry(box, SIZE)
    assert (height, top) == (608, 656)
    for u, v in [(5, top + 5), (1070, top + height - 5), (540, top + 300)]:
        assert_maps(out, u, v, box, (0, top, 1080, height))
    band = out[0][: top - 10].astype(np.int16)
    sharp = np.abs(np.diff(source[0].astype(np.int16), axis=1)).mean()
    soft = np.abs(np.diff(band, axis=1)).mean()
    assert soft < sharp  # the band above the picture is the blurred background


def test_boxes_outside_the_frame_are_clipped(source):
    out = crop_layout(source, (1000, -20, 405, 760), SIZE)
    assert shapes(out) == [(1920, 1080), (960, 540), (960, 540)]


def test_a_fractional_window_position_moves_the_picture_to_the_nearest_output_pixel():
    xs = np.arange(1280, dtype=float)
    wave = (127 + 100 * np.sin(2 * np.pi * xs / 24)).astype(np.uint8)
    luma = np.repeat(wave[None, :], 720, axis=0)
    chroma = np.full((360, 640), 128, np.uint8)
    picture = (luma, chroma, chroma)
    scale = 1080 / 405
    whole = crop_layout(picture, (400, 0, 405, 720), SIZE)[0].astype(float)
    for fraction in (0.25, 0.5, 0.75, 1.0):
        moved = crop_layout(picture, (400 + fraction, 0, 405, 720), SIZE)[0].astype(float)

        def error(shift: int, moved: np.ndarray = moved) -> float:
            return float(np.abs(moved[:, 100:900] - whole[:, 100 + shift : 900 + shift]).mean())

        shift = round(fraction * scale)  # the nearest whole output pixel
        assert shift > 0
        assert error(shift) < error(shift - 1) and error(shift) < error(shift + 1)
        assert error(shift) < 2.5  # what is left is under half an output pixel of the wave
