"""Sound benchmark: does the edit respect dialogue, and how loud is what it delivers.

    python -m benchmarks.sound [--footage DIR] [--preset NAME ...] [--seeds N]

Two footage sets, each cut with ``autocut FOLDER --preset NAME`` (the real command) for every
preset (trailer, teaser, promo unless named), and once more as a trailer with
``--music FILE``, a generated drum track whose beats are known:

- the sample footage (``fixtures/footage``), whose dialogue clip has exact speech ground truth;
- the real dialogue clips of the shared footage (``DIALOGUE_CLIPS``), as one folder.

For each it prints, beside a random-cut baseline measured in the same run:

- **edges inside speech**: the share of segment sound edges (where the sound of every
  segment whose sound is heard starts and stops: a line's ``sound_in``/``sound_out``, else
  its ``src_in``/``src_out``; montage shots of dialogue footage play the music alone and
  have none) that fall inside speech, judged by an independent voice-activity
  detector (WebRTC VAD, aggressiveness 3, 30 ms frames) run on each source's own sound: an
  edge is inside speech when the frames on both sides of it are voiced. The baseline places
  the same segment lengths at random times in the same sources (``--seeds`` draws);
- **loudness**: integrated loudness (LUFS) and true peak (dBTP) of the output, by ffmpeg's
  ``ebur128`` filter;
- **ducking depth**: how much quieter the music stem plays under the dialogue the edit uses
  than between lines (dB), on the stems as the renderer mixes them;
- **on beats**: cuts inside the acts within one frame of a music beat, of all such cuts
  (random cuts would land within a frame of a beat about 2 frames in 16 at 113 BPM); with
  the music file, of its true beats.

And, for the sample's dialogue clip, speech detection against its ground truth: precision
and recall of the frames autocut's analysis calls speech; and edges inside speech judged by
that ground truth too (the VAD hears the sample's loud chords as voice).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from editor.media.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "footage"
SHARED = Path(os.environ.get("AUTOCUT_FOOTAGE", ROOT.parent / "shared" / "footage"))
DIALOGUE_CLIPS = (
    "example.mp4",
    "blackjournal.mp4",
    "WDA_AlexandriaOcasioCortez_000.mp4",
    "noisy_restaurant.mp4",
    "friday.mp4",
    "short_hamilton_clip.mp4",
)
VAD_RATE = 16000
VAD_FRAME = 480  # 30 ms at 16 kHz
VAD_MODE = 3


def source_sound(path: Path) -> np.ndarray:
    """The file's first audio stream as 16 kHz mono int16, decoded by ffmpeg."""
    cmd = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
           "-ar", str(VAD_RATE), "-f", "s16le", "-"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=True)
    return np.frombuffer(done.stdout, np.int16)


def voiced_frames(samples: np.ndarray) -> np.ndarray:
    """WebRTC VAD decision per 30 ms frame."""
    import webrtcvad

    vad = webrtcvad.Vad(VAD_MODE)
    count = len(samples) // VAD_FRAME
    return np.array(
        [vad.is_speech(samples[k * VAD_FRAME : (k + 1) * VAD_FRAME].tobytes(), VAD_RATE)
         for k in range(count)],
        bool,
    )  # fmt: skip


def inside_speech(voiced: np.ndarray, edge: float) -> bool:
    """Whether the 30 ms frames on both sides of ``edge`` (seconds) are voiced."""
    k = round(edge * VAD_RATE / VAD_FRAME)
    return 0 < k < len(voiced) and bool(voiced[k - 1] and voiced[k])


