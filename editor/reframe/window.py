"""The crop window: which part of a landscape source becomes the vertical frame."""

from __future__ import annotations


def fit_window(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """Size of the largest window with the output's aspect ratio that fits in the source.

    Even sizes, so a window can be cut from a yuv420p frame without chroma rounding.
    """
    if src_w * out_h >= src_h * out_w:  # source is wider than the output: full height
        h = src_h
        w = round(src_h * out_w / out_h)
    else:
        w = src_w
        h = round(src_w * out_h / out_w)
    return max(2, min(src_w, w) // 2 * 2), max(2, min(src_h, h) // 2 * 2)
