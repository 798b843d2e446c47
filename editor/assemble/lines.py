"""Lines of dialogue: which stretches of speech can be played whole, and which the edit uses.

A trailer for a drama is built from its lines: it opens on one, plays a few between montage
shots, and closes on a cliffhanger. A line played with a word missing at either end is the
first thing a viewer hears as wrong, so a line is only ever taken whole, with its sound
edges in the pauses around it. What is decided here (pure functions on the analysis):

- **A line** is the speech between two pauses long enough to cut in: the analysis's
  utterances joined across pauses shorter than :data:`LINE_PAUSE`. Pauses inside a sentence
  and between the clauses of one thought are shorter than that; the breath between two
  lines, or between one speaker and the other, is longer.
- **Clean edges.** Each sound edge goes to the quietest moment of the pause, at most
  :data:`REACH` from the words (more pause is only room tone) and never within
  :data:`~editor.assemble.dialogue.EDGE_MARGIN` of speech; the edge sits between two video
  frames, so picture and sound stay on the same frame grid. The room must be
  :data:`CLEAN_DROP` dB quieter there than the line itself: where it is not (a crowded
  restaurant, a song over the music, a second voice), any edge would clip someone's words,
  so that speech is not used as a line.
- **Length and picture.** A line lasts ``dialogue.line_min`` to ``dialogue.line_max``, and
  every frame under it is usable (not black, blurred or in a fade or dissolve; a hard cut of
  the source may fall inside, as in shot and reverse shot). Its picture may start earlier
  or end later than its sound (for J and L cuts) by up to ``dialogue.split``, as far as
  the middle of the pause and the usable frames allow: two lines never share a picture.
- **Rank.** A line ranks by the score of its picture (the same features and weights as any
  footage: the speaker's face, sharpness, exposure...), plus the seed's jitter.
- **Choice.** The hook is the best line no longer than ``dialogue.hook_max`` (variant ``k``
  takes the ``k``-th best of :data:`HOOK_CHOICES`); hook and cliffhanger together take at
  most :data:`MAX_LINES_SHARE` of the time between the cards, so a short output drops its
  cliffhanger, or opens on a shorter line, rather than its montage. The cliffhanger is the
  best of the rest with the rank leaning towards lines late in their source, since episodes
  end on theirs.
  Each act then gets its ``lines`` from the best of what is left, the weakest in the first
  act so the lines build like the footage does, in source order within an act.
- **No picture twice.** Montage shots never show the picture of a line the output plays
  (:func:`without_lines`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from editor.analysis.model import Analysis, Utterance
from editor.assemble.dialogue import EDGE_MARGIN
from editor.assemble.scoring import (
    Piece,
    onset_frames,
    piece_features,
    seed_jitter,
    usable_mask,
    weighted_score,
)
from editor.preset import MIN_SHOT, Preset

LINE_PAUSE = 0.3
"""Pauses shorter than this (seconds, as detected) are inside a line. Detected pauses are
about a detector window shorter than heard ones, so this is a heard pause of about 0.4 s:
longer than a pause inside a sentence, as long as the breath between two lines."""
REACH = 0.5
"""Farthest a sound edge goes from the words it frames (seconds)."""
CLEAN_DROP = 10.0
"""How much quieter (dB) than the line the room must be where its sound is cut."""
HOOK_CHOICES = 3
LATE_WEIGHT = 0.5
"""Share of a cliffhanger's rank given by how late in its source the line comes."""
MAX_LINES_SHARE = 0.5
"""Most of the time between the cards the hook and cliffhanger lines may take together."""


@dataclass(frozen=True)
class Line:
    """One line of dialogue in source ``source``: words from ``start`` to ``end``, sound
    played from ``sound_in`` to ``sound_out`` (seconds of the source), picture allowed from
    ``picture_in`` to ``picture_out`` (J and L cuts), starting in shot ``shot``."""

    source: int
    shot: int
    start: float
    end: float
    sound_in: float
    sound_out: float
    picture_in: float
    picture_out: float
    score: float

    @property
    def duration(self) -> float:
        """Seconds of sound the line plays."""
        return self.sound_out - self.sound_in


@dataclass(frozen=True)
class LinePlan:
    """The lines an output uses: the hook (None: the hook is the best picture), the
    cliffhanger before the end card (None: none), and each act's lines in play order."""

    hook: Line | None
    cliffhanger: Line | None
    acts: tuple[tuple[Line, ...], ...]

    def all(self) -> list[Line]:
        chosen = [self.hook, self.cliffhanger, *(x for act in self.acts for x in act)]
        return [x for x in chosen if x is not None]


