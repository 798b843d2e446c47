"""Beats and bar starts of a piece of music, so the edit can cut on them. Pure numpy/scipy.

What is decided here:

- **What is an onset.** The sound is mixed to mono and read at :data:`ANALYSIS_RATE` (drum
  attacks and chord changes lie well under 8 kHz) in 64 ms windows every 10 ms, in bands a
  third of an octave wide from 30 Hz (:data:`BAND_EDGES`): equal room per octave, so the
  kick's few low bins weigh as much as the hats' many high ones. Band levels are in dB over a
  floor :data:`FLOOR_DB` under the music's loud passages, so nothing depends on the file's
  level, and a stroke counts by how far it rises above that floor: a kick or a snare more
  than a hat or a ghost note, as they are heard. The onset strength of a frame is how much
  the bands rose since the frame before (rises only), averaged over the bands; the bands
  under :data:`LOW_HZ` (kick, bass) give a second envelope. The beat reads both, each
  scaled to unit deviation and added: the kick marks the beat, hats and off-beat chords mark
  its subdivisions.
- **Tempo.** The envelope is compared with itself shifted (autocorrelation); a candidate
  beat period scores the correlation summed at one to :data:`COMB` periods (a comb: a period
  that is too short also lands on the weak half-beats and loses), plus the correlation a
  bar (four periods) later once more (:data:`BAR_WEIGHT`, 4/4 assumed: a drum pattern
  repeats every bar, so this tells the beat from periods a sixteenth grid also supports, such
  as three sixteenths), weighted by a prior (log-normal around :data:`PRIOR_BPM`,
  :data:`PRIOR_OCTAVES` wide) within :data:`BPM_RANGE`. A period and its double often score
  alike; the prior settles which one is the beat as listeners tap it, and the range leaves
  out bar-long and sixteenth periods.
- **Beats.** Dynamic programming (Ellis 2007) picks the beat times that collect the most
  onset strength (the envelope over its median, so a beat where nothing strikes costs
  nothing) while keeping each gap near the period (the penalty grows with the square of the
  log of gap over period, :data:`TIGHTNESS`), so beats sit on onsets where the music has
  them and run on at the tempo through quiet stretches. The path ends where the collected
  strength is greatest, then leading and trailing beats that rise less than
  :data:`EDGE_STRENGTH` are dropped, so no beats are made up in silence or noise before or
  after the music. Times are the onset frames plus :data:`ONSET_LAG`; the tempo reported is
  the slope of the beat times over their count.
- **Bar start** (4/4 assumed): of the four phases, the one whose beats carry the most
  low-band energy, as a share of the mean over the phases (the accented kick on beat one),
  plus the most change in the pitch classes held through the beat, as the share of the held
  pitch content that changed (chords change on bar lines; drums, which strike and decay,
  hardly move the held pitches).
- **No beat.** Silence (peak under :data:`SILENCE_DBFS`), less than :data:`MIN_SECONDS` of
  sound, or an envelope that correlates with itself a beat later less than
  :data:`MIN_PERIODICITY` or than chance allows for its length (:data:`CHANCE`: noise,
  speech, a held chord, strokes at random) give ``BeatTrack(0.0, (), 0)``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import fft
from scipy.ndimage import uniform_filter1d
from scipy.signal import resample_poly

ANALYSIS_RATE = 16000
WINDOW = 1024
"""64 ms at the analysis rate: 15.6 Hz bins, fine enough to keep a kick apart from a bass."""
HOP = 160
FRAME_RATE = ANALYSIS_RATE / HOP
"""Onset frames per second (10 ms apart)."""
ONSET_LAG = 1 / FRAME_RATE
"""How much later than its onset frame an attack is: a decaying attack raises a 64 ms window's
level most as it enters the window's second half, so the rise shows one frame early."""
BAND_EDGES = tuple(30.0 * 2 ** (k / 3) for k in range(25))
"""Third-octave band edges, 30 Hz to 7.6 kHz."""
LOW_HZ = 200.0
"""Bands under this carry the kick and the bass."""
FLOOR_DB = 35.0
"""Band levels more than this under the loud passages count as silence: a hat 20 dB under the
kick still rises 15 dB, half as much as the kick; hiss and reverb tails stay under it; a
produced song's quiet parts are rarely more than 20 dB under its loud ones."""
LOUD_PERCENTILE = 95.0
"""The music's loud passages: the band level the loudest band of a frame exceeds in 5 % of the
frames (a single boom or crash does not set the floor for the rest)."""
BPM_RANGE = (60.0, 200.0)
PRIOR_BPM = 120.0
PRIOR_OCTAVES = 1.0
"""Tempo prior: listeners tap most music near 120 BPM, and rarely more than an octave away."""
COMB = 4
"""Multiples of a candidate period whose correlations add up to its score."""
BAR_WEIGHT = 1.0
"""Extra weight of the correlation four periods later (a bar of 4/4)."""
TIGHTNESS = 100.0
"""Weight of the gap penalty against onset strength (in deviations of the envelope): a gap
10 % off the period costs about one deviation, a gap of half or twice the period 48."""
EDGE_STRENGTH = 0.5
"""The first and last beats are the first and last whose onset rises this many deviations of
the envelope over its median: noise before or after the music rises about a tenth of one,
a stroke, however soft, more than one."""
CHROMA_WINDOW = 4096
"""256 ms at the analysis rate: 4 Hz bins, a semitone apart from 70 Hz up."""
CHROMA_HZ = (70.0, 2000.0)
"""Where chords and bass lines have their pitch (fundamentals and first harmonics)."""
MIN_SECONDS = 4.0
"""Shortest sound with beats to find: four beats at the slowest tempo."""
SILENCE_DBFS = -60.0
"""A peak under this is nothing anyone would hear or cut to."""
MIN_PERIODICITY = 0.1
"""Lowest correlation of the onset envelope with itself a beat later (over its correlation
with itself) that counts as a beat; a repeating drum pattern reaches 0.3 and more, noise
stays near 0."""
CHANCE = 0.7
"""Correlation at the best period that onsets struck at random reach by chance in one second
of sound; it falls with the square root of the length (0.33 in 4.5 s, 0.17 in 10 s), so a
short clip must be more regular than a long one to count as having a beat."""


