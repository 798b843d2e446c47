"""Scene benchmark: autocut's shot detector against PySceneDetect, for accuracy and speed.

    python -m benchmarks.scenes [--footage DIR] [--repeat N] [--stress-only]

Accuracy: every labelled clip (the shared ``expected/*.expected.json`` clips when that folder
exists, the three sample clips, and rotated and variable-frame-rate variants of two of them)
goes through three detectors, each timed on its own:

- ``autocut``: ``probe`` + ``analyze``, the same call the main job makes (no cache involved);
- ``adaptive`` and ``content``: PySceneDetect's ``AdaptiveDetector()`` / ``ContentDetector()``
  at their defaults with their own decoding (OpenCV backend, automatic downscaling), i.e.
  what ``scenedetect.detect(path, detector)`` does.

The spliced stress set (:mod:`benchmarks.stress`) goes through the same three detectors in
the same run, scored on the part rules may be tuned on beside the part kept aside.

Scores follow ``benchmarks.metrics`` (one-to-one matching within one frame, by time for
variable-frame-rate clips). Speed: a 60 s 1920x1080 clip (``fixtures.variants``) timed as a
user runs it, ``autocut scenes CLIP --json`` with and without the analysis cache, against
PySceneDetect's adaptive detector run the same way (a fresh Python process each).

Derived clips are built once and kept in ``benchmarks/.cache`` (git-ignored), keyed by a hash
of what they are made from.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.metrics import (
    ClipScore,
    Detection,
    LabelledClip,
    Span,
    clip_from_entry,
    load_expected,
    load_fixture_truth,
    pooled,
    score_clip,
)
from benchmarks.run import Row, best_time, best_times, print_table
from benchmarks.stress import StressClip, load_stress, print_stress

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FOOTAGE = ROOT / "fixtures" / "footage"
CACHE = ROOT / "benchmarks" / ".cache"
LABELS = ROOT / "benchmarks" / "labels"
"""The project's own labels of shared clips (``NAME.expected.json``, as in ``expected/``)."""
CACHE_VERSION = "1"
"""Bumped when derived clips are made differently, so stale cached ones are rebuilt."""

DETECTORS = ("autocut", "adaptive", "content")
VARIANT_SOURCES = ("clip_a.mp4", "clip_c.mp4")

_ADAPTIVE_SCRIPT = (
    "import json, sys, scenedetect as s\n"
    "scenes = s.detect(sys.argv[1], s.AdaptiveDetector())\n"
    "print(json.dumps([x[0].frame_num for x in scenes[1:]]))\n"
)
_API_SCRIPT = (
    "import json, sys\n"
    "from editor.analysis.analyze import analyze\n"
    "from editor.media.probe import probe\n"
    "print(json.dumps(analyze(probe(sys.argv[1])).scene_dict()))\n"
)


def default_footage() -> Path:
    """The shared footage folder: ``AUTOCUT_FOOTAGE``, else ``../shared/footage``."""
    return Path(os.environ.get("AUTOCUT_FOOTAGE", ROOT.parent / "shared" / "footage"))


# --------------------------------------------------------------------------- detectors


def detect_autocut(path: Path) -> Detection:
    """autocut's detector through its public API: probe, then one analysis pass."""
    from editor.analysis.analyze import analyze
    from editor.media.probe import probe

    start = time.perf_counter()
    analysis = analyze(probe(path))
    seconds = time.perf_counter() - start
    times = analysis.times
    return Detection(
        cut_frames=tuple(int(c) for c in analysis.cuts),
        cut_times=tuple(float(times[c]) for c in analysis.cuts),
        transitions=tuple(
            Span(t.kind, t.start_frame, t.end_frame, t.start, t.end) for t in analysis.transitions
        ),
        seconds=seconds,
        frames=len(times),
    )


def detect_pyscenedetect(path: Path, kind: str) -> Detection:
    """PySceneDetect at its defaults, decoding on its own (what ``scenedetect.detect`` does)."""
    import scenedetect

    detector = (
        scenedetect.AdaptiveDetector() if kind == "adaptive" else scenedetect.ContentDetector()
    )
    start = time.perf_counter()
    video = scenedetect.open_video(str(path), backend="opencv")
    manager = scenedetect.SceneManager()
    manager.add_detector(detector)
    manager.detect_scenes(video)
    scenes = manager.get_scene_list()
    seconds = time.perf_counter() - start
    starts = [s[0] for s in scenes[1:]]
    return Detection(
        cut_frames=tuple(int(s.frame_num) for s in starts),
        cut_times=tuple(float(s.seconds) for s in starts),
        seconds=seconds,
        frames=int(video.frame_number),
    )