def find_lines(analysis: Analysis, source: int, preset: Preset) -> list[Line]:
    """Every line of ``analysis`` that can be played whole (see the module notes), in
    source order."""
    if not analysis.utterances or analysis.audio_level.size != analysis.frame_count:
        return []
    rules = preset.dialogue
    groups = group_utterances(analysis.utterances)
    cuts = pause_cuts(analysis, groups)
    usable = usable_mask(analysis, preset, cut_margin=False)
    onsets = onset_frames(analysis.audio_level)
    out = []
    for k, group in enumerate(groups):
        (sound_in, reach_in), (sound_out, reach_out) = cuts[k][1], cuts[k + 1][0]
        if sound_in is None or sound_out is None:
            continue
        loud = _power_mean([u.level for u in group]) - CLEAN_DROP
        if _edge_level(analysis, sound_in) > loud or _edge_level(analysis, sound_out) > loud:
            continue
        if not rules.line_min <= sound_out - sound_in <= rules.line_max:
            continue
        first, last = _frames(analysis, sound_in, sound_out)
        if last <= first or not usable[first:last].all():
            continue
        picture_in = _room(analysis, usable, sound_in, max(reach_in, sound_in - rules.split), -1)
        picture_out = _room(analysis, usable, sound_out, min(reach_out, sound_out + rules.split), 1)
        shot = analysis.shots[_shot_at(analysis, first)]
        features = piece_features(analysis, shot, first, last, onsets)
        out.append(
            Line(
                source=source,
                shot=shot.index,
                start=round(group[0].start, 6),
                end=round(group[-1].end, 6),
                sound_in=round(sound_in, 6),
                sound_out=round(sound_out, 6),
                picture_in=round(picture_in, 6),
                picture_out=round(picture_out, 6),
                score=weighted_score(features, preset.scoring),
            )
        )
    return out


def group_utterances(utterances: Sequence[Utterance]) -> list[list[Utterance]]:
    """Utterances joined into lines across pauses shorter than :data:`LINE_PAUSE`."""
    groups: list[list[Utterance]] = []
    for u in sorted(utterances, key=lambda u: u.start):
        if groups and u.start - groups[-1][-1].end < LINE_PAUSE:
            groups[-1].append(u)
        else:
            groups.append([u])
    return groups


Cut = tuple[float | None, float]
"""A sound edge in a pause (None: no clean place) and how far the picture of the line on
that side may reach past it, towards the pause's other side."""


def pause_cuts(analysis: Analysis, groups: list[list[Utterance]]) -> list[tuple[Cut, Cut]]:
    """For each pause around the lines (before the first, between each two, after the
    last): the edge ending the line before it and the edge starting the line after it.

    In a pause of up to two :data:`REACH` es both lines cut at its one quietest boundary,
    and neither picture may pass it; in a longer one each line cuts within :data:`REACH` of
    its own words, and each picture may reach the pause's middle. The file's start and end
    count as pauses when at least :data:`LINE_PAUSE` of them is free of speech."""
    duration = analysis.media.duration
    bounds = [None, *((g[0].start, g[-1].end) for g in groups), None]
    out = []
    for before, after in itertools.pairwise(bounds):
        lo = 0.0 if before is None else before[1]
        hi = duration if after is None else after[0]
        if hi - lo < LINE_PAUSE:
            out.append(((None, lo), (None, hi)))
            continue
        a, b = lo + EDGE_MARGIN, hi - EDGE_MARGIN
        if before is not None and after is not None and hi - lo <= 2 * REACH:
            edge = quietest_boundary(analysis, a, b)
            reach = (lo, hi) if edge is None else (edge, edge)
            out.append(((edge, reach[0]), (edge, reach[1])))
            continue
        middle = (lo + hi) / 2
        ending = None if before is None else quietest_boundary(analysis, a, min(b, lo + REACH))
        starting = None if after is None else quietest_boundary(analysis, max(a, hi - REACH), b)
        out.append(((ending, middle), (starting, middle)))
    return out


def quietest_boundary(analysis: Analysis, first: float, last: float) -> float | None:
    """The frame boundary from ``first`` to ``last`` seconds with the quietest frames on
    both sides (the one nearest the middle among equals); None when there is none."""
    times = analysis.times
    boundaries = np.flatnonzero((times >= first - 1e-9) & (times <= last + 1e-9))
    boundaries = boundaries[boundaries > 0]
    if not boundaries.size:
        return None
    level = analysis.audio_level
    loudest = np.maximum(level[boundaries - 1], level[boundaries])
    best = boundaries[loudest <= loudest.min() + 1e-6]
    return float(times[best[np.argmin(np.abs(times[best] - (first + last) / 2))]])


def _edge_level(analysis: Analysis, edge: float) -> float:
    """The louder of the two frames on either side of the boundary at ``edge``."""
    k = int(np.searchsorted(analysis.times, edge - 1e-9))
    level = analysis.audio_level
    return float(max(level[max(k - 1, 0)], level[min(k, len(level) - 1)]))


