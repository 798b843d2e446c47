"""autocut's shot detector as a PySceneDetect detector.

``StepDetector`` plugs :class:`editor.analysis.scenes.ShotDetector` into PySceneDetect's
``SceneDetector`` interface, so it runs under ``scenedetect.SceneManager`` / ``detect`` on any
of PySceneDetect's video streams, next to its own detectors. autocut itself does not go
through here: its analysis pass feeds ``ShotDetector`` directly with exact frame times, and
keeps PySceneDetect out of the import path of cached runs.
"""

from __future__ import annotations

import numpy as np
from scenedetect import FrameTimecode, SceneDetector

from editor.analysis.model import Transition
from editor.analysis.scenes import ShotDetector


class StepDetector(SceneDetector):
    """Hard cuts by autocut's step test; ``transitions`` holds fades and dissolves after the
    scan. Cuts are reported at the end of the scan (``post_process``): deciding a frame needs
    frames on both sides of it."""

    def __init__(self) -> None:
        super().__init__()
        self._detector = ShotDetector()
        self._rate = None
        self.transitions: list[Transition] = []

    def process_frame(self, timecode: FrameTimecode, frame_img: np.ndarray) -> list:
        self._rate = timecode.frame_rate
        self._detector.add(frame_img, timecode.seconds)
        return []

    def post_process(self, timecode: FrameTimecode) -> list[FrameTimecode]:
        cuts, self.transitions = self._detector.finish()
        return [FrameTimecode(cut, self._rate or timecode.frame_rate) for cut in cuts]
