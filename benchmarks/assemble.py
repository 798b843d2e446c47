"""Main-job benchmark: trailer speed against an ffmpeg floor, and highlight quality against
random shots, in one run.

    python -m benchmarks.assemble [--rounds N] [--seeds N] [--skip-speed]

Speed, on 3 min 12 s of generated 1920x1080 30 fps footage with sound (``fixtures.longform``,
six files built from the sample clips, kept in ``benchmarks/.cache``):

- ``floor``: what any tool making a 30 s vertical video from this footage pays at least:
  ffmpeg decoding all of it to nothing (``-i FILE -f null -``, every file, all streams), plus
  ffmpeg encoding 30 s of one file, centre-cropped and scaled to 1080x1920, with the
  project's delivery settings (``editor.media.encode``, the trailer preset's bitrates and
  x264 speed preset);
- ``cold``: ``autocut FOOTAGE --preset trailer -o OUT`` with an empty analysis cache
  (``AUTOCUT_CACHE_DIR`` a fresh folder): analysis, planning and rendering, as a first run.
  An empty cache rather than ``--no-cache`` so that the run fills it for the next two;
- ``warm``: the same command again with that cache filled: planning and rendering;
- ``dry``: the same with ``--dry-run`` and the filled cache: planning alone, what a preview
  costs.

Each is a process tree of its own; wall time and peak tree memory are measured as in
``benchmarks.render``. Targets: cold run <= 1.5x the floor; dry run <= 10 % of a full run
(printed against the warm and the cold run). ``--rounds`` repeats everything interleaved and
keeps each route's best time.

Quality, on the labelled sample clips (``fixtures/footage/ground_truth.json``):

- ranking: every labelled shot, less ``TRIM_FRAMES`` at each end, cut into ~1 s windows,
  each scored with the planner's own features and weights (``editor.assemble.scoring``)
  without the rejection rules: ROC AUC of score for interesting against dull windows
  (0.5 is chance) and the precision of the best-scored windows against the base rate;
- whole system: the share of a planned trailer's footage time whose source frames lie in
  interesting shots, for seeds ``0..N-1``, against random ``RANDOM_WINDOW`` s windows of
  random labelled shots filling the same time with the same seeds. The same is done on the
  long footage, whose truth follows from the sample's (``fixtures.longform.part_pieces``):
  there the planner has six times more footage than it needs, so selection counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.render import Run, measure
from benchmarks.run import ffmpeg_decode
from benchmarks.scenes import SAMPLE_FOOTAGE, _cached, _digest
from editor.analysis.model import Analysis
from editor.assemble.edl import Edl
from editor.media.encode import audio_args, video_args
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import probe
from editor.preset import Preset, load_preset
from editor.reframe.window import fit_window
from fixtures import longform

PRESET = "trailer"
FLOOR_SECONDS = 30
FULL_TARGET = 1.5
"""A cold full run may take this many times the floor."""
DRY_TARGET = 0.10
"""A dry run may take this share of a full run."""
TRIM_FRAMES = 3
"""Frames left out at each end of a labelled shot: a boundary may be a frame off."""
WINDOW_FRAMES = 30
"""Length of a ranking window (about one planned shot in the climax)."""
RANDOM_WINDOW = 1.5
"""Seconds of each random-shot pick: about the preset's mean shot length."""
SAMPLES = ("clip_a.mp4", "clip_b.mp4", "clip_c.mp4")


# --------------------------------------------------------------------------- footage


def longform_paths() -> list[Path]:
    """The long footage, built once into ``benchmarks/.cache/<key>/`` (a folder of its own)."""
    sources = [SAMPLE_FOOTAGE / name for name in longform.SOURCES]
    key = _digest(*sources, SAMPLE_FOOTAGE / "ground_truth.json", Path(longform.__file__))
    return [
        _cached(longform.part_name(k), key, lambda p, k=k: longform.make_part(k, p))
        for k in range(longform.PARTS)
    ]


# --------------------------------------------------------------------------- speed


