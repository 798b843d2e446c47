"""Shot-boundary accuracy: labelled clips, detector output, and how well they agree.

Everything here is a pure function of numbers (apart from the two loaders), so the scoring
rules can be tested on plain lists and reused by any benchmark or test.

Scoring rules, and why
    Hard cuts are matched one-to-one: each labelled cut takes at most one detected cut and the
    other way round, closest pairs first (ties: earlier label, then earlier detection). Labels
    are hand-made to the frame, so a detection within one frame counts (``|d - l| <= 1``).
    Variable-frame-rate input is compared by time instead, within one nominal frame duration:
    frame indices there depend on which decoder dropped or repeated what, times do not.

    A detected cut that matches no labelled cut but falls on a labelled gradual transition
    (within the same tolerance) is neither a hit nor a false cut: a boundary really is there,
    it is just not a hard one. It is listed in ``on_gradual`` and counts towards finding that
    transition (the usual shot-boundary convention: a cut reported inside a gradual reference
    marks it). Every other unmatched detection is a false cut; false cuts that land on a
    labelled hard negative (flicker, a car filling the frame; same tolerance) are also counted
    in ``false_on_hard_negatives`` because those are the traps a detector must resist.

    Precision is 1.0 when nothing was detected and recall is 1.0 when nothing was labelled:
    an empty answer to an empty question is right, and a clip without cuts then scores by its
    false cuts alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

TIME_SLACK = 1e-6
"""Seconds added to time tolerances: labelled times are rounded to the microsecond or ms."""


@dataclass(frozen=True)
class Span:
    """An inclusive frame range ``[start_frame, end_frame]`` with its times in seconds."""

    kind: str
    start_frame: int
    end_frame: int
    start: float
    end: float


@dataclass(frozen=True)
class LabelledClip:
    """One clip with hand-made or generated truth, in a form common to every label source.

    ``cut_frames[i]`` is the 0-based first frame of a new shot and ``cut_times[i]`` its time
    in seconds from the first decoded frame. ``vfr`` says cuts must be compared by time.
    """

    name: str
    path: Path
    fps: float
    vfr: bool
    cut_frames: tuple[int, ...]
    cut_times: tuple[float, ...]
    gradual: tuple[Span, ...] = ()
    hard_negatives: tuple[Span, ...] = ()

    @property
    def frame_duration(self) -> float:
        return 1.0 / self.fps


@dataclass(frozen=True)
class Detection:
    """What a detector reported on one clip, and how long it took."""

    cut_frames: tuple[int, ...]
    cut_times: tuple[float, ...]
    transitions: tuple[Span, ...] = ()
    seconds: float = 0.0
    frames: int = 0

    @property
    def fps(self) -> float:
        """Frames processed per second of wall time (0 when not timed)."""
        return self.frames / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class CutScore:
    """Hard-cut agreement. Lists hold frame numbers (or seconds when compared by time)."""

    tp: int
    fp: int
    fn: int
    false_cuts: tuple[float, ...] = ()
    missed_cuts: tuple[float, ...] = ()
    on_gradual: tuple[float, ...] = ()
    false_on_hard_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.tp + self.fp
        return self.tp / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.tp + self.fn
        return self.tp / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class GradualMatch:
    """Whether a labelled gradual transition was found, by a reported transition or a cut."""

    span: Span
    by_transition: bool
    by_cut: bool

    @property
    def found(self) -> bool:
        return self.by_transition or self.by_cut


@dataclass(frozen=True)
class ClipScore:
    """A detector's result on one labelled clip."""

    clip: LabelledClip
    cuts: CutScore
    gradual: tuple[GradualMatch, ...]

    @property
    def transitions_found(self) -> int:
        return sum(g.found for g in self.gradual)

    @property
    def transitions_labelled(self) -> int:
        return len(self.gradual)


# --------------------------------------------------------------------------- matching


