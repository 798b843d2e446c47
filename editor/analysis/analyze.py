"""One analysis pass per file: decode once, feed every signal, return an :class:`Analysis`.

Analysis is the expensive read; everything after it (planning, assembling) works on the
numbers collected here and never touches pixels again.
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.analysis.faces import FaceSampler, make_detector, sample_interval
from editor.analysis.model import Analysis, Progress, shots_from_cuts
from editor.analysis.scenes import ShotDetector
from editor.analysis.signals import AudioLevels, FrameSignals
from editor.errors import AutocutError
from editor.media.decode import AUDIO_RATE, analysis_frames
from editor.media.probe import Media


def analyze(
    media: Media, progress: Progress | None = None, face_detector: str | None = None
) -> Analysis:
    """Decode ``media`` once and collect shots, frame signals and face tracks.

    ``face_detector`` names the face detection backend (see :func:`make_detector`).
    """
    shots = ShotDetector()
    signals = FrameSignals()
    sound = AudioLevels(AUDIO_RATE)
    faces = FaceSampler(make_detector(face_detector), sample_interval(media.fps))
    times: list[float] = []
    pending = 0
    for frame in analysis_frames(media, audio=sound.add):
        shots.add(frame.image, frame.time)
        grey = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        signals.add(frame.image, grey)
        faces.add(frame.index, frame.image, grey)
        times.append(frame.time)
        pending += 1
        if progress is not None and pending == 25:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    if not times:
        raise AutocutError(media.path, "no video frame could be decoded")
    time_array = np.asarray(times, dtype=np.float64)
    found, transitions = shots.finish()
    shot_list = shots_from_cuts(found, time_array, media.duration)
    return Analysis(
        media=media,
        times=time_array,
        cuts=tuple(found),
        shots=shot_list,
        brightness=signals.brightness(),
        motion=signals.motion(),
        motion_bands=signals.motion_bands(),
        audio_level=sound.levels(time_array, media.duration),
        transitions=tuple(transitions),
        face_boxes=faces.finish(shot_list, (media.width, media.height)),
    )
