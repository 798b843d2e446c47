"""Layouts put the planned source region exactly where it belongs, checked pixel by pixel.

The synthetic source encodes each pixel's own coordinates in its colour (red = x / 5,
green = y / 3), so any output pixel tells which source pixel it came from.
"""

from __future__ import annotations

import numpy as np
import pytest

from editor.render.frames import crop_layout, fit_layout, split_layout

SIZE = (1080, 1920)


@pytest.fixture(scope="module")
def source() -> np.ndarray:
    ys, xs = np.mgrid[0:720, 0:1280]
    frame = np.zeros((720, 1280, 3), np.uint8)
    frame[..., 0] = xs // 5
    frame[..., 1] = ys // 3
    frame[..., 2] = 128
    return frame


def source_xy(pixel: np.ndarray) -> tuple[float, float]:
    return float(pixel[0]) * 5 + 2, float(pixel[1]) * 3 + 1


def assert_maps(out, u, v, box, out_box):
    """Output pixel (u, v) inside ``out_box`` (ox, oy, ow, oh) shows the matching point of
    ``box`` (x, y, w, h), within one colour step (5 px in x, 3 px in y)."""
    x, y, w, h = box
    ox, oy, ow, oh = out_box
    want_x = x + (u - ox + 0.5) * w / ow
    want_y = y + (v - oy + 0.5) * h / oh
    got_x, got_y = source_xy(out[v, u])
    assert abs(got_x - want_x) <= 6, (u, v, got_x, want_x)
    assert abs(got_y - want_y) <= 4, (u, v, got_y, want_y)


def test_crop_fills_the_frame_with_the_box(source):
    box = (400, 0, 405, 720)
    out = crop_layout(source, box, SIZE)
    assert out.shape == (1920, 1080, 3)
    for u, v in [(10, 10), (540, 960), (1070, 1900), (200, 1500)]:
        assert_maps(out, u, v, box, (0, 0, 1080, 1920))


def test_split_stacks_one_panel_per_box_in_order(source):
    boxes = [(100, 100, 450, 400), (700, 200, 450, 400)]
    out = split_layout(source, boxes, SIZE)
    assert out.shape == (1920, 1080, 3)
    for u, v in [(10, 10), (1000, 900), (540, 480)]:
        assert_maps(out, u, v, boxes[0], (0, 0, 1080, 960))
    for u, v in [(10, 970), (1000, 1900), (540, 1440)]:
        assert_maps(out, u, v, boxes[1], (0, 960, 1080, 960))


def test_fit_shows_the_whole_box_centred_over_a_blur(source):
    box = (0, 0, 1280, 720)
    out = fit_layout(source, box, SIZE)
    assert out.shape == (1920, 1080, 3)
    top, height = (1920 - 608) // 2, 608
    for u, v in [(5, top + 5), (1070, top + height - 5), (540, top + 300)]:
        assert_maps(out, u, v, box, (0, top, 1080, height))
    band = out[: top - 10].astype(np.int16)
    sharp = np.abs(np.diff(source.astype(np.int16), axis=1)).sum(axis=2).mean()
    soft = np.abs(np.diff(band, axis=1)).sum(axis=2).mean()
    assert soft < sharp  # the band above the picture is the blurred background


def test_boxes_outside_the_frame_are_clipped(source):
    out = crop_layout(source, (1000, -20, 405, 760), SIZE)
    assert out.shape == (1920, 1080, 3)


def test_a_fractional_window_position_moves_the_picture_by_that_fraction():
    xs = np.arange(1280, dtype=float)
    wave = (127 + 100 * np.sin(2 * np.pi * xs / 24)).astype(np.uint8)
    source = np.repeat(np.repeat(wave[None, :, None], 720, axis=0), 3, axis=2)
    whole = crop_layout(source, (400, 0, 405, 720), SIZE).astype(float)
    half = crop_layout(source, (400.5, 0, 405, 720), SIZE).astype(float)
    next_px = crop_layout(source, (401, 0, 405, 720), SIZE).astype(float)
    middle = slice(100, 900)
    # Half a source pixel lies halfway between the two whole positions ...
    between = np.abs(half[:, middle] - (whole[:, middle] + next_px[:, middle]) / 2).mean()
    # ... and is a real move, not a rounding to either neighbour.
    moved = min(
        np.abs(half[:, middle] - whole[:, middle]).mean(),
        np.abs(half[:, middle] - next_px[:, middle]).mean(),
    )
    assert between < 0.25 * moved
