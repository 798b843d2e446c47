"""Subtitles of six languages through one cut of the dialogue scene, as a user runs it: one
output per language, every caption shown only while its line is heard (to a frame), never on
a card, one at a time, burned in inside the safe box; the retimed SRT, the MP4's soft track
and the EDL say the same."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from editor.assemble.cards import caption_box, safe_box
from editor.assemble.edl import Caption, Edl
from editor.captions.languages import track_language
from editor.render.assemble import render_edl
from editor.subtitles import Cue, read_subtitles
from tests.conftest import ROOT, SAMPLE_FOOTAGE, run_cli

SUBTITLES = Path(__file__).resolve().parents[1] / "fixtures" / "subtitles"
LANGUAGES = ("ar", "en", "es", "ja", "th", "zh")
TEXTS = (
    '[zh]\ntitle = "永不忘记的爱"\ncall_to_action = "观看完整剧集"\n\n[th]\ntitle = "รักนี้ไม่มีวันลืม"\n'
)


class Made:
    """The teaser of the dialogue scene made with the six subtitle files: two given as
    ``LANG=FILE`` under other names, the rest found beside the video in its folder."""

    def __init__(self, folder: Path) -> None:
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
        texts = folder / "texts.toml"
        texts.write_text(TEXTS, encoding="utf-8")
        preset = folder / "teaser.toml"  # the teaser at 720x1280: six renders stay quick
        teaser = (ROOT / "presets" / "teaser.toml").read_text(encoding="utf-8")
        preset.write_text(teaser + "\n[output]\nwidth = 720\nheight = 1280\n", encoding="utf-8")
        self.out = folder / "out"
        self.result = run_cli(
            str(footage), "--preset", str(preset), "-o", str(self.out), "--texts", str(texts),
            *given,
        )  # fmt: skip

    def path(self, language: str, suffix: str) -> Path:
        return self.out / f"footage_teaser.{language}{suffix}"

    def edl(self, language: str) -> Edl:
        return Edl.from_dict(json.loads(self.path(language, ".edl.json").read_text()))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Made:
    made = Made(tmp_path_factory.mktemp("captions"))
    assert made.result.returncode == 0, made.result.stderr
    return made


def _heard_at(edl: Edl, time: float, cue: Cue) -> bool:
    """Whether some segment plays ``cue``'s sound at output ``time``."""
    for segment in edl.segments:
        lo, hi = segment.sound_at
        offset = segment.out_in - segment.src_in
        if segment.audio and lo <= time <= hi and cue.start <= time - offset <= cue.end:
            return True
    return False


def test_the_cards_speak_each_language(made):
    def words(language):
        return [(t.style, t.text, t.language) for c in made.edl(language).cards for t in c.texts]

    (button,) = [text for style, text, _ in words("en") if style == "button"]
    assert ("title", "永不忘记的爱", "zh") in words("zh")
    assert ("button", "观看完整剧集", "zh") in words("zh")
    assert ("title", "รักนี้ไม่มีวันลืม", "th") in words("th")
    assert ("button", button, "th") in words("th")  # not given: kept
    assert "no [ja] in" in made.result.stderr


def test_one_output_per_language_and_nothing_else(made):
    names = sorted(p.name for p in made.out.iterdir())
    assert names == [
        *sorted(
            f"footage_teaser.{lang}{suffix}"
            for lang in LANGUAGES
            for suffix in (".mp4", ".jpg", ".edl.json", ".srt")
        ),
        "report.html",
    ]
    first = made.edl(LANGUAGES[0])
    for language in LANGUAGES:  # one plan: only the captions differ
        assert made.edl(language).segments == first.segments


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_caption_shows_while_its_line_is_heard_and_off_the_cards(made, language):
    edl = made.edl(language)
    cues = {c.text: c for c in read_subtitles(SUBTITLES / f"clip_d.{language}.srt")}
    captions = edl.captions
    assert captions, "the teaser plays dialogue, so some line is captioned"
    assert {c.language for c in captions} == {language}
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
        x, y, w, h = caption.box
        sx, sy, sw, sh = safe_box(edl.width, edl.height)
        assert sx <= x and x + w <= sx + sw and sy <= y and y + h <= sy + sh
        assert 1 <= len(caption.lines) <= 2
    for first, second in itertools.pairwise(captions):
        assert first.out_out <= second.out_in + 1e-6