def ebur128(path: Path) -> tuple[float, float, float]:
    """Integrated loudness (LUFS), true peak (dBTP) and loudness range (LU) of the file's
    first sound stream, by ffmpeg's ebur128 filter: a meter that is not autocut's own."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0",
           "-af", "ebur128=peak=true", "-f", "null", "-"]  # fmt: skip
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    summary = text[text.rfind("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.inf]+) dBFS", summary).group(1))
    spread = float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1))
    return integrated, peak, spread


CLICK_WINDOW = 0.003
CLICK_RATIO = 3.0
"""An edit clicks when the sound's sharpest change within 3 ms of it is over three times the
sharpest change 10-100 ms to either side (and audible: over -50 dBFS)."""


def click_ratios(samples: np.ndarray, rate: int, times: list[float]) -> list[float]:
    """For each edit time, how much sharper the sound changes at it than around it: the
    largest second difference (a discontinuity's signature) within ``CLICK_WINDOW`` of the
    edit over the largest 10-100 ms away on either side; 0 where the edit is inaudible."""
    mono = np.asarray(samples, np.float64).reshape(len(samples), -1).mean(axis=1)
    sharp = np.abs(np.diff(mono, 2))
    near, low, high = round(CLICK_WINDOW * rate), round(0.01 * rate), round(0.1 * rate)
    out = []
    for t in times:
        n = round(t * rate)
        if n - high < 0 or n + high > len(sharp):
            continue
        peak = sharp[n - near : n + near].max()
        around = max(sharp[n - high : n - low].max(), sharp[n + low : n + high].max())
        out.append(0.0 if peak < 10 ** (-50 / 20) else peak / max(around, 1e-9))
    return out


def beat_share(edl: dict, beats: list[float] | None = None) -> tuple[int, int]:
    """Cuts inside the acts (not the hook's, not the cards') within one frame of a beat (the
    EDL's music beats, or ``beats``: a music file's true ones), and how many such cuts
    there are."""
    music = edl["sound"]["music"]
    acts = [s for s in edl["segments"] if s["act"] != "hook"]
    cuts = [(a["out_out"] + b["out_in"]) / 2 for a, b in itertools.pairwise(acts)]
    grid = np.asarray(beats if beats is not None else music["beats"] if music else [])
    if not len(grid):
        return 0, len(cuts)
    near = sum(np.abs(grid - c).min() <= 1 / edl["fps"] + 1e-6 for c in cuts)
    return int(near), len(cuts)


def ducking_depth(edl_json: dict) -> float | None:
    """How much quieter (dB) the music stem plays inside the dialogue the edit uses than in
    the gaps of a second or more between lines; None without music or dialogue."""
    from editor.assemble.edl import Edl
    from editor.media.encode import AUDIO_RATE
    from editor.media.probe import probe
    from editor.render.sound import stems

    edl = Edl.from_dict(edl_json)
    music = edl.sound.music
    if music is None or not music.speech:
        return None
    _, stem = stems(edl, {s: probe(Path(s)) for s in {g.source for g in edl.segments}})
    mono = stem.mean(axis=1)

    def level(a: float, b: float) -> float:
        x = mono[round(a * AUDIO_RATE) : round(b * AUDIO_RATE)]
        return 10 * np.log10(np.mean(x**2) + 1e-12)

    under = [level(a, b) for a, b in music.speech if b - a > 0.3]
    ends = [0.5, *(b for _, b in music.speech)]
    between = [level(e + 0.45, a - 0.15) for e, (a, _) in zip(ends, music.speech) if a - e > 1.0]
    if not under or not between:
        return None
    return float(np.mean(between) - np.mean(under))


def cut(folder: Path, preset: str, out: Path, cache: Path, *extra: str) -> dict:
    """Run the main job on ``folder``; its EDL."""
    env = {**os.environ, "AUTOCUT_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "editor", str(folder), "--preset", preset, "-o", str(out), *extra]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return json.loads(next(out.glob("*.edl.json")).read_text())


def music_file(folder: Path) -> tuple[Path, tuple[float, ...], float]:
    """A 40 s drum track with bass and keys (a held-out piece of :mod:`benchmarks.beats`,
    126 BPM), written as WAV: its path, true beat times and tempo."""
    import wave

    from benchmarks.beats import RATE, held_out_tracks

    track = next(t for t in held_out_tracks(40.0) if t.name == "disco 126")
    path = folder / "music.wav"
    pcm = np.clip(track.samples, -1.0, 1.0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(pcm.shape[1] if pcm.ndim > 1 else 1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((pcm * 32767).astype("<i2").tobytes())
    return path, track.beats, track.bpm


def edge_shares(
    edl: dict, judge, durations: dict[str, float], seeds: int
) -> tuple[float, float, int]:
    """Share of edges that ``judge(source, time)`` finds inside speech, for the edit and for
    random placements of its segment lengths in the same sources."""
    segments = [s for s in edl["segments"] if s["audio"]]
    edges = [(s["source"], t) for s in segments for t in sound_span(s)]
    mine = np.mean([judge(src, t) for src, t in edges]) if edges else 0.0
    rng = np.random.default_rng(0)
    random = []
    for _ in range(seeds):
        for s in segments:
            lo, hi = sound_span(s)
            length = hi - lo
            start = rng.uniform(0, max(durations[s["source"]] - length, 0.0))
            random += [judge(s["source"], t) for t in (start, start + length)]
    return float(mine), float(np.mean(random)) if random else 0.0, len(edges)


def sound_span(segment: dict) -> tuple[float, float]:
    """Source seconds where a segment's sound starts and stops (a line's may differ from its
    picture's)."""
    lo, hi = segment.get("sound_in"), segment.get("sound_out")
    return (segment["src_in"] if lo is None else lo, segment["src_out"] if hi is None else hi)


def truth_judge(source: str, edge: float) -> bool:
    """Whether ``edge`` falls inside a stretch of speech of the sample's ground truth."""
    truth = json.loads((SAMPLE / "ground_truth.json").read_text())
    for clip in truth["clips"]:
        if Path(source).name == clip["file"]:
            spans = [span for line in clip["speech"] for span in line["spans"]]
            return any(a < edge < b for a, b in spans)
    return False


def speech_detection() -> tuple[float, float]:
    """Frame precision and recall of the analysis's utterances on the sample dialogue."""
    from editor.analysis.analyze import analyze
    from editor.media.probe import probe

    truth = json.loads((SAMPLE / "ground_truth.json").read_text())
    clip = next(c for c in truth["clips"] if c["speech"])
    analysis = analyze(probe(SAMPLE / clip["file"]))
    middle = analysis.times + 0.5 / analysis.media.fps
    true = np.zeros(len(middle), bool)
    for line in clip["speech"]:
        for a, b in line["spans"]:
            true |= (middle >= a) & (middle < b)
    found = np.zeros(len(middle), bool)
    for u in analysis.utterances:
        found |= (middle >= u.start) & (middle < u.end)
    hits = float(np.sum(found & true))
    return hits / max(float(found.sum()), 1.0), hits / max(float(true.sum()), 1.0)


PRESETS = ("trailer", "teaser", "promo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--footage", type=Path, default=SHARED, help="shared real clips")
    parser.add_argument("--preset", action="append", help="preset(s); default: all three")
    parser.add_argument("--seeds", type=int, default=20, help="random-cut draws")
    args = parser.parse_args(argv)
    presets = args.preset or list(PRESETS)
    precision, recall = speech_detection()
    print(f"speech detection on the sample dialogue: precision {precision:.3f}, "
          f"recall {recall:.3f}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="autocut-sound-") as tmp:
        sets = {"sample footage": SAMPLE}
        real = [args.footage / name for name in DIALOGUE_CLIPS if (args.footage / name).is_file()]
        if real:
            folder = Path(tmp) / "dialogue"
            folder.mkdir()
            for clip in real:
                (folder / clip.name).symlink_to(clip.resolve())
            sets[f"real dialogue ({len(real)} clips)"] = folder
        music, true_beats, bpm = music_file(Path(tmp))
        runs = [(name, folder, preset, ()) for preset in presets for name, folder in sets.items()]
        runs += [
            (name, folder, "trailer", ("--music", str(music))) for name, folder in sets.items()
        ]
        header = ("footage (judge)", "preset", "in speech", "random cuts", "edges", "LUFS",
                  "dBTP", "duck dB", "on beats")  # fmt: skip
        print("\n{:34s} {:>8s} {:>10s} {:>12s} {:>6s} {:>7s} {:>6s} {:>8s} {:>9s}".format(*header))
        for k, (name, folder, preset, extra) in enumerate(runs):
            out = Path(tmp) / f"out{k}"
            edl = cut(folder, preset, out, Path(tmp) / "cache", *extra)
            sources = {s["source"] for s in edl["segments"] if s["audio"]}
            voiced = {src: voiced_frames(source_sound(Path(src))) for src in sources}
            durations = {src: len(v) * VAD_FRAME / VAD_RATE for src, v in voiced.items()}
            judges = {"VAD": lambda src, t, voiced=voiced: inside_speech(voiced[src], t)}
            if folder == SAMPLE:
                judges["truth"] = truth_judge
            lufs, peak, _ = ebur128(next(out.glob("*.mp4")))
            depth = ducking_depth(edl)
            duck = f"{depth:8.1f}" if depth is not None else f"{'-':>8s}"
            near, cuts = beat_share(edl, list(true_beats) if extra else None)
            shown = f"{preset}+file" if extra else preset
            for judge, rule in judges.items():
                mine, random, count = edge_shares(edl, rule, durations, args.seeds)
                label = f"{name} ({judge})"
                print(f"{label:34s} {shown:>8s} {mine:10.1%} {random:12.1%} {count:6d} "
                      f"{lufs:7.1f} {peak:6.1f} {duck} {near:4d}/{cuts:<4d}")  # fmt: skip
        print(
            f"\n+file: --music with a generated {bpm:g} BPM drum track; its cuts are judged "
            "against the track's true beats, not the ones autocut found"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
