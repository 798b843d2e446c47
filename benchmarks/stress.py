"""The spliced stress set in the scene benchmark: F1 on the part the detector may be tuned on
beside the part kept aside, per condition, for autocut and PySceneDetect in the same run.

The set (:mod:`fixtures.stress`) is made of shots from the shared clips and the sample
footage, spliced with the cuts, transitions and traps known to the frame. Its two parts never
share a source file: rules tuned on ``tune`` and judged on ``held_out`` show whether they
carry over to footage they were not fitted on. A gap between the two columns is the warning.

Gradual transitions count as found when a reported transition overlaps them or a cut falls
on them (:func:`benchmarks.metrics.find_gradual`); false transitions are autocut's reported
transitions that overlap no labelled one, counted per 10 minutes of the clips made without
any transition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.metrics import LabelledClip, clip_from_entry, pooled

PARTS = ("tune", "held_out")


@dataclass(frozen=True)
class StressClip:
    """One clip of the stress set with the part and condition it was made for."""

    clip: LabelledClip
    part: str
    condition: str
    seconds: float


def load_stress(truth: Path) -> list[StressClip]:
    """Every clip of a stress set's ``ground_truth.json``."""
    data = json.loads(truth.read_text(encoding="utf-8"))
    out = []
    for entry in data["clips"]:
        clip = clip_from_entry(entry, truth.parent, data["fps"])
        seconds = float(entry.get("duration", entry["frame_count"] / clip.fps))
        out.append(StressClip(clip, entry["part"], entry["condition"], seconds))
    return out


def false_transitions(result) -> int:
    """Reported transitions of ``result`` that overlap no labelled gradual transition."""
    clip = result.score.clip
    labelled = [(g.start_frame, g.end_frame) for g in clip.gradual]
    return sum(
        not any(t.start_frame <= b + 1 and t.end_frame >= a - 1 for a, b in labelled)
        for t in result.detection.transitions
    )


def print_stress(stress: Sequence[StressClip], results: Sequence, detectors: Sequence[str]) -> None:
    """Hard-cut scores per condition and part, gradual transitions and false transitions."""
    info = {s.clip.name: s for s in stress}

    def pick(detector: str, part: str, condition: str | None = None) -> list:
        return [
            r
            for r in results
            if r.detector == detector
            and info[r.score.clip.name].part == part
            and (condition is None or info[r.score.clip.name].condition == condition)
        ]

    minutes = {p: sum(s.seconds for s in stress if s.part == p) / 60 for p in PARTS}
    counts = {p: sum(len(s.clip.cut_frames) for s in stress if s.part == p) for p in PARTS}
    print(
        "stress set: "
        + "; ".join(
            f"{p} {sum(s.part == p for s in stress)} clips, {counts[p]} cuts, {minutes[p]:.1f} min"
            for p in PARTS
        )
    )
    head = f"{'condition':18s}" + "".join(f" {d[:9]:>9s} {'':>9s}" for d in detectors)
    sub = f"{'':18s}" + "".join(f" {'tune':>9s} {'held out':>9s}" for _ in detectors)
    print(head)
    print(sub)
    print("-" * len(sub))
    conditions = list(dict.fromkeys(s.condition for s in stress))
    for condition in [*conditions, None]:
        cells = []
        for detector in detectors:
            for part in PARTS:
                mine = pick(detector, part, condition)
                score = pooled(r.score.cuts for r in mine)
                labelled = score.tp + score.fn
                cells.append(
                    f"{score.f1:9.3f}" if mine and (labelled or score.fp) else f"{'-':>9s}"
                )
        name = condition or "all (F1)"
        print(f"{name:18s}" + "".join(f" {c}" for c in cells))
    print("-" * len(sub))
    for part in PARTS:
        parts = []
        for detector in detectors:
            s = pooled(r.score.cuts for r in pick(detector, part))
            parts.append(f"{detector} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
        print(f"hard cuts, {part:8s}: " + "; ".join(parts))
    print("F1 per condition: hard cuts within one frame; '-' where a part has no cut there")
    print()
    for part in PARTS:
        mine = pick("autocut", part)
        spans = [g for r in mine for g in r.score.gradual]
        kinds = sorted({g.span.kind for g in spans})
        found = sum(g.found for g in spans)
        as_transition = sum(g.by_transition for g in spans)
        per_kind = ", ".join(
            f"{k} {sum(g.found for g in spans if g.span.kind == k)}"
            f"/{sum(g.span.kind == k for g in spans)}"
            for k in kinds
        )
        plain = [r for r in mine if info[r.score.clip.name].condition == "no_transition"]
        plain_minutes = sum(info[r.score.clip.name].seconds for r in plain) / 60
        false = sum(false_transitions(r) for r in plain)
        rate = f"{false / plain_minutes * 10:.1f}" if plain_minutes else "-"
        share = found / len(spans) if spans else 1.0
        print(
            f"autocut gradual, {part:8s}: found {found}/{len(spans)} ({share:.1%}; "
            f"{as_transition} as transitions) [{per_kind}]; false transitions "
            f"{false} in {plain_minutes:.1f} min without any = {rate} per 10 min; "
            f"false transitions over all clips {sum(false_transitions(r) for r in mine)}"
        )