def _near(value: float, lo: float, hi: float, tolerance: float) -> bool:
    return lo - tolerance <= value <= hi + tolerance


def match_cuts(
    labelled: Sequence[float], detected: Sequence[float], tolerance: float
) -> tuple[tuple[int, int], ...]:
    """One-to-one pairs ``(label index, detection index)``, closest pairs first.

    Two values pair up when they differ by at most ``tolerance``. Greedy by distance is exact
    here in practice: labelled cuts are far more than two tolerances apart.
    """
    candidates = sorted(
        (abs(d - lab), i, j)
        for i, lab in enumerate(labelled)
        for j, d in enumerate(detected)
        if abs(d - lab) <= tolerance
    )
    used_labels: set[int] = set()
    used_detections: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i in used_labels or j in used_detections:
            continue
        used_labels.add(i)
        used_detections.add(j)
        pairs.append((i, j))
    return tuple(sorted(pairs))


def score_cuts(
    labelled: Sequence[float],
    detected: Sequence[float],
    tolerance: float,
    gradual: Sequence[tuple[float, float]] = (),
    hard_negatives: Sequence[tuple[float, float]] = (),
) -> CutScore:
    """Score detected cuts against labelled ones (all in frames, or all in seconds).

    ``gradual`` and ``hard_negatives`` are inclusive ``(first, last)`` ranges in the same
    unit; see the module docstring for how they count.
    """
    pairs = match_cuts(labelled, detected, tolerance)
    matched_labels = {i for i, _ in pairs}
    matched_detections = {j for _, j in pairs}
    unmatched = [d for j, d in enumerate(detected) if j not in matched_detections]
    on_gradual, false = [], []
    for d in unmatched:
        on = any(_near(d, a, b, tolerance) for a, b in gradual)
        (on_gradual if on else false).append(d)
    on_negatives = sum(any(_near(d, a, b, tolerance) for a, b in hard_negatives) for d in false)
    return CutScore(
        tp=len(pairs),
        fp=len(false),
        fn=len(labelled) - len(pairs),
        false_cuts=tuple(sorted(false)),
        missed_cuts=tuple(sorted(v for i, v in enumerate(labelled) if i not in matched_labels)),
        on_gradual=tuple(sorted(on_gradual)),
        false_on_hard_negatives=on_negatives,
    )


def find_gradual(
    labelled: Sequence[tuple[float, float]],
    transitions: Sequence[tuple[float, float]],
    cuts: Sequence[float],
    tolerance: float,
) -> tuple[tuple[bool, bool], ...]:
    """For each labelled ``(first, last)`` range: (a transition overlaps it, a cut is on it).

    Ranges are inclusive; overlap and "on" both allow ``tolerance`` at either end.
    """
    return tuple(
        (
            any(s <= b + tolerance and e >= a - tolerance for s, e in transitions),
            any(_near(c, a, b, tolerance) for c in cuts),
        )
        for a, b in labelled
    )


def score_clip(clip: LabelledClip, detection: Detection) -> ClipScore:
    """Score one detector on one clip: by frame index, or by time for variable frame rate."""
    if clip.vfr:
        tolerance = clip.frame_duration + TIME_SLACK
        labelled: Sequence[float] = clip.cut_times
        detected: Sequence[float] = detection.cut_times
        gradual = [(g.start, g.end) for g in clip.gradual]
        negatives = [(h.start, h.end) for h in clip.hard_negatives]
        transitions = [(t.start, t.end) for t in detection.transitions]
    else:
        tolerance = 1
        labelled = clip.cut_frames
        detected = detection.cut_frames
        gradual = [(g.start_frame, g.end_frame) for g in clip.gradual]
        negatives = [(h.start_frame, h.end_frame) for h in clip.hard_negatives]
        transitions = [(t.start_frame, t.end_frame) for t in detection.transitions]
    cuts = score_cuts(labelled, detected, tolerance, gradual, negatives)
    found = find_gradual(gradual, transitions, detected, tolerance)
    return ClipScore(
        clip,
        cuts,
        tuple(GradualMatch(g, t, c) for g, (t, c) in zip(clip.gradual, found, strict=True)),
    )