@pytest.mark.parametrize("language", LANGUAGES)
def test_retimed_file_and_soft_track_match_the_edl(made, language):
    planned = [
        Cue(round(c.out_in, 3), round(c.out_out, 3), c.text) for c in made.edl(language).captions
    ]
    assert list(read_subtitles(made.path(language, ".srt"))) == planned
    soft = []
    with av.open(str(made.path(language, ".mp4"))) as container:
        (stream,) = container.streams.subtitles
        assert stream.metadata.get("language") == track_language(language)
        for packet in container.demux(stream):
            if packet.size and packet.size > 2:  # mov_text: a 2-byte length, then the text
                start, end = packet.pts, packet.pts + packet.duration
                soft.append(
                    Cue(round(float(start * packet.time_base), 3),
                        round(float(end * packet.time_base), 3), bytes(packet)[2:].decode())
                )  # fmt: skip
    assert soft == planned


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for f in container.decode(video=0)]


def _showing(captions: tuple[Caption, ...], index: int, fps: float) -> list[Caption]:
    return [c for c in captions if round(c.out_in * fps) <= index < round(c.out_out * fps)]


@pytest.mark.parametrize("other", ["zh", "th", "ar"])
def test_burned_captions_appear_on_time_inside_their_box(made, other):
    """English against another language, frame by frame: the pictures differ only where a
    caption is drawn, inside the safe box, and from the frame each caption starts to the
    frame it ends."""
    en, them = made.edl("en"), made.edl(other)
    a, b = _frames(made.path("en", ".mp4")), _frames(made.path(other, ".mp4"))
    assert len(a) == len(b) == en.frame_count
    band = caption_box(en.width, en.height)
    sx, sy, sw, sh = safe_box(en.width, en.height)
    changed = []
    on_cards = {
        i for c in en.cards for i in range(round(c.out_in * en.fps), round(c.out_out * en.fps))
    }
    for index, (fa, fb) in enumerate(zip(a, b)):
        if index in on_cards:  # the cards' own words differ by language
            changed.append(False)
            continue
        diff = cv2.blur(cv2.absdiff(fa, fb), (5, 5)) > 24  # text strokes, not coding noise
        shown = _showing(en.captions, index, en.fps) + _showing(them.captions, index, en.fps)
        ys, xs = np.nonzero(diff)
        if len(xs):
            assert shown, f"frame {index}: a difference with no caption on screen"
            assert sx <= xs.min() and xs.max() < sx + sw and sy <= ys.min() and ys.max() < sy + sh
            assert band[1] <= ys.min()
        changed.append(len(xs) > 200)
    for caption in en.captions:
        first, last = round(caption.out_in * en.fps), round(caption.out_out * en.fps) - 1
        assert all(changed[first : last + 1]), caption
        if first > 0 and not _showing(en.captions + them.captions, first - 1, en.fps):
            assert not changed[first - 1]
        if last + 1 < len(changed) and not _showing(en.captions + them.captions, last + 1, en.fps):
            assert not changed[last + 1]


def _sound(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def test_an_edition_made_with_five_others_is_what_it_would_be_alone(made, tmp_path):
    """The six languages share one composition, one sound and six encoders at once; the
    Chinese edition (its own cards and captions) rendered on its own is the same file's
    worth of pictures, sound and cover."""
    alone, cover = tmp_path / "zh.mp4", tmp_path / "zh.jpg"
    render_edl(made.edl("zh"), alone, cover=cover)
    together = _frames(made.path("zh", ".mp4"))
    by_itself = _frames(alone)
    assert len(together) == len(by_itself) == made.edl("zh").frame_count
    for index, (a, b) in enumerate(zip(together, by_itself)):
        assert np.array_equal(a, b), f"frame {index} differs"
    assert np.array_equal(_sound(made.path("zh", ".mp4")), _sound(alone))
    assert made.path("zh", ".jpg").read_bytes() == cover.read_bytes()
