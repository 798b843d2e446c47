"""Face detection benchmark: every installed detector backend, side by side, on this Python.

    python -m benchmarks.faces [--footage DIR] [--every N]

For each backend (:data:`editor.analysis.faces.BACKENDS`) it prints, on the analysis frames
(320 px wide, as the analysis pass sees them) of every ``N``-th frame:

- on the sample footage, against its true face boxes: recall (true faces matched by a
  detection with IoU >= 0.3), false detections per frame, and milliseconds per frame;
- on the shared real clips (no boxes): the share of frames with at least one face found,
  and how often the backend agrees with the first backend on whether a frame holds a face;
- the whole analysis pass (decode, shots, faces, sound) of the 60 s 1080p30 speed clip,
  as a multiple of real time.

The first backend that loads is the one autocut uses; the others are the baseline it is
measured against in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.scenes import speed_clip_path
from editor.analysis.analyze import analyze
from editor.analysis.faces import BACKENDS, backend_available, make_detector
from editor.analysis.model import ANALYSIS_WIDTH
from editor.media.decode import analysis_frames
from editor.media.probe import probe

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "footage"
SHARED = ROOT.parent / "shared" / "footage"
REAL_CLIPS = (
    "clip_01_tears_of_steel.mp4",
    "short_hamilton_clip.mp4",
    "friday.mp4",
    "blackjournal.mp4",
    "WDA_AlexandriaOcasioCortez_000.mp4",
    "noisy_restaurant.mp4",
    "crowd_arcade_1080p.mp4",
)
MATCH_IOU = 0.3


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ``x, y, w, h`` boxes."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def sampled(path: Path, every: int):
    """``(frame index, analysis image, source-to-analysis scale)`` of every ``every``-th
    frame."""
    media = probe(path)
    for frame in analysis_frames(media, ANALYSIS_WIDTH):
        if frame.index % every == 0:
            yield frame.index, frame.image, frame.image.shape[1] / media.width


def sample_scores(detect, every: int) -> tuple[float, float, float]:
    """Recall, false detections per frame and ms per frame on the sample footage."""
    truth = json.loads((SAMPLE / "ground_truth.json").read_text())
    found = total = false = frames = 0
    seconds = 0.0
    for clip in truth["clips"]:
        boxes = clip["faces"]
        for index, image, scale in sampled(SAMPLE / clip["file"], every):
            start = time.perf_counter()
            rows = detect(image)
            seconds += time.perf_counter() - start
            frames += 1
            true = [np.asarray(b, float) * scale for b in boxes[index]]
            used = set()
            for box in true:
                hit = next((k for k, r in enumerate(rows)
                            if k not in used and iou(box, r[:4]) >= MATCH_IOU), None)  # fmt: skip
                total += 1
                if hit is not None:
                    used.add(hit)
                    found += 1
            false += len(rows) - len(used)
    return found / max(total, 1), false / max(frames, 1), 1000 * seconds / max(frames, 1)


def real_scores(detect, every: int, footage: Path) -> dict[str, list[bool]]:
    """Per real clip, whether each sampled frame has a face."""
    out = {}
    for name in REAL_CLIPS:
        path = footage / name
        if path.is_file():
            out[name] = [len(detect(image)) > 0 for _, image, _ in sampled(path, every)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--footage", type=Path, default=SHARED, help="shared real clips")
    parser.add_argument("--every", type=int, default=3, help="detect on every N-th frame")
    args = parser.parse_args(argv)
    backends = [b for b in BACKENDS if backend_available(b)]
    print(f"Python {platform.python_version()}; backends installed: {', '.join(backends)}")
    print(f"{'backend':18s} {'recall':>7s} {'false/f':>8s} {'ms/f':>6s}  (sample footage)")
    faces_by_backend = {}
    for name in backends:
        detect = make_detector(name)
        recall, false, ms = sample_scores(detect, args.every)
        print(f"{name:18s} {recall:7.3f} {false:8.3f} {ms:6.1f}")
        faces_by_backend[name] = real_scores(detect, args.every, args.footage)
    reference = backends[0]
    print(f"\nreal clips: frames with a face found (agreement with {reference})")
    for clip in faces_by_backend[reference]:
        cells = []
        for name in backends:
            seen, ref = faces_by_backend[name][clip], faces_by_backend[reference][clip]
            agree = np.mean([a == b for a, b in zip(seen, ref)])
            cells.append(f"{name} {np.mean(seen):5.1%} ({agree:5.1%})")
        print(f"  {clip:36s} " + "  ".join(cells))
    clip = speed_clip_path()
    for name in backends:
        start = time.perf_counter()
        analysis = analyze(probe(clip), face_detector=name)
        took = time.perf_counter() - start
        media = analysis.media
        print(
            f"analysis of the {media.duration:.0f} s {media.width}x{media.height} clip with "
            f"{name}: {took:.1f} s, {media.duration / took:.1f}x real time"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
