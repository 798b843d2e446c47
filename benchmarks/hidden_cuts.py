"""The reframer's safety net for missed cuts (:mod:`editor.reframe.hidden_cuts`), measured.

    python -m benchmarks.hidden_cuts [--footage DIR] [--stress DIR]

Every labelled clip is analysed twice: as usual (cached), and blind, with the shot detector
reporting no cuts at all, so face tracks are linked across the cuts as they would be across
a cut the detector really missed. The net then runs on three versions of each clip:

- ``removed``: the usual analysis with every cut taken out (the shots merged; face tracks
  still end at the cuts the detector found);
- ``blind``: the blind analysis;
- ``kept``: the usual analysis as it is (every suspect there is a false re-plan or a cut the
  detector missed).

Per group of clips it prints the hidden cuts, how many the net recovers (a suspect within one
frame), and its false re-plans (suspects farther than that from every labelled cut) per
minute. Groups: the sample footage and the ``tune`` part of the spliced stress set (the rules
were set on these), the ``held_out`` part of the stress set and the hand-labelled shared
clips (not tuned on), and the shared single shots without labels (any suspect is false).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

import editor.analysis.analyze as analyze_module
from editor.analysis.cache import analyse_file
from editor.analysis.model import Analysis, shots_from_cuts
from editor.media.probe import probe
from editor.reframe.hidden_cuts import suspected_cuts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "footage"
SINGLE_SHOTS = (
    "friday.mp4", "noisy_restaurant.mp4", "crowd_arcade_1080p.mp4", "street_couple_50fps.avi",
    "WDA_AlexandriaOcasioCortez_000.mp4", "example.mp4", "chaplin.mp4", "clip_02_caminandes.mp4",
    "man-on-green-screen.mp4",
)  # fmt: skip
"""Shared clips that are one shot each (labelled so, or by eye)."""


class _NoCuts(analyze_module.ShotDetector):
    """The shot detector with its cuts withheld (fades and dissolves kept)."""

    def finish(self):
        _cuts, transitions = super().finish()
        return [], transitions


def blind_analysis(path: Path) -> Analysis:
    """``path`` analysed as if the detector had found no cut (not cached)."""
    original = analyze_module.ShotDetector
    analyze_module.ShotDetector = _NoCuts
    try:
        return analyze_module.analyze(probe(path))
    finally:
        analyze_module.ShotDetector = original


def merged(analysis: Analysis) -> Analysis:
    """``analysis`` with every cut taken out."""
    shots = shots_from_cuts([], analysis.times, analysis.media.duration)
    return dataclasses.replace(analysis, cuts=(), shots=shots)


def score(analysis: Analysis, cuts: list[int]) -> tuple[int, int]:
    """Cuts of ``cuts`` recovered by a suspect within one frame, and false suspects."""
    frames = [c.frame for shot in analysis.shots for c in suspected_cuts(analysis, shot)]
    recovered = sum(any(abs(f - c) <= 1 for f in frames) for c in cuts)
    false = sum(all(abs(f - c) > 1 for c in cuts) for f in frames)
    return recovered, false


def clips(footage: Path, stress: Path | None) -> Iterable[tuple[str, Path, list[int]]]:
    """(group, path, labelled cut frames) of every clip measured."""
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
    for clip in truth["clips"]:
        yield "tune: sample", SAMPLE / clip["file"], [c["frame"] for c in clip["cuts"]]
    if stress is not None and (stress / "ground_truth.json").is_file():
        data = json.loads((stress / "ground_truth.json").read_text(encoding="utf-8"))
        for clip in data["clips"]:
            part = "tune" if clip["part"] == "tune" else "held out"
            cuts = [c["frame"] for c in clip["cuts"]]
            yield f"{part}: stress", stress / clip["file"], cuts
    for labels in sorted((footage / "expected").glob("*.expected.json")):
        name = labels.name.removesuffix(".expected.json")
        data = json.loads(labels.read_text(encoding="utf-8"))
        if (footage / name).is_file():
            yield "held out: shared", footage / name, [c["frame"] for c in data.get("cuts", [])]
    hamilton = ROOT / "benchmarks" / "labels" / "short_hamilton_clip.mp4.expected.json"
    if hamilton.is_file() and (footage / "short_hamilton_clip.mp4").is_file():
        data = json.loads(hamilton.read_text(encoding="utf-8"))
        cuts = [c["frame"] for c in data.get("cuts", [])]
        yield "hamilton", footage / "short_hamilton_clip.mp4", cuts
    for name in SINGLE_SHOTS:
        if (footage / name).is_file():
            yield "held out: single shots", footage / name, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footage", type=Path, default=ROOT.parent / "shared" / "footage")
    parser.add_argument("--stress", type=Path, default=None, help="a built stress set")
    args = parser.parse_args(argv)
    totals: dict[tuple[str, str], list[float]] = {}
    for group, path, cuts in clips(args.footage, args.stress):
        usual = analyse_file(path)
        for mode, analysis in (
            ("removed", merged(usual)),
            ("blind", blind_analysis(path)),
            ("kept", usual),
        ):
            hidden = cuts if mode != "kept" else []
            recovered, false = score(analysis, hidden)
            row = totals.setdefault((group, mode), [0, 0, 0, 0.0])
            row[0] += len(hidden)
            row[1] += recovered
            row[2] += false
            row[3] += analysis.frame_count / analysis.media.fps / 60
    for (group, mode), (hidden, recovered, false, minutes) in totals.items():
        share = f"{recovered / hidden:.0%}" if hidden else "-"
        print(
            f"{group:24} {mode:8} {minutes:5.1f} min  cuts hidden {hidden:3.0f}  recovered "
            f"{recovered:3.0f} ({share})  false re-plans {false:3.0f} ({false / minutes:.2f}/min)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
