"""Loudness as ITU-R BS.1770-4 and EBU R128 (Tech 3341, 3342) define it, in numpy.

What is measured:

- **Integrated loudness** (LUFS): the sound is K-weighted (a high shelf of about +4 dB above
  1.7 kHz, then a high-pass at 38 Hz, the standard's two biquads designed for the actual
  sample rate), its mean square is taken over 400 ms blocks every 100 ms, blocks below
  -70 LUFS are dropped, then blocks more than 10 LU below the mean of the rest. Channels
  count with weight 1 (stereo, mono).
- **True peak** (dBTP): the largest sample of the sound oversampled four times (twice at
  96 kHz and more), which finds the peaks between samples that a decoder or a sample-rate
  converter will produce.
- **Loudness range** (LU): the spread (10th to 95th percentile) of the 3 s short-term
  loudness, taken every 100 ms, after dropping windows below -70 LUFS and more than 20 LU
  under the mean.

:class:`Meter` takes the sound in pieces of any size and keeps only one number per 100 ms,
so a ten-minute file is measured in flat memory (:func:`measure_file` decodes a file's sound
with ffmpeg and feeds it); :func:`measure` is the whole-array form.
Agreement with ffmpeg's ``ebur128`` filter is tested (:mod:`tests.test_loudness`).
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import lfilter, resample_poly

from editor.errors import AutocutError
from editor.media.encode import AUDIO_CHANNELS, AUDIO_RATE, downmix_filter
from editor.media.ffmpeg import ffmpeg_exe

SILENT = -70.0
"""The absolute gate: what a silent sound measures (LUFS, and dBTP below this)."""
RELATIVE_GATE = -10.0
RANGE_GATE = -20.0
STEP_SECONDS = 0.1
BLOCK_STEPS = 4
SHORT_TERM_STEPS = 30
_MARGIN = 64
"""Input samples on each side of an oversampled piece, so its edges ring as the whole would."""


@dataclass(frozen=True)
class Loudness:
    """One sound's loudness: ``integrated`` in LUFS, ``true_peak`` in dBTP, ``range`` in LU
    (``SILENT`` for a silent sound's loudness and peak)."""

    integrated: float
    true_peak: float
    range: float


def k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting biquads ``(b, a)`` for ``rate``: BS.1770's analogue prototypes
    (shelf at 1681.97 Hz, +4.0 dB; high-pass at 38.14 Hz) through the bilinear transform, so
    48 kHz gives the standard's printed coefficients and other rates the same curve."""
    k = math.tan(math.pi * 1681.974450955533 / rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        np.array([vh + vb * k / q + k * k, 2 * (k * k - vh), vh - vb * k / q + k * k]) / a0,
        np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]),
    )
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = (
        np.array([1.0, -2.0, 1.0]),
        np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]),
    )
    return [shelf, high_pass]


def oversampling(rate: int) -> int:
    """How many times the sound is oversampled for its true peak: four below 96 kHz."""
    return 4 if rate < 96000 else 2