@dataclass(frozen=True)
class Speed:
    """Best times of every route; ``failed`` holds autocut's error when it did not finish."""

    decode: float
    encode: Run
    runs: dict[str, Run]
    output: Path | None
    load: float
    failed: str = ""

    @property
    def floor(self) -> float:
        return self.decode + self.encode.seconds


def encode_command(path: Path, out: Path, preset: Preset) -> list[str]:
    """ffmpeg: the first ``FLOOR_SECONDS`` of ``path``, centre crop, delivery encoding."""
    media = probe(path)
    o = preset.output
    w, h = fit_window(media.width, media.height, o.width, o.height)
    x, y = (media.width - w) // 2, (media.height - h) // 2
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(path),
        "-t", str(FLOOR_SECONDS), "-vf", f"crop={w}:{h}:{x}:{y},scale={o.width}:{o.height}",
        *video_args(o.fps, o.video_bitrate_kbps, o.x264_preset),
        *audio_args(o.audio_bitrate_kbps), str(out),
    ]  # fmt: skip


def autocut_command(footage: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "editor", str(footage), "--preset", PRESET, "-o", str(out),
            *extra]  # fmt: skip


def time_decode(paths: list[Path]) -> float:
    """Wall time of ffmpeg decoding every file to nothing, one after the other."""
    start = time.perf_counter()
    ffmpeg_decode(paths)
    return time.perf_counter() - start


def _best(runs: dict[str, Run], name: str, run: Run) -> None:
    """Keep the best time and the largest peak of ``name`` (as ``benchmarks.render``)."""
    old = runs.get(name)
    runs[name] = Run(
        min(run.seconds, old.seconds) if old else run.seconds,
        max(run.peak_mb, old.peak_mb) if old else run.peak_mb,
    )


