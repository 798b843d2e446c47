"""Cheap per-frame signals computed on the analysis frames: brightness and motion energy.

Both are means over the luma of the small analysis frame, so they cost well under a
millisecond a frame. Brightness tells black and badly exposed shots apart; motion energy
(mean absolute luma change from the previous frame) tells still shots from lively ones.
"""

from __future__ import annotations

import cv2
import numpy as np


class FrameSignals:
    """Consumes analysis frames one by one and records brightness and motion energy."""

    def __init__(self) -> None:
        self._brightness: list[float] = []
        self._motion: list[float] = []
        self._previous: np.ndarray | None = None

    def add(self, image: np.ndarray) -> None:
        luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        self._brightness.append(float(luma.mean()))
        if self._previous is None:
            self._motion.append(0.0)
        else:
            self._motion.append(float(cv2.absdiff(luma, self._previous).mean()))
        self._previous = luma

    def brightness(self) -> np.ndarray:
        return np.asarray(self._brightness, dtype=np.float32)

    def motion(self) -> np.ndarray:
        return np.asarray(self._motion, dtype=np.float32)
