"""Subtitles of six languages through one cut of the dialogue scene, as a user runs it:
every caption is shown only while its line is heard (to a frame), never on a card, one at a
time; the retimed SRT files, the MP4's soft tracks and the EDL say the same."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import av
import pytest

from editor.assemble.edl import Edl
from editor.captions.languages import track_language
from editor.subtitles import Cue, read_subtitles
from tests.conftest import SAMPLE_FOOTAGE, run_cli

SUBTITLES = Path(__file__).resolve().parents[1] / "fixtures" / "subtitles"
LANGUAGES = ("ar", "en", "es", "ja", "th", "zh")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Edl]:
    """The teaser of the dialogue scene with the six subtitle files, two given as
    ``LANG=FILE`` under another name, the rest found beside the video in its folder."""
    folder = tmp_path_factory.mktemp("captions")
    footage = folder / "footage"
    footage.mkdir()
    shutil.copy(SAMPLE_FOOTAGE / "clip_d.mp4", footage)
    given = []
    for language in LANGUAGES:
        source = SUBTITLES / f"clip_d.{language}.srt"
        if language in ("th", "zh"):
            renamed = folder / f"{language}_lines.srt"
            shutil.copy(source, renamed)
            given += ["--subs", f"{language}={renamed}"]
        else:
            shutil.copy(source, footage / source.name)
    out = folder / "out"
    result = run_cli(str(footage), "--preset", "teaser", "-o", str(out), *given)
    assert result.returncode == 0, result.stderr
    edl = Edl.from_dict(json.loads((out / "footage_teaser.edl.json").read_text()))
    return out, edl


def _heard_at(edl: Edl, time: float, cue: Cue) -> bool:
    """Whether some segment plays ``cue``'s sound at output ``time``."""
    for segment in edl.segments:
        lo, hi = segment.sound_at
        offset = segment.out_in - segment.src_in
        if segment.audio and lo <= time <= hi and cue.start <= time - offset <= cue.end:
            return True
    return False


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_caption_shows_while_its_line_is_heard_and_off_the_cards(made, language):
    _, edl = made
    cues = {c.text: c for c in read_subtitles(SUBTITLES / f"clip_d.{language}.srt")}
    captions = [c for c in edl.captions if c.language == language]
    assert captions, "the teaser plays dialogue, so some line is captioned"
    frame = 1 / edl.fps
    for caption in captions:
        cue = cues[caption.text]
        # Heard from a frame after it appears to a frame before it goes.
        for t in (caption.out_in + frame, (caption.out_in + caption.out_out) / 2,
                  caption.out_out - frame):  # fmt: skip
            assert _heard_at(edl, t, cue), (caption, t)
        for card in edl.cards:
            assert caption.out_out <= card.out_in + 1e-6 or caption.out_in >= card.out_out - 1e-6
        assert abs(caption.out_in * edl.fps - round(caption.out_in * edl.fps)) < 1e-3
    for first, second in itertools.pairwise(captions):
        assert first.out_out <= second.out_in + 1e-6


def test_every_language_captions_the_same_lines(made):
    _, edl = made
    times = {
        language: [(c.out_in, c.out_out) for c in edl.captions if c.language == language]
        for language in LANGUAGES
    }
    assert all(t == times["en"] for t in times.values())


def test_retimed_files_and_soft_tracks_match_the_edl(made):
    out, edl = made
    soft: dict[str, list[Cue]] = {}
    with av.open(str(out / "footage_teaser.mp4")) as container:
        streams = list(container.streams.subtitles)
        assert {s.metadata.get("language") for s in streams} == {
            track_language(lang) for lang in LANGUAGES
        }
        for packet in container.demux(*streams):
            if packet.size and packet.size > 2:  # mov_text: a 2-byte length, then the text
                start, end = packet.pts, packet.pts + packet.duration
                soft.setdefault(packet.stream.metadata["language"], []).append(
                    Cue(round(float(start * packet.time_base), 3),
                        round(float(end * packet.time_base), 3), bytes(packet)[2:].decode())
                )  # fmt: skip
    for language in LANGUAGES:
        planned = [
            Cue(round(c.out_in, 3), round(c.out_out, 3), c.text)
            for c in edl.captions
            if c.language == language
        ]
        assert list(read_subtitles(out / f"footage_teaser.{language}.srt")) == planned
        assert soft[track_language(language)] == planned
