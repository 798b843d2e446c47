"""Mastering: the mixed sound brought to a loudness target with its true peak under a ceiling.

What is decided here:

- **Targets** come from the EDL (a preset's ``[sound] loudness``: -14 LUFS and -1 dBTP for
  streaming, EBU R128's -23 LUFS for broadcast; :data:`editor.preset.LOUDNESS`).
- **Gain, then a true-peak limiter, then measure again.** The whole mix gets one gain to the
  target; where that pushes a peak over the ceiling, a limiter lowers just those moments.
  Limiting lowers the integrated loudness a little, so the gain is raised by what was lost
  and the two steps run again from the unmastered mix, until both targets hold (a few
  rounds at most). A linear gain alone cannot reach -14 LUFS on dialogue with loud peaks,
  and ffmpeg's ``loudnorm`` then changes mode by itself and lands up to 0.8 dB over the
  peak ceiling.
- **The limiter.** Per sample, the gain that keeps the oversampled peak under the ceiling;
  held for 5 ms around each peak and averaged over the same 5 ms (so the gain is under the
  need at every peak, and changes smoothly: an attack of 2.5 ms with look-ahead, no
  distortion from instant gain steps); then released with a 120 ms time constant.
- **Headroom for the encoder.** AAC coding moves peaks: the limiter aims
  :data:`CODEC_HEADROOM` dB under the ceiling so the delivered file, measured after
  encoding, still holds it.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from editor.sound.loudness import SILENT, Loudness, measure, oversampling

TOLERANCE = 0.5
"""How far (LU) the master's integrated loudness may be from the target before another round;
the delivery promise is +-1 LU, measured on the encoded file."""
CODEC_HEADROOM = 0.8
HOLD_SECONDS = 0.005
RELEASE_SECONDS = 0.12
ROUNDS = 6


def master(
    samples: np.ndarray,
    rate: int,
    loudness: float,
    true_peak: float,
    headroom: float = CODEC_HEADROOM,
) -> tuple[np.ndarray, Loudness]:
    """``samples`` (``(n, channels)`` float) mastered to ``loudness`` LUFS with its true peak
    ``headroom`` dB under ``true_peak`` dBTP, and the loudness it measures. A silent sound is
    returned as it is."""
    x = np.asarray(samples, np.float32)
    before = measure(x, rate)
    if before.integrated <= SILENT:
        return x, before
    envelope = peak_envelope(x, rate)
    ceiling = true_peak - headroom
    gain = loudness - before.integrated
    for _ in range(ROUNDS):
        scale = 10 ** (gain / 20)
        curve = limiter_gain(envelope * scale, rate, ceiling) * scale
        out = x * curve.astype(np.float32).reshape(-1, *([1] * (x.ndim - 1)))
        after = measure(out, rate)
        missed = loudness - after.integrated
        over = after.true_peak - (true_peak - headroom / 2)
        if abs(missed) <= TOLERANCE / 2 and over <= 0:
            break
        gain += missed
        if over > 0:
            ceiling -= over
    return out, after


def peak_envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """The largest oversampled magnitude within each sample period, over all channels."""
    x = np.asarray(samples, np.float32).reshape(len(samples), -1)
    factor = oversampling(rate)
    up = np.abs(resample_poly(np.ascontiguousarray(x.T), factor, 1, axis=1)).max(axis=0)
    return np.maximum(up[: len(x) * factor].reshape(len(x), factor).max(axis=1), np.abs(x).max(1))


def limiter_gain(envelope: np.ndarray, rate: int, ceiling: float) -> np.ndarray:
    """Per-sample gain that brings every peak of ``envelope`` above ``ceiling`` dBTP down to
    it (see the module notes); 1 wherever the sound is under it."""
    need = np.minimum(1.0, 10 ** (ceiling / 20) / np.maximum(envelope, 1e-12))
    if need.min() >= 1.0:
        return need
    width = 2 * round(HOLD_SECONDS * rate / 2) + 1
    smooth = uniform_filter1d(minimum_filter1d(need, width, mode="nearest"), width, mode="nearest")
    return _released(np.minimum(smooth, need), RELEASE_SECONDS * rate)


def _released(gain: np.ndarray, samples: float) -> np.ndarray:
    """``gain`` where it falls, recovering towards 1 with time constant ``samples`` after:
    the depth ``1 - g`` is the running maximum of each sample's depth decayed since, which
    a cumulative maximum computes in log form without a loop."""
    depth = 1.0 - gain.astype(np.float64)
    step = -1.0 / samples
    n = np.arange(len(depth))
    with np.errstate(divide="ignore"):
        log_depth = np.log(np.maximum(depth, 0.0))
    held = np.maximum.accumulate(log_depth - n * step) + n * step
    # Recovered to within 1e-5 (-0.0001 dB) is recovered: the sound passes exactly again.
    return np.where(held < np.log(1e-5), 1.0, 1.0 - np.exp(held))
