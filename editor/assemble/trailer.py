"""Plan a trailer: which pieces of footage, in what order, for how long. Pure, no I/O.

Decisions:
- the hook (first shot) is the highest-scoring piece, so the output opens on its strongest
  moment;
- the other pieces are the next best ones, preferring shots not used yet, and play in
  source order so the story reads forwards;
- shot lengths follow the preset's pacing curve (long to short), measured in whole output
  frames so the total is exactly the preset's duration;
- the seed perturbs the ranking a little, so different seeds give different but equally
  plausible cuts while one seed always gives the same cut.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from editor.analysis.model import Analysis
from editor.assemble.edl import Edl, Segment
from editor.assemble.scoring import Piece, usable_pieces
from editor.errors import AutocutError
from editor.preset import Pacing, Preset
from editor.reframe.window import centre_window

REUSE_PENALTY = 0.5
"""Each earlier use of a shot multiplies the rank of its other pieces by this."""
SEED_JITTER = 0.15
"""Largest random change to a normalised score a seed can make."""


def plan_trailer(analyses: list[Analysis], preset: Preset, seed: int = 0) -> Edl:
    """Plan one output of ``preset`` from analysed sources (in the order given)."""
    out = preset.output
    total = round(preset.duration * out.fps)
    pieces = [p for i, a in enumerate(analyses) for p in usable_pieces(a, i, preset)]
    usable = sum(_capacity(p, out.fps) for p in pieces)
    if usable < total:
        where = analyses[0].media.path if len(analyses) == 1 else "input"
        raise AutocutError(
            where,
            f"not enough usable footage: {usable / out.fps:.1f} s usable "
            f"(not black, not too short), preset '{preset.name}' needs {preset.duration:g} s",
        )
    lengths = pacing_lengths(total, out.fps, preset.pacing)
    chosen = choose_pieces(pieces, len(lengths), seed, lambda p: _capacity(p, out.fps), total)
    if len(chosen) != len(lengths):
        lengths = spread_lengths(total, len(chosen), preset.pacing)
    ordered = [chosen[0], *sorted(chosen[1:], key=lambda p: (p.source, p.start))]
    frames = fit_lengths(lengths, [_capacity(p, out.fps) for p in ordered], total)

    segments, cursor = [], 0
    for piece, count in zip(ordered, frames):
        analysis = analyses[piece.source]
        media = analysis.media
        seconds = count / out.fps
        src_in = _snap_in(analysis, piece, seconds)
        segments.append(
            Segment(
                source=str(media.path),
                src_in=round(src_in, 6),
                src_out=round(src_in + seconds, 6),
                out_in=round(cursor / out.fps, 6),
                out_out=round((cursor + count) / out.fps, 6),
                shot=piece.shot,
                audio=media.has_audio,
                crop=tuple(
                    centre_window(media.width, media.height, out.width, out.height).as_list()
                ),
            )
        )
        cursor += count
    return Edl(
        preset=preset.name,
        seed=seed,
        duration=round(total / out.fps, 6),
        width=out.width,
        height=out.height,
        fps=out.fps,
        video_bitrate_kbps=out.video_bitrate_kbps,
        audio_bitrate_kbps=out.audio_bitrate_kbps,
        x264_preset=out.x264_preset,
        segments=tuple(segments),
    )


def pacing_lengths(total: int, fps: float, pacing: Pacing) -> list[int]:
    """Shot lengths in frames, summing to ``total``, from ``first_shot`` down to ``last_shot``.

    The length at output time t is interpolated linearly over the output's duration; a last
    shot that would fall under ``min_shot`` is merged into the one before it.
    """
    duration = total / fps
    bounds, t = [0.0], 0.0
    while t < duration:
        want = pacing.first_shot + (pacing.last_shot - pacing.first_shot) * t / duration
        t = min(duration, t + max(pacing.min_shot, want))
        bounds.append(t)
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < pacing.min_shot:
        del bounds[-2]
    marks = [round(b * fps) for b in bounds]
    marks[-1] = total
    return [b - a for a, b in itertools.pairwise(marks) if b > a]


def spread_lengths(total: int, count: int, pacing: Pacing) -> list[int]:
    """``count`` frame lengths summing to ``total``, shaped like the pacing curve."""
    if count == 1:
        return [total]
    shape = np.linspace(pacing.first_shot, pacing.last_shot, count)
    marks = np.round(np.concatenate([[0.0], np.cumsum(shape)]) * total / shape.sum()).astype(int)
    return [int(b - a) for a, b in itertools.pairwise(marks)]


def choose_pieces(
    pieces: list[Piece], count: int, seed: int, capacity: Callable[[Piece], int], total: int
) -> list[Piece]:
    """Pick pieces, best first, until there are ``count`` and they hold ``total`` frames.

    Reused shots rank lower each time, so distinct shots come first.
    """
    top = max((p.score for p in pieces), default=0.0) or 1.0
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(0.0, SEED_JITTER, size=len(pieces)) if seed else np.zeros(len(pieces))
    base = [p.score / top + float(j) for p, j in zip(pieces, jitter)]
    uses: dict[tuple[int, int], int] = {}
    left = list(range(len(pieces)))
    chosen = []
    held = 0
    while left and (len(chosen) < count or held < total):
        best = max(left, key=lambda i: (_rank(base[i], uses, pieces[i]), -i))
        left.remove(best)
        piece = pieces[best]
        uses[(piece.source, piece.shot)] = uses.get((piece.source, piece.shot), 0) + 1
        chosen.append(piece)
        held += capacity(piece)
    return chosen


def fit_lengths(wanted: list[int], capacity: list[int], total: int) -> list[int]:
    """Frame counts close to ``wanted``, within each piece's ``capacity``, summing to ``total``.

    Where a piece is too short, the frames it cannot hold go to the pieces with room, latest
    first (a trailer may linger toward the end rather than rush its opening).
    """
    lengths = [min(w, c) for w, c in zip(wanted, capacity)]
    missing = total - sum(lengths)
    while missing > 0:
        room = [i for i in reversed(range(len(lengths))) if capacity[i] > lengths[i]]
        if not room:
            raise ValueError("pieces cannot hold the requested duration")
        share = math.ceil(missing / len(room))
        for i in room:
            give = min(share, capacity[i] - lengths[i], missing)
            lengths[i] += give
            missing -= give
    while missing < 0:  # wanted more than total: trim the longest
        i = int(np.argmax(lengths))
        lengths[i] -= 1
        missing += 1
    return lengths


def _rank(base: float, uses: dict[tuple[int, int], int], piece: Piece) -> float:
    return base * REUSE_PENALTY ** uses.get((piece.source, piece.shot), 0)


def _capacity(piece: Piece, fps: float) -> int:
    return math.floor(piece.duration * fps + 1e-6)


def _snap_in(analysis: Analysis, piece: Piece, seconds: float) -> float:
    """Start time for a ``seconds`` long cut centred in ``piece``, on a source frame."""
    ideal = piece.start + (piece.duration - seconds) / 2
    times = analysis.times[piece.start_frame : piece.end_frame]
    latest = piece.end - seconds
    candidates = times[times <= latest + 1e-9]
    if candidates.size == 0:
        return piece.start
    return float(candidates[np.argmin(np.abs(candidates - ideal))])