@dataclass(frozen=True)
class BeatTrack:
    """The beats of a piece: ``bpm`` the tempo, ``beats`` times in seconds from the first
    sample (to the microsecond), ``downbeat`` the index in ``beats`` of the first bar start
    (0-3)."""

    bpm: float
    beats: tuple[float, ...]
    downbeat: int


NO_BEATS = BeatTrack(0.0, (), 0)


def track_beats(samples: np.ndarray, rate: int) -> BeatTrack:
    """The beats and first bar start of ``samples`` (float ``(n,)`` mono or ``(n, channels)``
    at ``rate`` Hz); :data:`NO_BEATS` when there are none (see the module notes)."""
    x = _analysis_sound(samples, rate)
    if x is None or len(x) < MIN_SECONDS * ANALYSIS_RATE:
        return NO_BEATS
    levels = band_levels(x)
    onset, low = _envelopes(levels)
    strength = _normalised(onset) + _normalised(low)
    period, periodicity = tempo(strength)
    if periodicity < max(MIN_PERIODICITY, CHANCE / math.sqrt(len(onset) / FRAME_RATE)):
        return NO_BEATS
    frames = _trim(place_beats(strength, period), strength)
    if len(frames) < 2:
        return NO_BEATS
    index = np.concatenate([[0], np.cumsum(np.maximum(1, np.round(np.diff(frames) / period)))])
    slope = float(np.polyfit(index, frames, 1)[0]) if len(frames) > 2 else period
    times = tuple(round(float(f) / FRAME_RATE + ONSET_LAG, 6) for f in frames)
    bpm = round(60.0 * FRAME_RATE / slope, 3)
    low_power = (10 ** (levels[:, _low_bands()] / 10)).sum(axis=1)
    return BeatTrack(bpm, times, bar_start(frames, low_power, _chroma_change(x, frames)))


