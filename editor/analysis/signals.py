"""Cheap per-frame signals computed on the analysis frames: brightness and motion energy.

Motion energy is also kept per vertical band (``MOTION_BANDS`` equal columns of the picture),
which says *where* across the frame things move: the reframe planner frames a faceless shot
on its action with it.

Both are means over the luma of the small analysis frame, so they cost well under a
millisecond a frame. Brightness tells black and badly exposed shots apart; motion energy
(mean absolute luma change from the previous frame) tells still shots from lively ones.
"""

from __future__ import annotations

import cv2
import numpy as np

MOTION_BANDS = 16


class FrameSignals:
    """Consumes analysis frames one by one and records brightness and motion energy."""

    def __init__(self) -> None:
        self._brightness: list[float] = []
        self._motion: list[float] = []
        self._bands: list[np.ndarray] = []
        self._previous: np.ndarray | None = None

    def add(self, image: np.ndarray) -> None:
        luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        self._brightness.append(float(luma.mean()))
        if self._previous is None:
            self._motion.append(0.0)
            self._bands.append(np.zeros(MOTION_BANDS, np.float32))
        else:
            change = cv2.absdiff(luma, self._previous)
            self._motion.append(float(change.mean()))
            width = change.shape[1] // MOTION_BANDS * MOTION_BANDS
            columns = change[:, :width].mean(axis=0, dtype=np.float32)
            self._bands.append(columns.reshape(MOTION_BANDS, -1).mean(axis=1))
        self._previous = luma

    def brightness(self) -> np.ndarray:
        return np.asarray(self._brightness, dtype=np.float32)

    def motion(self) -> np.ndarray:
        return np.asarray(self._motion, dtype=np.float32)

    def motion_bands(self) -> np.ndarray:
        """(frames, MOTION_BANDS) mean luma change per vertical band, left to right."""
        return np.asarray(self._bands, dtype=np.float32).reshape(-1, MOTION_BANDS)