def autocut_round(footage: Path, folder: Path, runs: dict[str, Run]) -> None:
    """One cold, one warm and one dry run; the cold one fills a fresh cache the others use."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=folder))
    env = {**os.environ, "AUTOCUT_CACHE_DIR": str(cache)}
    _best(runs, "cold", measure(autocut_command(footage, folder / "cold"), env))
    _best(runs, "warm", measure(autocut_command(footage, folder / "warm"), env))
    _best(runs, "dry", measure(autocut_command(footage, folder / "dry", "--dry-run"), env))


def run_speed(paths: list[Path], rounds: int, folder: Path) -> Speed:
    """Every route ``rounds`` times, interleaved, so a busy spell costs one round only."""
    preset = load_preset(PRESET)
    load = os.getloadavg()[0]
    decode, encode, runs, failed = float("inf"), None, {}, ""
    for _ in range(max(1, rounds)):
        decode = min(decode, time_decode(paths))
        enc = measure(encode_command(paths[0], folder / "floor.mp4", preset))
        encode = enc if encode is None or enc.seconds < encode.seconds else encode
        if failed:
            continue
        try:
            autocut_round(paths[0].parent, folder, runs)
        except SystemExit as exc:  # measure() reports a failed command this way
            failed = str(exc)
    outputs = sorted((folder / "cold").glob("*.mp4"))
    return Speed(decode, encode, runs, outputs[0] if outputs else None, load, failed)


def print_speed(paths: list[Path], speed: Speed, rounds: int) -> None:
    seconds = sum(probe(p).duration for p in paths)
    print(f"footage: {len(paths)} files, {seconds:.0f} s of 1920x1080 30 fps with sound "
          f"({paths[0].parent}); best of {max(1, rounds)} round(s)")  # fmt: skip
    cores = os.cpu_count() or 1
    busy = " (busy: other work competes, times are inflated)" if speed.load > cores / 2 else ""
    print(f"load average before the speed runs: {speed.load:.2f} on {cores} cores{busy}\n")
    print(f"{'route':40s} {'wall s':>8s} {'peak MB':>8s} {'x floor':>8s}")
    print("-" * 67)
    rows = [
        (f"ffmpeg decode, all {len(paths)} files", speed.decode, None),
        (f"ffmpeg encode, {FLOOR_SECONDS} s 1080x1920", speed.encode.seconds,
         speed.encode.peak_mb),
        ("floor (decode + encode)", speed.floor, None),
        ("autocut, cold (empty cache)", *_pair(speed.runs.get("cold"))),
        ("autocut, warm (analysis cached)", *_pair(speed.runs.get("warm"))),
        ("autocut --dry-run, warm", *_pair(speed.runs.get("dry"))),
    ]  # fmt: skip
    for name, wall, peak in rows:
        if wall is None:
            print(f"{name:40s} {'failed':>8s}")
            continue
        mb = f"{peak:8.0f}" if peak is not None else f"{'-':>8s}"
        print(f"{name:40s} {wall:8.1f} {mb} {wall / speed.floor:8.2f}")
    print()
    print_targets(speed)


def _pair(run: Run | None) -> tuple[float | None, float | None]:
    return (run.seconds, run.peak_mb) if run else (None, None)


def _verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "MISSED"


def print_targets(speed: Speed) -> None:
    """The two ratios with their targets, and the output the cold run wrote."""
    if speed.failed:
        print(f"autocut failed, no ratios:\n{speed.failed}")
        return
    cold, warm, dry = (speed.runs[k].seconds for k in ("cold", "warm", "dry"))
    full = cold / speed.floor
    print(f"full run / floor     {full:6.2f}x   (target <= {FULL_TARGET:.1f}x)  "
          f"{_verdict(full, FULL_TARGET)}")  # fmt: skip
    for name, base in (("warm", warm), ("cold", cold)):
        share = dry / base
        print(f"dry run / {name} run   {100 * share:6.1f} %  (target <= {100 * DRY_TARGET:.0f} %)"
              f"  {_verdict(share, DRY_TARGET)}")  # fmt: skip
    if speed.output is None:
        print("output: MISSING (no .mp4 in the output folder)")
        return
    media = probe(speed.output)
    print(f"output: {speed.output.name}, {media.width}x{media.height}, {media.duration:.2f} s")


# --------------------------------------------------------------------------- truth


@dataclass(frozen=True)
class LabelledShot:
    """Frames ``[start_frame, end_frame)`` of ``file``: one labelled shot (or part of one)."""

    file: str
    kind: str
    start_frame: int
    end_frame: int
    interesting: bool

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


def sample_shots() -> list[LabelledShot]:
    """Every labelled shot of the sample clips the long footage is made of (:data:`SAMPLES`;
    the dialogue clip is all interesting, so it has nothing to rank)."""
    data = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text(encoding="utf-8"))
    return [
        LabelledShot(c["file"], s["kind"], s["start_frame"], s["end_frame"],
                     s["label"] == "interesting")
        for c in data["clips"] if c["file"] in SAMPLES
        for s in c["shots"]
    ]  # fmt: skip


def longform_shots(samples: Sequence[LabelledShot]) -> list[LabelledShot]:
    """The labelled shots of the long footage: sample shots cut to the pieces showing them."""
    shots = []
    for k in range(longform.PARTS):
        for p in longform.part_pieces(k):
            for s in samples:
                a, b = max(s.start_frame, p.first), min(s.end_frame, p.end)
                if s.file == p.file and a < b:
                    at = p.at - p.first
                    shots.append(
                        LabelledShot(longform.part_name(k), s.kind, a + at, b + at, s.interesting)
                    )
    return shots


def frame_labels(shots: Sequence[LabelledShot]) -> dict[str, np.ndarray]:
    """Per file, True for every frame in an interesting shot."""
    size: dict[str, int] = {}
    for s in shots:
        size[s.file] = max(size.get(s.file, 0), s.end_frame)
    labels = {name: np.zeros(n, bool) for name, n in size.items()}
    for s in shots:
        labels[s.file][s.start_frame : s.end_frame] = s.interesting
    return labels


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Window:
    shot: LabelledShot
    score: float


def shot_windows(shot: LabelledShot, analysis: Analysis, preset: Preset) -> list[Window]:
    """``shot`` less ``TRIM_FRAMES`` at each end, in ~1 s windows, each scored on its own.

    A window is scored within the analysed shot holding its middle frame, cut to that shot.
    """
    from editor.assemble.scoring import onset_frames, piece_features, weighted_score

    first, end = shot.start_frame + TRIM_FRAMES, shot.end_frame - TRIM_FRAMES
    if end - first < WINDOW_FRAMES // 3:
        return []
    level = analysis.audio_level
    onsets = onset_frames(level) if level.size == analysis.frame_count else np.zeros(0, bool)
    edges = np.linspace(first, end, max(1, round((end - first) / WINDOW_FRAMES)) + 1)
    windows = []
    for a, b in zip(edges[:-1].round().astype(int), edges[1:].round().astype(int)):
        mid = (a + b) // 2
        held = next(s for s in analysis.shots if s.start_frame <= mid < s.end_frame)
        a, b = max(a, held.start_frame), min(b, held.end_frame)
        features = piece_features(analysis, held, int(a), int(b), onsets)
        windows.append(Window(shot, weighted_score(features, preset.scoring)))
    return windows


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Chance that a random positive outscores a random negative (ties count half)."""
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(((pos > neg) + 0.5 * (pos == neg)).mean())