def onset_envelopes(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Broadband and low-band onset strength per 10 ms frame (see the module notes); empty
    for silence. Frame ``i`` is the rise into the window centred at ``i * HOP``."""
    x = _analysis_sound(samples, rate)
    return (np.zeros(0), np.zeros(0)) if x is None else _envelopes(band_levels(x))


def _envelopes(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flux = np.maximum(np.diff(levels, axis=0, prepend=levels[:1]), 0.0)
    return flux.mean(axis=1), flux[:, _low_bands()].mean(axis=1)


def _low_bands() -> np.ndarray:
    return np.asarray(_band_starts()[1]) < LOW_HZ


def band_levels(x: np.ndarray) -> np.ndarray:
    """Third-octave band levels (dB, floored) per frame of analysis-rate sound ``x``."""
    padded = np.pad(x, (WINDOW // 2, WINDOW // 2))
    count = 1 + (len(padded) - WINDOW) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(padded, WINDOW)[::HOP][:count]
    window = np.hanning(WINDOW).astype(np.float32)
    starts, _ = _band_starts()
    top = _band_top()
    power = np.empty((count, len(starts)), np.float32)
    chunk = 2048
    for a in range(0, count, chunk):
        spectrum = fft.rfft(frames[a : a + chunk] * window, axis=1)
        bins = (spectrum.real**2 + spectrum.imag**2)[:, :top]
        power[a : a + chunk] = np.add.reduceat(bins, starts, axis=1)
    levels = 10 * np.log10(power + 1e-20)
    loud = np.percentile(levels.max(axis=1), LOUD_PERCENTILE)
    return np.maximum(levels, loud - FLOOR_DB)


def tempo(strength: np.ndarray) -> tuple[float, float]:
    """Beat period (frames) of an onset envelope and the envelope's normalised correlation a
    period later (see the module notes)."""
    z = strength - strength.mean()
    low, high = BPM_RANGE
    longest = 60.0 * FRAME_RATE / low
    lags = min(len(z) - 1, math.ceil(COMB * longest) + 2)
    size = fft.next_fast_len(2 * len(z))
    spectrum = fft.rfft(z, size)
    acf = fft.irfft(spectrum.real**2 + spectrum.imag**2, size)[: lags + 1]
    if acf[0] <= 0:
        return 60.0 * FRAME_RATE / PRIOR_BPM, 0.0
    acf /= acf[0]
    bpm = low * 2 ** np.arange(0.0, math.log2(high / low), 1 / 240)
    periods = 60.0 * FRAME_RATE / bpm
    lag = np.arange(len(acf))
    comb = sum(np.interp(k * periods, lag, acf, right=0.0) for k in range(1, COMB + 1))
    comb += BAR_WEIGHT * np.interp(4 * periods, lag, acf, right=0.0)
    prior = np.exp(-0.5 * (np.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    best = int(np.argmax(np.maximum(comb, 0.0) * prior))
    period = float(periods[best])
    return period, float(np.interp(period, lag, acf))


def place_beats(strength: np.ndarray, period: float) -> np.ndarray:
    """Beat frames: the dynamic-programming path through ``strength`` (see the module notes)."""
    local = np.maximum(uniform_filter1d(strength, 3) - np.median(strength), 0.0)
    local /= local.std() + 1e-12
    near, far = max(1, round(period / 2)), round(2 * period)
    gaps = np.arange(far, near - 1, -1)
    cost = -TIGHTNESS * np.log(gaps / period) ** 2
    n = len(local)
    score = local.copy()
    back = np.full(n, -1)
    for t in range(near, n):
        a = max(0, t - far)
        window = score[a : t - near + 1] + cost[far - (t - a) :]
        j = int(np.argmax(window))
        if window[j] > 0:
            score[t] += window[j]
            back[t] = a + j
    last = int(np.argmax(score))
    if score[last] <= 0:
        return np.zeros(0, int)
    path = [last]
    while back[path[-1]] >= 0:
        path.append(int(back[path[-1]]))
    return np.asarray(path[::-1])


def bar_start(frames: np.ndarray, low_power: np.ndarray, change: np.ndarray) -> int:
    """Index (0-3) of the first beat of ``frames`` that starts a bar: the phase with the most
    low-band energy and the most chord change (see the module notes)."""
    if len(frames) < 4:
        return 0
    accent = np.array([low_power[max(0, f - 2) : f + 6].max() for f in frames])
    accent = np.array([accent[p::4].mean() for p in range(4)])
    chords = np.array([change[p::4].mean() for p in range(4)])
    return int(np.argmax(accent / (accent.mean() + 1e-12) + chords))


def _peak(envelope: np.ndarray, frame: int, reach: int = 3) -> float:
    return float(envelope[max(0, frame - reach) : frame + reach + 1].max())


def _chroma_change(x: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Per beat, how much the pitch classes held from it to the next beat differ from those
    held through the beat before (L1 distance of the shares, 0 to 2; 0 for the first). The
    median spectrum over a beat keeps what sustains (chords, bass) and drops what strikes and
    decays (drums)."""
    change = np.zeros(len(frames))
    if len(frames) < 3:
        return change
    size, step = CHROMA_WINDOW, CHROMA_WINDOW // 4
    freqs = np.arange(size // 2 + 1) * ANALYSIS_RATE / size
    keep = np.flatnonzero((freqs >= CHROMA_HZ[0]) & (freqs <= CHROMA_HZ[1]))
    classes = np.round(12 * np.log2(freqs[keep] / 440.0)).astype(int) % 12
    padded = np.pad(x, (size // 2, size // 2))
    count = 1 + (len(padded) - size) // step
    windows = np.lib.stride_tricks.sliding_window_view(padded, size)[::step][:count]
    window = np.hanning(size).astype(np.float32)
    spectrum = np.empty((count, len(keep)), np.float32)
    for a in range(0, count, 512):
        spectrum[a : a + 512] = np.abs(fft.rfft(windows[a : a + 512] * window, axis=1))[:, keep]
    centres = np.arange(count) * step / HOP  # in onset frames
    held = []
    for a, b in itertools.pairwise(frames):
        inside = spectrum[(centres >= a) & (centres < b)]
        median = np.median(inside, axis=0) if len(inside) else np.zeros(len(keep))
        vector = np.bincount(classes, median, minlength=12)
        held.append(vector / (vector.sum() + 1e-12))
    for k in range(1, len(held)):
        change[k] = np.abs(held[k] - held[k - 1]).sum()
    return change


def _trim(frames: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """``frames`` without the leading and trailing beats that rise less than
    :data:`EDGE_STRENGTH` over the envelope's median."""
    if not len(frames):
        return frames
    at = np.array([_peak(strength, f, 2) for f in frames]) - np.median(strength)
    strong = np.flatnonzero(at >= EDGE_STRENGTH * strength.std())
    return frames[strong[0] : strong[-1] + 1] if len(strong) else frames[:0]


def _normalised(envelope: np.ndarray) -> np.ndarray:
    z = envelope - envelope.mean()
    return z / (z.std() + 1e-12)


def _analysis_sound(samples: np.ndarray, rate: int) -> np.ndarray | None:
    """Mono float32 at the analysis rate; None for silence or no sound."""
    x = np.asarray(samples, np.float32)
    if not x.size or x.ndim == 0 or rate <= 0:
        return None
    if x.ndim > 1:
        x = x.reshape(len(x), -1)
        x = x @ np.full(x.shape[1], 1 / x.shape[1], np.float32)
    else:
        x = x.copy()
    x = np.nan_to_num(x, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    if np.abs(x).max() < 10 ** (SILENCE_DBFS / 20):
        return None
    common = math.gcd(int(rate), ANALYSIS_RATE)
    if rate != ANALYSIS_RATE:
        x = resample_poly(x, ANALYSIS_RATE // common, int(rate) // common).astype(np.float32)
    return x


def _band_starts() -> tuple[list[int], list[float]]:
    """First FFT bin of each band (bands holding no bin merged into the next) and its lower
    edge in Hz."""
    hz = ANALYSIS_RATE / WINDOW
    starts: list[int] = []
    edges: list[float] = []
    for edge in BAND_EDGES[:-1]:
        first = math.ceil(edge / hz)
        if starts and first <= starts[-1]:
            continue
        starts.append(first)
        edges.append(edge)
    return starts, edges


def _band_top() -> int:
    return math.ceil(BAND_EDGES[-1] / (ANALYSIS_RATE / WINDOW))
