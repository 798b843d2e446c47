"""One analysis pass per file: decode once, feed every signal, return an :class:`Analysis`.

Analysis is the expensive read; everything after it (planning, assembling) works on the
numbers collected here and never touches pixels again.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from editor.analysis.faces import FaceSampler, make_detector, sample_interval
from editor.analysis.model import (
    ANALYSIS_WIDTH,
    Analysis,
    Progress,
    Shot,
    Transition,
    shots_from_cuts,
)
from editor.analysis.scenes import ShotDetector
from editor.analysis.signals import AudioLevels, FrameSignals
from editor.analysis.speech import SpeechDetector, detector_available, frame_speech, utterances
from editor.errors import AutocutError
from editor.media.decode import AUDIO_RATE, analysis_frames
from editor.media.probe import Media

Settled = Callable[[Analysis], None]
"""Called during analysis with what is decided for good so far: an :class:`Analysis` of the
frames up to the latest settled cut (its last shot ends there; arrays end there too)."""

SETTLED_EVERY_SECONDS = 2.0
"""How often (in video time) analysis reports newly settled shots."""


def analyze(
    media: Media,
    progress: Progress | None = None,
    face_detector: str | None = None,
    on_settled: Settled | None = None,
    detect_speech: bool = True,
    scope: str = "full",
) -> Analysis:
    """Decode ``media`` once and collect shots, frame signals and face tracks.

    ``face_detector`` names the face detection backend (see :func:`make_detector`).
    ``on_settled`` hears of whole shots as soon as later frames can no longer change them, so
    that planning and rendering can start on them while the rest is analysed; the final
    :class:`Analysis` says the same of them. ``detect_speech=False`` leaves speech out, as where
    the model is missing (no utterances, no speech per frame): for measuring its cost.
    ``scope="shots"`` measures the shot boundaries alone (see :attr:`Analysis.scope`).
    """
    if scope == "shots":
        return _shots_only(media, progress)
    shots = ShotDetector()
    signals = FrameSignals()
    sound = AudioLevels(AUDIO_RATE)
    speech = SpeechDetector(AUDIO_RATE, enabled=detect_speech and detector_available())

    def hear(samples: np.ndarray, start: float) -> None:
        sound.add(samples, start)
        speech.add(samples, start)

    faces = FaceSampler(make_detector(face_detector), sample_interval(media.fps))
    times: list[float] = []
    pending = 0
    settled = _Settled()
    every = max(1, round(SETTLED_EVERY_SECONDS * media.fps))
    for frame in analysis_frames(media, ANALYSIS_WIDTH, audio=hear):
        shots.add(frame.image, frame.time)
        grey = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        signals.add(frame.image, grey)
        faces.add(frame.index, frame.image, grey)
        times.append(frame.time)
        if on_settled is not None and len(times) % every == 0 and len(times) >= settled.due:
            partial = settled.update(media, times, shots, signals, sound, speech, faces)
            if partial is not None:
                on_settled(partial)
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
    windows = speech.windows()
    return Analysis(
        media=media,
        times=time_array,
        cuts=tuple(found),
        shots=shot_list,
        brightness=signals.brightness(),
        motion=signals.motion(),
        motion_bands=signals.motion_bands(),
        audio_level=sound.levels(time_array, media.duration),
        detail=signals.detail(),
        speech=frame_speech(windows, time_array, media.duration),
        utterances=utterances(windows),
        transitions=tuple(transitions),
        face_boxes=faces.finish(shot_list, (media.width, media.height)),
    )


def _shots_only(media: Media, progress: Progress | None) -> Analysis:
    """The shot boundaries of ``media`` from one decode pass of its pictures alone."""
    shots = ShotDetector()
    times: list[float] = []
    for frame in analysis_frames(media, ANALYSIS_WIDTH):
        shots.add(frame.image, frame.time)
        times.append(frame.time)
        if progress is not None and len(times) % 25 == 0:
            progress(25)
    if progress is not None and len(times) % 25:
        progress(len(times) % 25)
    if not times:
        raise AutocutError(media.path, "no video frame could be decoded")
    time_array = np.asarray(times, dtype=np.float64)
    found, transitions = shots.finish()
    return Analysis(
        media=media,
        times=time_array,
        cuts=tuple(found),
        shots=shots_from_cuts(found, time_array, media.duration),
        brightness=np.zeros(0),
        motion=np.zeros(0),
        transitions=tuple(transitions),
        scope="shots",
    )


class _Settled:
    """What analysis has settled so far, grown as the frames come (see ``on_settled``)."""

    def __init__(self) -> None:
        self.cuts: list[int] = []
        self.transitions: list[Transition] = []
        self.horizon = 0
        self.due = 0
        self.faces: list[np.ndarray] = []
        self.tracks = 0
        self.shots: list[Shot] = []

    def update(
        self,
        media: Media,
        times: list[float],
        shots: ShotDetector,
        signals: FrameSignals,
        sound: AudioLevels,
        speech: SpeechDetector,
        faces: FaceSampler,
    ) -> Analysis | None:
        """Take in newly settled cuts; an Analysis up to the last of them if there are any.

        Reports come at most every 2 % of the frames so far, so the arrays copied for each
        stay a small share of the work on long files.
        """
        self.due = len(times) + len(times) // 50
        cuts, transitions, self.horizon = shots.settled(self.horizon)
        self.transitions += transitions
        if not cuts:
            return None
        self.cuts += cuts
        end = self.cuts[-1]
        time_array = np.asarray(times[:end], dtype=np.float64)
        shot_list = shots_from_cuts(self.cuts[:-1], time_array, float(times[end]))
        new = shot_list[len(self.shots) :]
        rows, count = faces.rows_so_far(new, (media.width, media.height), self.tracks)
        self.faces.append(rows)
        self.tracks += count
        self.shots = list(shot_list)
        windows = speech.windows()
        return Analysis(
            media=media,
            times=time_array,
            cuts=tuple(self.cuts[:-1]),
            shots=shot_list,
            brightness=signals.brightness()[:end],
            motion=signals.motion()[:end],
            motion_bands=signals.motion_bands()[:end],
            detail=signals.detail()[:end],
            audio_level=sound.levels(np.asarray(times[: end + 1]), float(times[end]))[:end],
            speech=frame_speech(windows, np.asarray(times[: end + 1]), float(times[end]))[:end],
            utterances=tuple(u for u in utterances(windows) if u.end <= times[end]),
            transitions=tuple(t for t in self.transitions if t.end_frame < end),
            face_boxes=np.concatenate(self.faces),
        )
