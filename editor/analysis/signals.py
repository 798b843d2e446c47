"""Cheap per-frame signals computed on the analysis frames: brightness, detail and motion
energy.

Motion energy is also kept per vertical band (``MOTION_BANDS`` equal columns of the picture),
which says *where* across the frame things move: the reframe planner frames a faceless shot
on its action with it.

Both are means over the luma of the small analysis frame, so they cost well under a
millisecond a frame. Brightness tells black and badly exposed shots apart; motion energy
(mean absolute luma change from the previous frame) tells still shots from lively ones;
detail (the spread of the luma Laplacian) tells sharp pictures from blurred, out-of-focus or
empty ones.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from editor.analysis.rows import Rows

MOTION_BANDS = 16


class FrameSignals:
    """Consumes analysis frames one by one and records brightness, detail and motion energy."""

    def __init__(self) -> None:
        self._rows = Rows(3 + MOTION_BANDS, np.float32)  # brightness, motion, detail, bands
        self._previous: np.ndarray | None = None

    def add(self, image: np.ndarray, luma: np.ndarray | None = None) -> None:
        """Take the next frame (BGR; ``luma`` is its grey version if already made)."""
        if luma is None:
            luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        row = np.zeros(3 + MOTION_BANDS, np.float32)
        row[0] = luma.mean()
        row[2] = detail(luma)
        if self._previous is not None:
            change = cv2.absdiff(luma, self._previous)
            row[1] = change.mean()
            width = change.shape[1] // MOTION_BANDS * MOTION_BANDS
            columns = change[:, :width].mean(axis=0, dtype=np.float32)
            row[3:] = columns.reshape(MOTION_BANDS, -1).mean(axis=1)
        self._rows.add(row)
        self._previous = luma

    def brightness(self) -> np.ndarray:
        return self._rows.since(0)[:, 0].copy()

    def motion(self) -> np.ndarray:
        return self._rows.since(0)[:, 1].copy()

    def detail(self) -> np.ndarray:
        return self._rows.since(0)[:, 2].copy()

    def motion_bands(self) -> np.ndarray:
        """(frames, MOTION_BANDS) mean luma change per vertical band, left to right."""
        return self._rows.since(0)[:, 3:].copy()


def detail(luma: np.ndarray) -> float:
    """Standard deviation of the Laplacian of ``luma``: near 0 for a flat or badly blurred
    picture, tens of levels for a sharp, textured one. Measured on the small analysis frame,
    so it reflects focus and content at the scale a phone screen shows, not encoder grain."""
    _mean, std = cv2.meanStdDev(cv2.Laplacian(luma, cv2.CV_16S, ksize=3))
    return float(std[0, 0])


SILENCE_DB = -100.0
"""Level reported where there is no sound at all (or no audio track)."""
LEVEL_BIN_SECONDS = 0.01
"""Sound is summed in bins this long as it is decoded: memory grows by 100 numbers a second
whatever the sample rate, and any frame rate maps onto the bins."""


class AudioLevels:
    """Consumes decoded sound and reports its level (RMS, dBFS) during every video frame."""

    def __init__(self, rate: int) -> None:
        self._rate = rate
        self._energy = np.zeros(0, np.float64)
        self._count = np.zeros(0, np.int64)
        # Sound is added from the decoder's sound thread while levels may be asked for.
        self._lock = threading.Lock()

    def add(self, samples: np.ndarray, start: float) -> None:
        """Take mono ``samples`` (float, full scale 1.0) whose first one plays at ``start`` s."""
        if samples.size == 0:
            return
        with self._lock:
            self._add(samples, start)

    def _add(self, samples: np.ndarray, start: float) -> None:
        times = start + np.arange(samples.size) / self._rate
        keep = times >= 0
        bins = (times[keep] / LEVEL_BIN_SECONDS).astype(np.int64)
        if bins.size == 0:
            return
        size = int(bins[-1]) + 1
        if size > self._energy.size:
            grow = max(size, 2 * self._energy.size)
            self._energy = np.pad(self._energy, (0, grow - self._energy.size))
            self._count = np.pad(self._count, (0, grow - self._count.size))
        squared = samples[keep].astype(np.float64) ** 2
        self._energy[:size] += np.bincount(bins, weights=squared, minlength=size)
        self._count[:size] += np.bincount(bins, minlength=size)

    def levels(self, times: np.ndarray, duration: float) -> np.ndarray:
        """Level in dBFS during each frame ``[times[i], times[i + 1])`` (the last frame ends at
        ``duration``); :data:`SILENCE_DB` where nothing was heard."""
        with self._lock:
            energy = np.concatenate([[0.0], np.cumsum(self._energy)])
            count = np.concatenate([[0], np.cumsum(self._count)])
        bins = energy.size - 1
        ends = np.append(times[1:], max(duration, float(times[-1]) if times.size else 0.0))
        first = np.floor(times / LEVEL_BIN_SECONDS).astype(np.int64)
        last = np.maximum(first + 1, np.ceil(ends / LEVEL_BIN_SECONDS).astype(np.int64))
        first = np.clip(first, 0, bins)
        last = np.clip(last, 0, bins)
        heard = count[last] - count[first]
        power = (energy[last] - energy[first]) / np.maximum(heard, 1)
        with np.errstate(divide="ignore"):
            level = 10 * np.log10(power)
        level[(heard == 0) | ~np.isfinite(level)] = SILENCE_DB
        return np.maximum(level, SILENCE_DB).astype(np.float32)