def choose_lines(
    lines: list[Line],
    ranks: list[float],
    hook_ranks: list[float],
    preset: Preset,
    variant: int,
    durations: Sequence[float],
) -> LinePlan:
    """The lines an output uses (see the module notes); ``ranks`` are the lines' scores with
    the seed's and variant's jitter, ``hook_ranks`` with the seed's alone (so the variants
    take the best hooks in one order), ``durations`` the sources' lengths (for how late a
    line comes). The hook and the cliffhanger together take at most half the time between
    the cards (:data:`MAX_LINES_SHARE`), so the acts keep room for their shots."""
    rules = preset.dialogue
    budget = MAX_LINES_SHARE * (preset.duration - preset.cards.title - preset.cards.end)
    order = sorted(range(len(lines)), key=lambda i: (-ranks[i], i))
    hooks = sorted(
        (i for i in order if lines[i].duration <= min(rules.hook_max, budget)),
        key=lambda i: (-hook_ranks[i], i),
    )
    hook = hooks[variant % min(HOOK_CHOICES, len(hooks))] if hooks else None
    taken = [] if hook is None else [hook]
    left = budget - (0.0 if hook is None else lines[hook].duration)
    cliffhanger = None
    if rules.cliffhanger:

        def late(i: int) -> float:
            where = lines[i].start / max(durations[lines[i].source], 1e-6)
            return (1 - LATE_WEIGHT) * ranks[i] + LATE_WEIGHT * where

        rest = [i for i in order if i not in taken and lines[i].duration <= left]
        if rest:
            cliffhanger = max(rest, key=lambda i: (late(i), -i))
            taken.append(cliffhanger)
    wanted = sum(act.lines for act in preset.acts)
    extra = [i for i in order if i not in taken][:wanted]
    extra.sort(key=lambda i: (ranks[i], i))  # weakest first: they go to the first acts
    acts = []
    for act in preset.acts:
        mine, extra = extra[: act.lines], extra[act.lines :]
        acts.append(tuple(lines[i] for i in sorted(mine, key=lambda i: _where(lines[i]))))
    return LinePlan(
        hook=None if hook is None else lines[hook],
        cliffhanger=None if cliffhanger is None else lines[cliffhanger],
        acts=tuple(acts),
    )


def plan_lines(analyses: list[Analysis], preset: Preset, seed: int, variant: int) -> LinePlan:
    """The lines of dialogue an output uses, from every source, ranked with the seed's
    jitter (see the module notes)."""
    found = [x for i, a in enumerate(analyses) for x in find_lines(a, i, preset)]

    def ranks(variant: int) -> list[float]:
        jitter = seed_jitter(len(found), seed, variant, stream=1)
        return [x.score + float(j) for x, j in zip(found, jitter)]

    durations = [a.media.duration for a in analyses]
    return choose_lines(found, ranks(variant), ranks(0), preset, variant, durations)


def without_lines(piece: Piece, lines: list[Line], fps: float) -> list[Piece]:
    """The parts of ``piece`` outside the pictures of ``lines`` (each at least a shot long):
    a montage shot never repeats what a line shows."""
    parts = [piece]
    for line in lines:
        if line.source != piece.source:
            continue
        kept = []
        for p in parts:
            if line.picture_out <= p.start or line.picture_in >= p.end:
                kept.append(p)
                continue
            count = p.end_frame - p.start_frame
            for lo, hi in ((p.start, line.picture_in), (line.picture_out, p.end)):
                if hi - lo < MIN_SHOT:
                    continue
                a = p.start_frame + math.ceil((lo - p.start) / p.duration * count - 1e-9)
                b = p.start_frame + math.floor((hi - p.start) / p.duration * count + 1e-9)
                if b > a:
                    kept.append(
                        dataclasses.replace(p, start_frame=a, end_frame=b, start=lo, end=hi)
                    )
        parts = kept
    return parts


def _where(line: Line) -> tuple[int, float]:
    return line.source, line.start


def _room(analysis: Analysis, usable: np.ndarray, edge: float, limit: float, direction: int):
    """How far the picture may reach from a sound ``edge`` (a frame boundary) towards
    ``limit`` (``direction`` -1: earlier, +1: later), over usable frames only."""
    times, fps = analysis.times, analysis.media.fps
    k = int(np.searchsorted(times, edge - 1e-9))
    reach = edge
    if direction < 0:
        while k > 0 and usable[k - 1] and times[k - 1] >= limit - 1e-9:
            k -= 1
            reach = float(times[k])
        return reach
    while k < len(times) and usable[k]:
        end = float(times[k + 1]) if k + 1 < len(times) else float(times[k]) + 1 / fps
        if end > limit + 1e-9:
            break
        reach = end
        k += 1
    return reach


def _frames(analysis: Analysis, a: float, b: float) -> tuple[int, int]:
    """Frames ``[first, last)`` shown from ``a`` to ``b`` seconds."""
    times = analysis.times
    first = max(0, int(np.searchsorted(times, a + 1e-9, side="right")) - 1)
    last = int(np.searchsorted(times, b - 1e-9, side="left"))
    return first, last


def _shot_at(analysis: Analysis, frame: int) -> int:
    starts = [s.start_frame for s in analysis.shots]
    return max(0, int(np.searchsorted(starts, frame, side="right")) - 1)


def _power_mean(levels: list[float]) -> float:
    return float(10 * math.log10(np.mean(10 ** (np.asarray(levels, np.float64) / 10))))