def detect(path: Path, detector: str) -> Detection:
    if detector == "autocut":
        return detect_autocut(path)
    return detect_pyscenedetect(path, detector)


# --------------------------------------------------------------------------- clips


def _digest(*parts: Path | str) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for part in parts:
        h.update(part.read_bytes() if isinstance(part, Path) else part.encode())
    return h.hexdigest()[:12]


def _cached(name: str, key: str, build: Callable[[Path], object]) -> Path:
    """``CACHE/<key>/<name>``, built by ``build(path)`` unless already there."""
    path = CACHE / key / name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
    return path


def shared_clips(footage: Path) -> list[LabelledClip]:
    """Every labelled shared clip (labels of the shared folder, then the project's own labels
    of shared clips in ``benchmarks/labels``), or none (with a note) when the folder is
    absent."""
    expected = footage / "expected"
    if not expected.is_dir():
        print(f"note: no labelled shared footage at {expected}; shared clips skipped")
        return []
    labels = sorted(expected.glob("*.expected.json")) + sorted(LABELS.glob("*.expected.json"))
    clips = [load_expected(p, footage) for p in labels]
    present = [c for c in clips if c.path.is_file()]
    for clip in clips:
        if clip not in present:
            print(f"note: {clip.path} is labelled but missing; skipped")
    return present


def sample_clips() -> list[LabelledClip]:
    return list(load_fixture_truth(SAMPLE_FOOTAGE / "ground_truth.json"))


def variant_clips(samples: Sequence[LabelledClip]) -> list[LabelledClip]:
    """Rotated (-90) and variable-frame-rate versions of ``VARIANT_SOURCES`` (cached)."""
    from fixtures import variants

    by_name = {c.name: c for c in samples}
    clips = []
    for name in VARIANT_SOURCES:
        source = by_name[name]
        key = _digest(source.path, Path(variants.__file__))
        stem = Path(name).stem
        rotated = _cached(
            f"{stem}_rot.mp4", key, lambda p, s=source.path: variants.make_rotated(s, p, -90)
        )
        clips.append(dataclasses.replace(source, name=rotated.name, path=rotated))
        vfr = _cached(f"{stem}_vfr.mp4", key, lambda p, s=source.path: variants.make_vfr(s, p))
        clips.extend(load_fixture_truth(variants.truth_path(vfr)))
    return clips


def stress_clips(footage: Path) -> list[StressClip]:
    """The spliced stress set (built once, cached): from the shared clips and the sample
    footage, or the sample footage alone when the shared folder is absent."""
    from fixtures import stress

    makers = sorted(Path(stress.__file__).parent.glob("stress*.py"))
    shared = footage if footage.is_dir() else None
    key = _digest(*makers, str(shared is not None))
    truth = stress.build(CACHE / key / "stress", shared)
    return load_stress(truth)


def speed_clip_path() -> Path:
    from fixtures import variants

    sources = sorted(SAMPLE_FOOTAGE.glob("clip_*.mp4"))
    key = _digest(*sources, Path(variants.__file__))
    return _cached("speed_1080p_60s.mp4", key, variants.make_speed_clip)


# --------------------------------------------------------------------------- accuracy


@dataclass(frozen=True)
class Result:
    """One detector on one clip: its output and its score."""

    detector: str
    detection: Detection
    score: ClipScore


def run_accuracy(clips: Sequence[LabelledClip]) -> list[Result]:
    results = []
    for clip in clips:
        for detector in DETECTORS:
            detection = detect(clip.path, detector)
            results.append(Result(detector, detection, score_clip(clip, detection)))
    return results


