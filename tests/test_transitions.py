"""Gradual transitions (editor.analysis.transitions) on real decoded pictures.

Two shots of the sample footage are decoded at analysis size; wipes, dissolves and in-shot
changes are made from their frames and fed through :class:`ShotDetector`, the way analysis
feeds it. Wipes here run in directions and with edges other than the stress set's.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.analysis.model import Transition
from editor.analysis.moved import moved_residual
from editor.analysis.scenes import ShotDetector
from editor.analysis.transitions import MOVED_SHARE
from editor.media.decode import analysis_frames
from editor.media.probe import probe
from tests.conftest import SAMPLE_FOOTAGE, shared_clip

FPS = 30.0


def decoded(name: str, first: int, count: int) -> list[np.ndarray]:
    """``count`` BGR analysis frames (320 px wide) of a sample clip from frame ``first``."""
    frames = []
    for frame in analysis_frames(probe(SAMPLE_FOOTAGE / name), 320):
        if frame.index >= first:
            frames.append(frame.image)
        if len(frames) == count:
            break
    return frames


@pytest.fixture(scope="module")
def shots() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """90 frames of one shot of clip_a and 90 of one shot of clip_d (no cut inside)."""
    return decoded("clip_a.mp4", 0, 90), decoded("clip_d.mp4", 0, 90)


def detect(frames: list[np.ndarray], fps: float = FPS) -> list[Transition]:
    detector = ShotDetector()
    for i, frame in enumerate(frames):
        detector.add(frame, i / fps)
    return detector.finish()[1]


def wiped(a: np.ndarray, b: np.ndarray, u: float, direction: tuple[float, float], soft: float):
    """``b`` revealed behind a straight boundary at progress ``u`` (0-1) moving along
    ``direction``, with an edge ``soft`` (share of the picture) wide."""
    h, w = a.shape[:2]
    dx, dy = direction
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    along = (x / w - 0.5) * dx + (y / h - 0.5) * dy
    span = (abs(dx) + abs(dy)) / 2 + soft
    alpha = np.clip((u * 2 * span - span - along) / max(soft, 1e-3) + 0.5, 0, 1)[..., None]
    return (a * (1 - alpha) + b * alpha + 0.5).astype(np.uint8)


def spliced(a, b, length: int, mix) -> list[np.ndarray]:
    """40 frames of ``a``, ``length`` frames mixing into ``b`` (``mix(a, b, u)``), then ``b``."""
    middle = [mix(a[40 + k], b[k], (k + 1) / (length + 1)) for k in range(length)]
    return [*a[:40], *middle, *b[length : length + 40]]


def only(found: list[Transition]) -> Transition:
    assert len(found) == 1, found
    return found[0]


def assert_spans(found: Transition, first: int, last: int) -> None:
    """``found`` lies within ``[first, last]`` (two frames' slack) and covers half of it (a
    diagonal wipe's first and last frames change only a corner)."""
    assert first - 2 <= found.start_frame and found.end_frame <= last + 2, found
    shared = min(found.end_frame, last) - max(found.start_frame, first) + 1
    assert shared >= 0.5 * (last - first + 1), found


@pytest.mark.parametrize(
    ("direction", "soft", "length"),
    [
        ((-1.0, 0.0), 0.0, 12),  # right to left, hard edge, 0.4 s
        ((0.0, -1.0), 0.15, 24),  # bottom to top, soft edge
        ((1.0, 1.0), 0.05, 36),  # diagonal, 1.2 s
    ],
)
def test_a_wipe_is_found_as_a_wipe(shots, direction, soft, length):
    a, b = shots
    frames = spliced(a, b, length, lambda x, y, u: wiped(x, y, u, direction, soft))
    found = only(detect(frames))
    assert found.kind == "wipe"
    assert_spans(found, 40, 39 + length)


def test_a_dissolve_over_camera_motion_is_found(shots):
    """clip_d pans; the dissolve from clip_a blends into the moving picture."""
    a, b = shots
    blend = lambda x, y, u: (x * (1 - u) + y * u + 0.5).astype(np.uint8)  # noqa: E731
    found = only(detect(spliced(a, b, 20, blend)))
    assert found.kind == "dissolve"
    assert_spans(found, 40, 59)


def test_a_fade_to_black_and_in_is_found_as_fades(shots):
    a, b = shots
    out = [(a[40 + k] * (1 - (k + 1) / 16) + 0.5).astype(np.uint8) for k in range(15)]
    black = [np.zeros_like(a[0])] * 3
    into = [(b[k] * ((k + 1) / 16) + 0.5).astype(np.uint8) for k in range(15)]
    found = detect([*a[:40], *out, *black, *into, *b[15:60]])
    assert [t.kind for t in found] == ["fade", "fade"]
    assert_spans(found[0], 40, 54)
    assert_spans(found[1], 58, 72)


def test_a_shot_growing_brighter_and_a_flare_are_not_transitions(shots):
    """An exposure change (the same picture under a rising gain) and a fade to near white
    and back to the same shot change much of the picture, but no shot gives way to another."""
    a, _ = shots
    gain = np.r_[np.ones(30), np.linspace(1, 1.3, 20), np.full(40, 1.3)]
    brighter = [np.clip(f * g + 0.5, 0, 255).astype(np.uint8) for f, g in zip(a, gain)]
    assert detect(brighter) == []
    flare = np.sin(np.pi * np.clip((np.arange(90) - 30) / 24, 0, 1)) * 0.95
    flared = [(f + u * (255.0 - f) + 0.5).astype(np.uint8) for f, u in zip(a, flare)]
    assert detect(flared) == []


def test_a_change_over_part_of_a_still_view_is_not_a_dissolve(shots):
    """Someone leaves a still close-up: part of the picture gives way to what was behind them
    over a few frames, smoothly enough to fit a blend, while the rest stays as it was."""
    a, b = shots
    h, w = a[0].shape[:2]
    part = np.zeros((h, w, 1), np.float32)
    part[:, : int(0.45 * w)] = 1.0
    before, after = a[0].astype(np.float32), b[0].astype(np.float32)
    frames = [
        (before + np.clip((i - 30) / 9, 0, 1) * part * (after - before) + 0.5).astype(np.uint8)
        for i in range(80)
    ]
    assert detect(frames) == []


def test_sample_footage_transitions_keep_their_kind():
    for name, kind in (("clip_a.mp4", "fade"), ("clip_b.mp4", "dissolve")):
        frames = decoded(name, 0, 400)
        assert [t.kind for t in detect(frames)] == [kind], name


def test_no_transition_in_a_long_real_shot():
    """139 s of one fixed camera at 10 fps: people walk in and out, the exposure follows."""
    path = shared_clip("one-by-one-person-detection.mp4")
    detector = ShotDetector()
    for frame in analysis_frames(probe(path), 320):
        detector.add(frame.image, frame.time)
    assert detector.finish() == ([], [])


def close_up(frame: np.ndarray, zoom: float, centre: tuple[float, float]) -> np.ndarray:
    """The window ``zoom`` of the picture's size around ``centre`` (fractions), enlarged back
    to the full size: how the stress set frames its close-ups."""
    h, w = frame.shape[:2]
    ch, cw = int(h * zoom), int(w * zoom)
    y0 = int(np.clip(centre[1] * h - ch / 2, 0, h - ch))
    x0 = int(np.clip(centre[0] * w - cw / 2, 0, w - cw))
    return cv2.resize(frame[y0 : y0 + ch, x0 : x0 + cw], (w, h), interpolation=cv2.INTER_LINEAR)


@pytest.mark.parametrize(
    ("first", "zoom", "centre"),
    [
        (273, 0.45, (0.5, 0.5)),
        (273, 0.6, (0.5, 0.5)),
        (483, 0.45, (0.35, 0.4)),
        (483, 0.45, (0.5, 0.5)),  # drifts until the clip's last frame
        (483, 0.6, (0.65, 0.6)),
    ],
)
def test_a_close_up_of_a_drifting_picture_is_no_dissolve(first, zoom, centre):
    """clip_d drifts and zooms over a soft portrait: on the 16x9 thumbnail the picture
    changes smoothly and straight, like a dissolve, but it keeps doing so before and after,
    and the old picture moved matches the new one."""
    frames = [close_up(f, zoom, centre) for f in decoded("clip_d.mp4", first, 114)]
    assert detect(frames) == []


def test_a_moved_picture_is_told_from_another_picture(shots):
    """The old picture shifted by a cell and a half and scaled up by a tenth is explained by
    moving it; a different picture is not."""
    a, b = shots
    h, w = a[0].shape[:2]
    warp = cv2.getRotationMatrix2D((w / 2, h / 2), 0, 1.1)
    warp[0, 2] += 1.5 * w / 16
    moved = cv2.warpAffine(a[0], warp, (w, h), borderMode=cv2.BORDER_REFLECT)
    thumb = lambda f: cv2.resize(f, (16, 9), interpolation=cv2.INTER_AREA).reshape(-1)  # noqa: E731
    old = thumb(a[0]).astype(np.float32)
    assert moved_residual(old, thumb(moved).astype(np.float32)) < MOVED_SHARE
    assert moved_residual(old, thumb(b[0]).astype(np.float32)) > MOVED_SHARE