class Meter:
    """Measures a sound fed in pieces (:meth:`feed`) of shape ``(samples, channels)``."""

    def __init__(self, rate: int, channels: int) -> None:
        self.rate = rate
        self.channels = channels
        self._filters = k_weighting(rate)
        self._states = [np.zeros((2, channels)) for _ in self._filters]
        self._step = round(rate * STEP_SECONDS)
        self._pending = np.zeros(0)
        self._energies: list[np.ndarray] = []
        self._factor = oversampling(rate)
        self._history = np.zeros((_MARGIN, channels), np.float32)
        self._peak = 0.0

    def feed(self, samples: np.ndarray) -> Meter:
        x = np.asarray(samples, np.float64).reshape(-1, self.channels)
        if not len(x):
            return self
        weighted = x
        for i, (b, a) in enumerate(self._filters):
            weighted, self._states[i] = lfilter(b, a, weighted, axis=0, zi=self._states[i])
        power = np.concatenate([self._pending, np.sum(weighted * weighted, axis=1)])
        whole = len(power) // self._step * self._step
        if whole:
            self._energies.append(power[:whole].reshape(-1, self._step).sum(axis=1))
        self._pending = power[whole:]
        self._peaks(x)
        return self

    def result(self) -> Loudness:
        """The loudness of everything fed so far."""
        self._peaks(np.zeros((_MARGIN, self.channels), np.float32), final=True)
        steps = np.concatenate(self._energies) if self._energies else np.zeros(0)
        blocks = _windows(steps, BLOCK_STEPS) / (BLOCK_STEPS * self._step)
        short = _windows(steps, SHORT_TERM_STEPS) / (SHORT_TERM_STEPS * self._step)
        peak = 20 * math.log10(self._peak) if self._peak > 0 else -math.inf
        return Loudness(
            integrated=_gated_loudness(blocks),
            true_peak=round(max(SILENT, peak), 2),
            range=_range(short),
        )

    def _peaks(self, x: np.ndarray, final: bool = False) -> None:
        # Each piece is oversampled with _MARGIN samples of the sound around it, and only its
        # middle is kept: the oversampled whole, piece by piece (float32, channels apart).
        if len(x):
            self._peak = max(self._peak, float(x.max()), float(-x.min()))
        buffer = np.concatenate([self._history, x.astype(np.float32)])
        if len(buffer) <= 2 * _MARGIN and not final:
            self._history = buffer
            return
        up = resample_poly(np.ascontiguousarray(buffer.T), self._factor, 1, axis=1)
        keep = up[:, _MARGIN * self._factor : (len(buffer) - _MARGIN) * self._factor]
        if keep.size:
            self._peak = max(self._peak, float(keep.max()), float(-keep.min()))
        self._history = buffer[-2 * _MARGIN :]


def measure(samples: np.ndarray, rate: int) -> Loudness:
    """The :class:`Loudness` of ``samples`` (``(n, channels)`` or mono ``(n,)``) at ``rate``."""
    x = np.asarray(samples)
    channels = 1 if x.ndim == 1 else x.shape[1]
    return Meter(rate, channels).feed(x).result()


def lufs(mean_square: float | np.ndarray):
    """Loudness of a K-weighted mean square summed over channels (BS.1770's -0.691 offset)."""
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(mean_square)


def _windows(steps: np.ndarray, size: int) -> np.ndarray:
    """Sums of ``size`` consecutive 100 ms energies, one per step (complete windows only)."""
    if len(steps) < size:
        return np.zeros(0)
    total = np.concatenate([[0.0], np.cumsum(steps)])
    return total[size:] - total[:-size]


def _gated_loudness(blocks: np.ndarray) -> float:
    loud = blocks[lufs(blocks) > SILENT]
    if not len(loud):
        return SILENT
    gate = lufs(loud.mean()) + RELATIVE_GATE
    kept = loud[lufs(loud) > gate]
    return round(max(SILENT, float(lufs(kept.mean()))), 2)


def _range(short: np.ndarray) -> float:
    loud = short[lufs(short) > SILENT]
    if len(loud) < 2:
        return 0.0
    gate = lufs(loud.mean()) + RANGE_GATE
    values = lufs(loud[lufs(loud) > gate])
    if len(values) < 2:
        return 0.0
    low, high = np.percentile(values, [10, 95])
    return round(float(high - low), 2)


def measure_file(path: str | Path) -> Loudness:
    """The loudness of the first sound stream of ``path``, decoded at the delivery rate and
    layout and measured piece by piece (flat memory, any length)."""
    cmd = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
        "-map", "0:a:0", "-vn", "-sn", "-af", downmix_filter(),
        "-f", "f32le", "-ac", str(AUDIO_CHANNELS), "-ar", str(AUDIO_RATE), "-",
    ]  # fmt: skip
    meter = Meter(AUDIO_RATE, AUDIO_CHANNELS)
    piece = AUDIO_RATE * AUDIO_CHANNELS * 4 * 10  # 10 s of samples
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        rest = b""
        while chunk := proc.stdout.read(piece):
            chunk = rest + chunk
            whole = len(chunk) // (4 * AUDIO_CHANNELS) * 4 * AUDIO_CHANNELS
            meter.feed(np.frombuffer(chunk[:whole], np.float32).reshape(-1, AUDIO_CHANNELS))
            rest = chunk[whole:]
        error = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if proc.returncode != 0:
        reason = error.splitlines()[-1] if error else f"ffmpeg exit {proc.returncode}"
        raise AutocutError(path, f"sound could not be read ({reason})")
    return meter.result()
