"""What an EDL holds, in words: the dry-run summary and the lint. Pure, no I/O.

The lint flags what an editor would want to know before rendering; none of it stops a run:
a first cut later than :data:`FIRST_CUT_LIMIT`, a closing act of a three-act preset cutting
slower than :data:`CLIMAX_CUTS_PER_MINUTE`, the same source frames shown twice, and
footage enlarged more than :data:`SOFT_UPSCALE` (a visibly soft picture).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from editor.assemble.edl import Edl, Segment

FIRST_CUT_LIMIT = 3.0
CLIMAX_CUTS_PER_MINUTE = 30.0
SOFT_UPSCALE = 1.5


@dataclass(frozen=True)
class ActPace:
    """One part of the output: its name, shots, time from its first cut to its last, and
    cuts per minute."""

    act: str
    shots: int
    seconds: float

    @property
    def cuts_per_minute(self) -> float:
        return 60.0 * self.shots / self.seconds if self.seconds > 0 else 0.0


def cut_times(edl: Edl) -> list[float]:
    """Output times of every change of picture: each join between segments and cards (the
    middle of a crossfade or dip)."""
    spans = sorted(
        [(s.out_in + s.enter.length / 2, s.out_out - s.leave.length / 2) for s in edl.segments]
        + [(c.out_in, c.out_out) for c in edl.cards]
    )
    return [round(a, 6) for a, _ in spans[1:]]


def act_paces(edl: Edl) -> list[ActPace]:
    """Shots and pace of each act, in output order (the hook counts as an act)."""
    out = []
    for act, group in itertools.groupby(edl.segments, key=lambda s: s.act):
        segs = list(group)
        start = segs[0].out_in + segs[0].enter.length / 2
        end = segs[-1].out_out - segs[-1].leave.length / 2
        out.append(ActPace(act, len(segs), round(end - start, 6)))
    return out


def lint(edl: Edl) -> list[str]:
    """Warnings about ``edl`` (see module notes), one line each."""
    notes = []
    cuts = cut_times(edl)
    if cuts and cuts[0] > FIRST_CUT_LIMIT:
        notes.append(f"first cut at {cuts[0]:.2f} s: later than {FIRST_CUT_LIMIT:g} s")
    paces = [p for p in act_paces(edl) if p.act not in ("hook", "cliffhanger")]
    if len(paces) >= 3 and paces[-1].cuts_per_minute < CLIMAX_CUTS_PER_MINUTE:
        last = paces[-1]
        notes.append(
            f"act '{last.act}' cuts {last.cuts_per_minute:.0f} times a minute "
            f"(a climax usually runs {CLIMAX_CUTS_PER_MINUTE:g} or more)"
        )
    for a, b in itertools.combinations(edl.segments, 2):
        if a.source == b.source and a.src_in < b.src_out and b.src_in < a.src_out:
            overlap = min(a.src_out, b.src_out) - max(a.src_in, b.src_in)
            notes.append(
                f"{Path(a.source).name} {max(a.src_in, b.src_in):.2f}-"
                f"{min(a.src_out, b.src_out):.2f} s is shown twice ({overlap:.2f} s)"
            )
    soft = [upscale(seg, edl) for seg in edl.segments]
    if soft and max(soft) > SOFT_UPSCALE:
        count = sum(s > SOFT_UPSCALE for s in soft)
        notes.append(
            f"{count} of {len(soft)} shots enlarge their source up to {max(soft):.1f}x "
            "(soft picture: the footage is smaller than the output)"
        )
    return notes


def upscale(seg: Segment, edl: Edl) -> float:
    """The largest enlargement of source pixels in ``seg`` (output per source pixel)."""
    worst = 0.0
    for framing in seg.frames:
        panels = len(framing.boxes)
        for box in framing.boxes:
            if framing.layout == "fit":
                worst = max(worst, edl.width / max(box[2], 1))
            else:
                worst = max(worst, edl.height / panels / max(box[3], 1))
    return worst


def summary_lines(name: str, edl: Edl) -> list[str]:
    """The dry-run summary of one output: format, structure, every shot, the lint."""
    lines = [
        f"{name}: preset {edl.preset}, seed {edl.seed}, variant {edl.variant + 1}, "
        f"{edl.duration:.2f} s, {edl.width}x{edl.height} at {edl.fps:g} fps",
        "  acts: "
        + ", ".join(
            f"{p.act} {p.shots} shot{'s' if p.shots != 1 else ''} "
            f"{p.seconds:.1f} s ({p.cuts_per_minute:.0f}/min)"
            for p in act_paces(edl)
        ),
    ]
    rows = sorted(
        [(s.out_in, _segment_line(s)) for s in edl.segments]
        + [(c.out_in, f"{c.out_in:6.2f}-{c.out_out:6.2f}  {c.kind} card: "
            + " / ".join(t.text for t in c.texts)) for c in edl.cards]
    )  # fmt: skip
    lines += [f"  {text}" for _, text in rows]
    spoken = [s for s in edl.segments if s.line]
    lines.append(f"  lines of dialogue: {len(spoken)}" if spoken else "  lines of dialogue: none")
    for seg in spoken:
        (lo, hi), (at, until) = seg.sound_span, seg.sound_at
        lines.append(
            f"    {at:6.2f}-{until:6.2f}  {seg.act:<11} {Path(seg.source).name} "
            f"{lo:.2f}-{hi:.2f} s{_split_note(seg)}"
        )
    lines.append(f"  cover at {edl.cover_time:.2f} s")
    lines += [f"  lint: {note}" for note in lint(edl)] or ["  lint: nothing to report"]
    return lines


def _split_note(seg: Segment) -> str:
    """How a line's sound and picture part: a J cut (sound first) or an L cut (sound
    after), in seconds."""
    (at, until) = seg.sound_at
    notes = []
    if seg.out_in - at > 1e-3:
        notes.append(f"sound leads the picture by {seg.out_in - at:.2f} s")
    if until - seg.out_out > 1e-3:
        notes.append(f"sound runs {until - seg.out_out:.2f} s past the picture")
    return f" ({'; '.join(notes)})" if notes else ""


def _segment_line(seg: Segment) -> str:
    join = "" if seg.enter.kind == "cut" else f" ({seg.enter.kind} in)"
    return (
        f"{seg.out_in:6.2f}-{seg.out_out:6.2f}  {seg.act:<11} {Path(seg.source).name} "
        f"{seg.src_in:.2f}-{seg.src_out:.2f} s, shot {seg.shot}, score {seg.score:.2f}, "
        f"{seg.frames[0].layout}{join}{', line' if seg.line else ''}"
        f"{'' if seg.audio or seg.line else ', music only'}"
    )