def _values(values: Sequence[float], by_time: bool) -> str:
    if by_time:
        return "[" + ", ".join(f"{v:.3f}s" for v in values) + "]"
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def _line(label: str, detector: str, results: Sequence[Result], labels: str) -> str:
    cuts = pooled(r.score.cuts for r in results)
    found = sum(r.score.transitions_found for r in results)
    labelled = sum(r.score.transitions_labelled for r in results)
    frames = sum(r.detection.frames for r in results)
    seconds = sum(r.detection.seconds for r in results)
    trans = f"{found}/{labelled}" if labelled else "-"
    return (
        f"{label:30s} {labels:>6s} {detector:9s} {cuts.precision:5.2f} {cuts.recall:5.2f} "
        f"{cuts.f1:5.2f} {cuts.fp:4d} {cuts.false_on_hard_negatives:4d} {trans:>6s} "
        f"{frames / seconds if seconds else 0:7.0f}"
    )


def print_accuracy(results: Sequence[Result]) -> None:
    """The per-clip and overall table, then what each detector got wrong."""
    header = (
        f"{'clip':30s} {'cuts':>6s} {'detector':9s} {'P':>5s} {'R':>5s} {'F1':>5s} "
        f"{'FP':>4s} {'HNeg':>4s} {'trans':>6s} {'fps':>7s}"
    )
    print(header)
    print("-" * len(header))
    clips = list(dict.fromkeys(r.score.clip for r in results))
    for clip in clips:
        mine = [r for r in results if r.score.clip == clip]
        for k, r in enumerate(mine):
            label = clip.name + (" (vfr)" if clip.vfr and k == 0 else "")
            labels = str(len(clip.cut_frames)) if k == 0 else ""
            print(_line(label if k == 0 else "", r.detector, [r], labels))
    print("-" * len(header))
    for detector in DETECTORS:
        mine = [r for r in results if r.detector == detector]
        total = str(sum(len(c.cut_frames) for c in clips))
        print(_line(f"all {len(clips)} clips", detector, mine, total))
    print(
        "P/R/F1: hard cuts, +/-1 frame (by time for vfr); FP: false cuts; HNeg: of those, on "
        "labelled hard negatives;\ntrans: gradual transitions found (overlapping transition "
        "or a cut inside) / labelled; fps: frames per second of wall time"
    )
    print()
    print("mistakes (frames; seconds for vfr clips):")
    for clip in clips:
        for r in (r for r in results if r.score.clip == clip):
            problems = _mistakes(r)
            if problems:
                print(f"  {clip.name:28s} {r.detector:9s} {'; '.join(problems)}")
    for detector in DETECTORS:
        if not any(_mistakes(r) for r in results if r.detector == detector):
            print(f"  {detector}: none")


def _mistakes(result: Result) -> list[str]:
    cuts = result.score.cuts
    by_time = result.score.clip.vfr
    problems = []
    if cuts.missed_cuts:
        problems.append(f"missed {_values(cuts.missed_cuts, by_time)}")
    if cuts.false_cuts:
        problems.append(f"false {_values(cuts.false_cuts, by_time)}")
    if cuts.on_gradual:
        problems.append(f"cut on gradual {_values(cuts.on_gradual, by_time)}")
    missed = [g.span for g in result.score.gradual if not g.found]
    if missed:
        spans = ", ".join(f"{s.kind} {s.start_frame}-{s.end_frame}" for s in missed)
        problems.append(f"transitions missed [{spans}]")
    by_cut = [g.span for g in result.score.gradual if g.by_cut and not g.by_transition]
    if by_cut and result.detector == "autocut":
        spans = ", ".join(f"{s.kind} {s.start_frame}-{s.end_frame}" for s in by_cut)
        problems.append(f"found only as a cut [{spans}]")
    return problems


def accuracy_rows(results: Sequence[Result]) -> list[Row]:
    """Total detection time over the labelled clips: autocut against each baseline."""
    seconds = {d: sum(r.detection.seconds for r in results if r.detector == d) for d in DETECTORS}
    return [
        Row(
            "scenes, labelled clips",
            "probe + analyze",
            seconds["autocut"],
            f"PySceneDetect {baseline}",
            seconds[baseline],
        )
        for baseline in ("adaptive", "content")
    ]


def print_summary(results: Sequence[Result]) -> None:
    f1 = {d: pooled(r.score.cuts for r in results if r.detector == d).f1 for d in DETECTORS}
    seconds = {d: sum(r.detection.seconds for r in results if r.detector == d) for d in DETECTORS}
    print(
        "overall F1: " + ", ".join(f"{d} {f1[d]:.3f}" for d in DETECTORS)
        + f"; time autocut/adaptive {seconds['autocut']:.1f} s / {seconds['adaptive']:.1f} s"
        + f" = {seconds['autocut'] / seconds['adaptive']:.2f}x"
    )  # fmt: skip


