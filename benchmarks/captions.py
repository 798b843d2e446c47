"""Captions benchmark: what each subtitle language adds to a run, against one language.

    python -m benchmarks.captions [--preset NAME] [--repeat N]

On the sample footage with the dialogue scene's subtitle files (``fixtures/subtitles``), three
runs of the main job, each in its own process with the analysis cache off:

- ``plan``: ``--dry-run``: analysis and planning, nothing rendered (the shared part);
- ``1 language``: the output with English captions;
- ``6 languages``: English, Chinese, Japanese, Thai, Arabic and Spanish in one run.

It prints their times and, per language of the six-language run, the time beyond the shared
part against the time one language's output takes beyond it (the target: at most 1.3x), and
the six-language run against six one-language runs. The runs take turns, ``--repeat`` rounds
(default 1), and each keeps its best time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile

from benchmarks.run import ROOT, best_times

FOOTAGE = ROOT / "fixtures" / "footage"
SUBTITLES = ROOT / "fixtures" / "subtitles"
LANGUAGES = ("en", "zh", "ja", "th", "ar", "es")


def command(out: str, preset: str, languages: tuple[str, ...], dry_run: bool = False) -> list[str]:
    subs = [arg for lang in languages for arg in ("--subs", str(SUBTITLES / f"clip_d.{lang}.srt"))]
    return [
        sys.executable, "-m", "editor", str(FOOTAGE), "--preset", preset, "-o", out,
        "--no-cache", *subs, *(["--dry-run"] if dry_run else []),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="teaser")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        runs = [
            command(out, args.preset, ("en",), dry_run=True),
            command(out, args.preset, ("en",)),
            command(out, args.preset, LANGUAGES),
        ]
        plan, one, six = best_times(
            [lambda c=c: subprocess.run(c, check=True, capture_output=True) for c in runs],
            args.repeat,
        )
    per_language = (six - plan) / len(LANGUAGES)
    print(f"preset {args.preset}, sample footage, analysis cache off, best of {args.repeat}")
    print(f"  analysis + plan (dry run)     {plan:7.2f} s")
    print(f"  1 language  (en)              {one:7.2f} s")
    print(f"  {len(LANGUAGES)} languages ({' '.join(LANGUAGES)}) {six:7.2f} s")
    print(
        f"  each language beyond the shared part: {per_language:.2f} s against "
        f"{one - plan:.2f} s for one language's output = {per_language / (one - plan):.2f}x "
        "(target <= 1.3x)"
    )
    print(
        f"  {len(LANGUAGES)} languages in one run against {len(LANGUAGES)} one-language runs: "
        f"{six / (len(LANGUAGES) * one):.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