def pooled(scores: Iterable[CutScore]) -> CutScore:
    """Totals over several clips (micro-averaged: precision and recall of the summed counts)."""
    scores = list(scores)
    return CutScore(
        tp=sum(s.tp for s in scores),
        fp=sum(s.fp for s in scores),
        fn=sum(s.fn for s in scores),
        false_cuts=tuple(v for s in scores for v in s.false_cuts),
        missed_cuts=tuple(v for s in scores for v in s.missed_cuts),
        on_gradual=tuple(v for s in scores for v in s.on_gradual),
        false_on_hard_negatives=sum(s.false_on_hard_negatives for s in scores),
    )


# --------------------------------------------------------------------------- loading


def _rate(value: object) -> float:
    """A frame rate written as a number or a fraction string ("30000/1001")."""
    return float(Fraction(str(value)))


def _span(kind: str, first: int, last: int, fps: float, entry: dict) -> Span:
    start = entry.get("start", first / fps)
    end = entry.get("end", last / fps)
    return Span(kind, int(first), int(last), float(start), float(end))


def load_expected(path: Path | str, footage: Path | str | None = None) -> LabelledClip:
    """Read a shared ``NAME.expected.json`` file.

    The clip itself is ``footage/NAME`` (default: the folder above ``expected/``). The frame
    rate is ``media.avg_fps``; a ``variable_fps`` flag (top level or under ``media``) marks
    clips to compare by time, and is absent (false) in constant-rate labels.
    """
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    media = data.get("media", {})
    fps = _rate(media.get("avg_fps") or data["fps"])
    folder = Path(footage) if footage is not None else path.parent.parent
    cuts = data.get("cuts", [])
    return LabelledClip(
        name=data["file"],
        path=folder / data["file"],
        fps=fps,
        vfr=bool(data.get("variable_fps", media.get("variable_fps", False))),
        cut_frames=tuple(int(c["frame"]) for c in cuts),
        cut_times=tuple(float(c.get("time_s", c["frame"] / fps)) for c in cuts),
        gradual=tuple(
            _span(g["type"], g["start_frame"], g["end_frame"], fps, g)
            for g in data.get("gradual", [])
        ),
        hard_negatives=tuple(
            _span("hard_negative", h["frames"][0], h["frames"][1], fps, h)
            for h in data.get("hard_negatives", [])
        ),
    )


def clip_from_entry(entry: dict, folder: Path | str, fps: float) -> LabelledClip:
    """One ``clips[]`` entry of a fixtures ``ground_truth.json`` (or a variant's truth).

    An entry may carry its own ``fps`` and ``variable_fps``; gradual ranges may carry exact
    ``start``/``end`` times (variable-frame-rate variants do), else times are frame / fps.
    """
    fps = _rate(entry.get("fps", fps))
    cuts = entry.get("cuts", [])
    return LabelledClip(
        name=entry["file"],
        path=Path(folder) / entry["file"],
        fps=fps,
        vfr=bool(entry.get("variable_fps", False)),
        cut_frames=tuple(int(c["frame"]) for c in cuts),
        cut_times=tuple(float(c.get("time", c["frame"] / fps)) for c in cuts),
        gradual=tuple(
            _span(g["type"], g["start_frame"], g["end_frame"], fps, g)
            for g in entry.get("gradual", [])
        ),
        hard_negatives=tuple(
            _span("hard_negative", h["frames"][0], h["frames"][1], fps, h)
            for h in entry.get("hard_negatives", [])
        ),
    )


def load_fixture_truth(path: Path | str) -> tuple[LabelledClip, ...]:
    """Every clip of a fixtures-style truth file (clips live next to it)."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(clip_from_entry(e, path.parent, data["fps"]) for e in data["clips"])
