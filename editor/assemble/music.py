"""Music timing in the edit: the beat grid, cuts on beats, and where the music ducks. Pure.

What is decided here:

- **Tempo and grid.** The music bed plays at the preset's ``music.bpm``, or at a tempo drawn
  from the seed between :data:`BPM_RANGE` (fast enough that a beat or two is a climax shot,
  slow enough that setup shots last a bar). Its grid is laid so a downbeat falls on the
  first frame of the end card: the hit lands where the call to action appears. A music
  file's beats are the ones found in it (:mod:`editor.sound.beats`), as it plays from its
  ``start``; it fades out under the end card.
- **Intensity** follows the structure: quiet under the hook and title, then one step up for
  each act, the fullest in the last one (:func:`sections`).
- **Cuts on beats.** The cuts inside the acts move onto beats, as many as can be and each
  as little as it can be, keeping every shot at least :data:`~editor.preset.MIN_SHOT` long
  and within its footage (:func:`on_beats`); the hook and the cards keep their places.
- **Ducking.** The music ducks wherever a segment's source has speech (the utterances of
  the analysis, mapped to output time, pauses shorter than :data:`SPEECH_BRIDGE` bridged).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.edl import Music, Segment
from editor.preset import Preset
from editor.sound.beats import NO_BEATS, BeatTrack
from editor.sound.bed import beat_grid

BPM_RANGE = (100, 124)
OFF_BEAT = 10_000
"""Cost of a cut off the beat against one frame of moving a cut: any number of frames moved
is better than one more cut off the beat."""
SPEECH_BRIDGE = 0.3
"""Pauses in the dialogue shorter than this (seconds) keep the music ducked."""


def bed_tempo(preset: Preset, seed: int) -> float:
    """The bed's tempo: the preset's, or one drawn from the seed (whole BPM)."""
    if preset.music.bpm > 0:
        return preset.music.bpm
    low, high = BPM_RANGE
    return float(low + (seed * 7919 + 13) % (high - low + 1))


def sections(act_starts: list[float]) -> tuple[tuple[float, int], ...]:
    """``(start, intensity)`` of the bed: 0 from the start, then acts rising to 3."""
    count = len(act_starts)
    steps = [3] if count == 1 else [1 + round(2 * k / (count - 1)) for k in range(count)]
    return ((0.0, 0), *((round(t, 6), level) for t, level in zip(act_starts, steps)))


def on_beats(
    lengths: list[int],
    capacity: list[int],
    start: int,
    beats: list[int],
    shortest: int,
    moves: list[tuple[int, int]] | None = None,
) -> list[int]:
    """Shot lengths (frames) with as many of the cuts between them as possible on a beat
    frame of ``beats``, each moved as little as it can be, every shot kept between
    ``shortest`` and its ``capacity``; the first shot starts at ``start`` and the last one
    ends where it did. ``moves`` gives, for each cut, how far (frames) it may move earlier
    and later (a line's picture moves only as far as its J or L cut allows); no cut moves
    further than the longer of its two shots.

    The cuts are placed together (a shortest path over each cut's candidate places), not
    one by one: moving one cut to a beat may take the room its neighbour needed."""
    bounds = [start, *(start + int(c) for c in np.cumsum(lengths))]
    grid = np.asarray(sorted(beats), int)
    if not len(grid) or len(bounds) < 3:
        return list(lengths)
    inner = len(bounds) - 2
    moves = moves if moves is not None else [(-(10**9), 10**9)] * inner
    options = [[bounds[0]]]
    for i in range(1, len(bounds) - 1):
        reach = max(lengths[i - 1], lengths[i])
        lo = bounds[i] + max(moves[i - 1][0], -reach)
        hi = bounds[i] + min(moves[i - 1][1], reach)
        near = grid[(grid >= lo) & (grid <= hi)]
        options.append([bounds[i], *(int(b) for b in near if b != bounds[i])])
    options.append([bounds[-1]])
    on_grid = set(grid.tolist())

    def cost(i: int, place: int) -> int:
        return (0 if place in on_grid or i in (0, len(bounds) - 1) else OFF_BEAT) + abs(
            place - bounds[i]
        )

    best = [{bounds[0]: (0, None)}]  # per cut: place -> (cost so far, place before)
    for i in range(1, len(bounds)):
        here: dict[int, tuple[int, int | None]] = {}
        for place in options[i]:
            for prev, (total, _) in best[-1].items():
                if shortest <= place - prev <= capacity[i - 1]:
                    value = total + cost(i, place)
                    if place not in here or value < here[place][0]:
                        here[place] = (value, prev)
        if not here:
            return list(lengths)  # nothing fits: the lengths stay as they were
        best.append(here)
    path = [bounds[-1]]
    for i in range(len(bounds) - 1, 0, -1):
        path.append(best[i][path[-1]][1])
    path.reverse()
    return [b - a for a, b in itertools.pairwise(path)]


def speech_spans(
    segments: list[Segment], analyses: dict[str, Analysis]
) -> tuple[tuple[float, float], ...]:
    """Output-time stretches where a segment plays its source's speech (the utterances
    inside the sound it plays), merged across pauses shorter than :data:`SPEECH_BRIDGE`."""
    spans = []
    for seg in segments:
        analysis = analyses.get(seg.source)
        if not seg.audio or analysis is None:
            continue
        lo, hi = seg.sound_span
        for u in analysis.utterances:
            a, b = max(u.start, lo), min(u.end, hi)
            if b > a:
                spans.append((seg.out_in + a - seg.src_in, seg.out_in + b - seg.src_in))
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a - merged[-1][1] < SPEECH_BRIDGE:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((round(a, 6), round(b, 6)) for a, b in merged)


def plan_music(
    preset: Preset,
    seed: int,
    duration: float,
    hit: float | None,
    act_starts: list[float],
    track: BeatTrack | None = None,
) -> Music | None:
    """The music entry before speech is known (None when the preset has no music); a bed's
    beats are laid with a downbeat on ``hit`` (the end card's first frame); a file's are
    ``track``, its beats as found from where it starts to play
    (:mod:`editor.sound.beats`)."""
    music = preset.music
    if not music.enabled:
        return None
    if music.file:
        track = track if track is not None else NO_BEATS
        kept = [k for k, t in enumerate(track.beats) if 0.0 <= t < duration]
        beats = tuple(track.beats[k] for k in kept)
        downbeat = next((j for j, k in enumerate(kept) if (k - track.downbeat) % 4 == 0), 0)
        return Music(
            source=music.file, src_in=music.start, out_in=0.0, out_out=duration,
            level=music.level, duck=music.duck, fade_in=music.fade_in,
            fade_out=music.fade_out, bpm=track.bpm if beats else 0.0, beats=beats,
            downbeat=downbeat, sections=(), hit=None, seed=seed, speech=(),
        )  # fmt: skip
    bpm = bed_tempo(preset, seed)
    anchor = hit if hit is not None else duration
    beats = beat_grid(bpm, anchor, 0.0, duration)
    period = 60.0 / bpm
    anchor_index = round((anchor - beats[0]) / period)
    return Music(
        source="", src_in=0.0, out_in=0.0, out_out=duration, level=music.level,
        duck=music.duck, fade_in=music.fade_in, fade_out=0.0, bpm=bpm, beats=beats,
        downbeat=anchor_index % 4, sections=sections(act_starts), hit=hit, seed=seed,
        speech=(),
    )  # fmt: skip


def beat_frames(music: Music | None, fps: float) -> list[int]:
    """The output frames the music's beats start on."""
    if music is None:
        return []
    return sorted({math.floor(t * fps + 0.5) for t in music.beats})