def precision_at(windows: Sequence[Window], k: int) -> float:
    """Share of interesting windows among the ``k`` best-scored ones."""
    best = sorted(windows, key=lambda w: -w.score)[:k]
    return sum(w.shot.interesting for w in best) / max(1, len(best))


def print_ranking(windows: Sequence[Window]) -> None:
    good = [w.score for w in windows if w.shot.interesting]
    dull = [w.score for w in windows if not w.shot.interesting]
    base = len(good) / len(windows)
    half = len(windows) // 2
    print(
        f"ranking: {len(windows)} windows of ~{WINDOW_FRAMES / 30:g} s ({len(good)} interesting, "
        f"{len(dull)} dull), scored without the rejection rules"
    )
    print(f"{'measure':34s} {'scoring':>8s} {'random':>8s} {'margin':>8s}")
    print("-" * 61)
    rows = [
        ("ROC AUC interesting vs dull", roc_auc(good, dull), 0.5),
        (f"precision, top {len(good)} (= interesting)", precision_at(windows, len(good)), base),
        (f"precision, top half ({half})", precision_at(windows, half), base),
    ]
    for name, value, chance in rows:
        print(f"{name:34s} {value:8.3f} {chance:8.3f} {value - chance:+8.3f}")
    kinds = dict.fromkeys(w.shot.kind for w in windows)
    means = {k: np.mean([w.score for w in windows if w.shot.kind == k]) for k in kinds}
    print("mean score by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))


# --------------------------------------------------------------------------- whole system


@dataclass(frozen=True)
class Pick:
    """One seed: the footage time a trailer shows, and the interesting share of it for the
    planner and for random shots."""

    seed: int
    seconds: float
    planned: float
    random: float


def planned_share(edl: Edl, labels: dict[str, np.ndarray], fps: float) -> tuple[int, int]:
    """Interesting source frames and all source frames an EDL's segments show."""
    good = total = 0
    for seg in edl.segments:
        label = labels[Path(seg.source).name]
        a, b = round(seg.src_in * fps), min(round(seg.src_out * fps), label.size)
        good += int(label[a:b].sum())
        total += max(0, b - a)
    return good, total


def random_share(shots: Sequence[LabelledShot], frames: int, seed: int, fps: float) -> float:
    """Interesting share of ``frames`` filled with random windows of uniformly random shots."""
    rng = np.random.default_rng(seed)
    window = round(RANDOM_WINDOW * fps)
    good = filled = 0
    while filled < frames:
        shot = shots[rng.integers(len(shots))]
        take = min(window, shot.frames, frames - filled)
        good += take * shot.interesting
        filled += take
    return good / max(1, frames)


def expected_random(shots: Sequence[LabelledShot], fps: float = 30.0) -> float:
    """What ``random_share`` tends to over many draws: window-weighted interesting share."""
    window = round(RANDOM_WINDOW * fps)
    taken = [min(window, s.frames) for s in shots]
    return sum(t for t, s in zip(taken, shots) if s.interesting) / sum(taken)


def whole_system(
    analyses: list[Analysis], shots: Sequence[LabelledShot], preset: Preset, seeds: int
) -> list[Pick]:
    """For each seed, the planner's interesting share against random shots' (same time)."""
    from editor.assemble.trailer import plan_trailer

    labels = frame_labels(shots)
    fps = analyses[0].media.fps
    picks = []
    for seed in range(seeds):
        good, total = planned_share(plan_trailer(analyses, preset, seed=seed), labels, fps)
        share = good / max(1, total)
        picks.append(Pick(seed, total / fps, share, random_share(shots, total, seed, fps)))
    return picks


def print_whole(name: str, picks: Sequence[Pick], shots: Sequence[LabelledShot]) -> None:
    base = sum(s.frames for s in shots if s.interesting) / sum(s.frames for s in shots)
    chance = expected_random(shots)
    print(f"whole system, {name}: interesting share of footage time (all footage "
          f"{100 * base:.1f} %; random shots over many draws {100 * chance:.1f} %)")  # fmt: skip
    print(f"{'seed':>4s} {'footage s':>10s} {'autocut %':>10s} {'random %':>10s} {'margin':>8s}")
    print("-" * 46)
    for p in picks:
        print(f"{p.seed:4d} {p.seconds:10.2f} {100 * p.planned:10.1f} {100 * p.random:10.1f} "
              f"{100 * (p.planned - p.random):+8.1f}")  # fmt: skip
    planned = float(np.mean([p.planned for p in picks]))
    rand = float(np.mean([p.random for p in picks]))
    print(f"{'mean':>4s} {'':10s} {100 * planned:10.1f} {100 * rand:10.1f} "
          f"{100 * (planned - rand):+8.1f}")  # fmt: skip
    print(f"scoring beats random shots by {100 * (planned - rand):+.1f} points")


def _analyses(paths: Sequence[Path], cache: Path | None) -> list[Analysis]:
    """Analyses of ``paths`` through the analysis cache (``cache`` if given)."""
    from editor.analysis.cache import analyse_file

    before = os.environ.get("AUTOCUT_CACHE_DIR")
    if cache is not None:
        os.environ["AUTOCUT_CACHE_DIR"] = str(cache)
    try:
        return [analyse_file(p) for p in paths]
    finally:
        if before is None:
            os.environ.pop("AUTOCUT_CACHE_DIR", None)
        else:
            os.environ["AUTOCUT_CACHE_DIR"] = before


def run_quality(seeds: int, long_paths: list[Path], long_cache: Path | None) -> None:
    """Both quality measures on the sample; the whole-system one on the long footage too."""
    preset = load_preset(PRESET)
    shots = sample_shots()
    analyses = _analyses([SAMPLE_FOOTAGE / n for n in SAMPLES], None)
    by_name = {a.media.path.name: a for a in analyses}
    windows = [w for s in shots for w in shot_windows(s, by_name[s.file], preset)]
    print_ranking(windows)
    for name, paths, truth, cache in (
        ("sample clips", [a.media.path for a in analyses], shots, None),
        ("long footage", long_paths, longform_shots(shots), long_cache),
    ):
        print()
        try:
            picks = whole_system(_analyses(paths, cache), truth, preset, seeds)
        except Exception as exc:  # the planner may reject the footage: say so, go on
            print(f"whole system, {name}: plan_trailer failed: {type(exc).__name__}: {exc}")
            continue
        print_whole(name, picks, truth)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="speed rounds; best time counts")
    parser.add_argument("--seeds", type=int, default=5, help="trailer seeds for quality")
    parser.add_argument("--skip-speed", action="store_true", help="quality only")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    paths = longform_paths()
    with tempfile.TemporaryDirectory() as tmp:
        cache = None
        if not args.skip_speed:
            speed = run_speed(paths, args.rounds, Path(tmp))
            print_speed(paths, speed, args.rounds)
            print()
            cache = None if speed.failed else next(Path(tmp).glob("cache-*"), None)
        run_quality(args.seeds, paths, cache)
    print(f"\nassemble benchmark took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