# --------------------------------------------------------------------------- speed


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _supports_no_cache() -> bool:
    help_text = _run([sys.executable, "-m", "editor", "scenes", "--help"], dict(os.environ))
    return "--no-cache" in help_text


def speed_rows(repeat: int) -> list[Row]:
    """autocut scenes on the 60 s 1080p clip, with and without its cache, vs Adaptive."""
    from fixtures.variants import speed_clip

    clip = speed_clip_path()
    truth = speed_clip(clip)
    subject = [sys.executable, "-m", "editor", "scenes", str(clip), "--json"]
    with tempfile.TemporaryDirectory() as fresh, tempfile.TemporaryDirectory() as cache:
        env_fresh = {**os.environ, "AUTOCUT_CACHE_DIR": fresh}
        env_cache = {**os.environ, "AUTOCUT_CACHE_DIR": cache}
        if _supports_no_cache():
            uncached = [*subject, "--no-cache"]
            uncached_name = "autocut scenes --json --no-cache"
        else:
            print("note: autocut scenes has no --no-cache yet; timing the Python API instead")
            uncached = [sys.executable, "-c", _API_SCRIPT, str(clip)]
            uncached_name = "probe + analyze (Python API)"
        out: dict[str, str] = {}

        def run_uncached() -> None:
            out["autocut"] = _run(uncached, env_fresh)

        def run_adaptive() -> None:
            out["adaptive"] = _run([sys.executable, "-c", _ADAPTIVE_SCRIPT, str(clip)], env_fresh)

        no_cache_s, adaptive_s = best_times([run_uncached, run_adaptive], repeat)
        _run(subject, env_cache)  # fills the cache
        filled = any(Path(cache).rglob("*"))
        cached_s = best_time(lambda: _run(subject, env_cache), repeat)
    if not filled:
        print("note: AUTOCUT_CACHE_DIR stayed empty; the cached row is a second full analysis")
    scenes = json.loads(out["autocut"])
    found = {
        "autocut": tuple(c["frame"] for c in scenes["cuts"]),
        "adaptive": tuple(json.loads(out["adaptive"])),
    }
    speed_truth = clip_from_entry(truth.entry(), clip.parent, truth.fps)
    scores = {
        name: score_clip(speed_truth, Detection(frames, ())).cuts for name, frames in found.items()
    }
    print(
        f"speed clip {clip.name} ({truth.frame_count} frames 1920x1080, "
        f"{len(truth.cut_frames)} cuts): "
        + ", ".join(
            f"{name} P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}"
            for name, s in scores.items()
        )
    )
    baseline = "PySceneDetect adaptive (own process)"
    return [
        Row("scenes 1080p 60 s, no cache", uncached_name, no_cache_s, baseline, adaptive_s),
        Row("scenes 1080p 60 s, cached", "autocut scenes --json", cached_s, baseline, adaptive_s),
    ]


# --------------------------------------------------------------------------- entry points


def run(footage: Path | None = None, repeat: int = 1, stress_only: bool = False) -> list[Row]:
    """Run the accuracy benchmark (printing its tables) and return the speed rows."""
    logging.getLogger("pyscenedetect").setLevel(logging.ERROR)
    footage = default_footage() if footage is None else footage
    stress = stress_clips(footage)
    print_stress(stress, run_accuracy([s.clip for s in stress]), DETECTORS)
    print()
    if stress_only:
        return []
    samples = sample_clips()
    clips = [*shared_clips(footage), *samples, *variant_clips(samples)]
    results = run_accuracy(clips)
    print_accuracy(results)
    print()
    print_summary(results)
    print()
    return [*accuracy_rows(results), *speed_rows(repeat)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footage", type=Path, default=None, help="shared footage folder")
    parser.add_argument("--repeat", type=int, default=1, help="speed runs, best one counts")
    parser.add_argument("--stress-only", action="store_true", help="the stress set alone")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rows = run(args.footage, args.repeat, args.stress_only)
    if rows:
        print_table(rows)
    print(f"\nscene benchmark took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
