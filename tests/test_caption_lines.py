"""Captions broken into lines as each script allows, and set in fonts that have every glyph."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageFont

from editor.assemble.cards import caption_box
from editor.captions.fonts import coverage, face_runs, script_key
from editor.captions.lines import break_units, join_lines, set_lines
from editor.subtitles import read_subtitles
from tests.test_captions import LANGUAGES, SUBTITLES


def cells(text: str) -> int:
    """Width in character cells: a Chinese or Japanese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


CLOSING = set("。、，！？；：」』）・ーぁぃぅぇぉっゃゅょ")
OPENING = set("「『（")


@pytest.mark.parametrize(
    ("text", "language", "width", "lines"),
    [
        # Chinese: after the full stop, not inside 一起 ("together") nor before 。
        ("我看见你和他在一起。别骗我。", "zh", 20, ["我看见你和他在一起。", "别骗我。"]),
        ("他是我哥哥，他快死了。", "zh", 12, ["他是我哥哥，", "他快死了。"]),
        # Japanese: between phrases (見たの。|嘘を), never inside 一緒 or before 。
        ("彼と一緒にいるのを見たの。嘘をつかないで。", "ja", 26,
         ["彼と一緒にいるのを見たの。", "嘘をつかないで。"]),
        ("答えはもう知っているでしょう。", "ja", 20, ["答えはもう", "知っているでしょう。"]),
        # Thai: at the space between clauses, else between words
        ("เขาเป็นพี่ชายของฉัน และเขากำลังจะตาย", "th", 22, ["เขาเป็นพี่ชายของฉัน", "และเขากำลังจะตาย"]),
        ("ฉันไม่รู้ว่าเขาจะกลับมาเมื่อไหร่", "th", 20, ["ฉันไม่รู้ว่าเขา", "จะกลับมาเมื่อไหร่"]),
        # Latin and Arabic: at spaces, after the comma
        ("He is my brother, and he is dying.", "en", 20, ["He is my brother,", "and he is dying."]),
        ("إنه أخي، وهو يحتضر.", "ar", 12, ["إنه أخي،", "وهو يحتضر."]),
        # A studio's own line break is a space in Latin, nothing between Chinese characters
        ("Nobody can know.\nNot even you.", "en", 40, ["Nobody can know. Not even you."]),
        ("谁都不能知道。\n连你也不行。", "zh", 40, ["谁都不能知道。连你也不行。"]),
    ],
)  # fmt: skip
def test_known_correct_breaks(text, language, width, lines):
    assert set_lines(text, language, width, cells) == lines


@pytest.mark.parametrize(
    ("text", "language", "width", "lines"),
    [
        ("我看见你和他在一起。别骗我。", "zh", 20, ["我看见你和他在一起。", "别骗我。"]),
        ("彼と一緒にいるのを見たの。嘘をつかないで。", "ja", 26,
         ["彼と一緒にいるのを見たの。", "嘘をつかないで。"]),
        ("เขาเป็นพี่ชายของฉัน และเขากำลังจะตาย", "th", 22, ["เขาเป็นพี่ชายของฉัน", "และเขากำลังจะตาย"]),
        ("He is my brother, and he is dying.", "en", 20, ["He is my brother,", "and he is dying."]),
    ],
)  # fmt: skip
def test_without_icu_the_breaks_stay_legal(monkeypatch, text, language, width, lines):
    """Where no ICU wheel installs (Linux on ARM), spaces, kinsoku and BudouX decide."""
    monkeypatch.setitem(sys.modules, "icu4py.breakers", None)
    assert set_lines(text, language, width, cells) == lines


def test_text_that_does_not_fit_two_lines_is_not_set():
    assert set_lines("我看见你和他在一起。别骗我。", "zh", 8, cells) is None
    assert set_lines("Unbreakable", "en", 5, cells) is None
    assert set_lines("A short line", "en", 5, cells, max_lines=1) is None


THAI_WORDS = ["ฉัน", "ไม่", "รู้", "ว่า", "เขา", "จะ", "กลับ", "มา", "ทำไม", "บ้าน", "ของ", "เรา", "อยู่"]


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(THAI_WORDS), min_size=2, max_size=12), st.integers(8, 40))
def test_thai_breaks_only_between_words(words, width):
    text = "".join(words)
    lines = set_lines(text, "th", width, cells)
    if lines is None:
        return
    boundaries, at = set(), 0
    for word in words:
        at += len(word)
        boundaries.add(at)
    assert "".join(lines) == text
    if len(lines) == 2:
        assert len(lines[0]) in boundaries
        assert unicodedata.category(lines[1][0]) != "Mn"


HAN = "我你他她们是的不在有这个人来到说要去就会看见知道什么时候家门"
PUNCT = "。，！？「」"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.text(st.sampled_from(HAN + PUNCT), min_size=1, max_size=30),
    st.integers(4, 40),
    st.sampled_from(["zh", "ja"]),
)
def test_no_line_starts_with_a_closing_mark_or_overflows(text, width, language):
    lines = set_lines(text, language, width, cells)
    if lines is None:
        return
    assert "".join(lines) == text.strip()
    assert len(lines) <= 2 and all(cells(line) <= width for line in lines)
    if len(lines) == 2:
        assert lines[1][0] not in CLOSING and lines[0][-1] not in OPENING


def test_break_units_give_the_text_back():
    for text, language in [
        ("彼と一緒にいるのを見たの。", "ja"),
        ("เขาจะกลับมา", "th"),
        ("Hi there", "en"),
    ]:
        assert "".join(break_units(text, language)) == text
    assert join_lines(" one \n\n two ") == "one two"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_caption_of_every_language_has_every_glyph(language):
    """No tofu: each character of each fixture line is in the face that sets it."""
    for cue in read_subtitles(SUBTITLES / f"clip_d.{language}.srt"):
        runs = face_runs(join_lines(cue.text), language)
        assert "".join(run for run, _ in runs) == join_lines(cue.text)
        for run, face in runs:
            assert {c for c in run if not c.isspace()} <= coverage(face)


def test_faces_follow_the_language_and_mixed_scripts_split_into_runs():
    assert script_key("zh") == script_key("zh-Hans") == script_key("zh-CN") == "zh"
    assert script_key("zh-TW") == script_key("zh-Hant") == "zh-Hant"
    assert [f.name for _, f in face_runs("直", "ja")] == ["Noto Sans CJK JP"]
    assert [f.name for _, f in face_runs("直", "zh")] == ["Noto Sans CJK SC"]
    assert [f.name for _, f in face_runs("片段 01", "en")] == ["Noto Sans CJK SC"]
    assert [f.name for _, f in face_runs("שלום", "he")] == ["Heebo"]
    runs = face_runs("ฉันชอบ 北京 มาก", "th")
    assert [(r, f.name) for r, f in runs] == [
        ("ฉันชอบ ", "Noto Sans Thai"), ("北京 ", "Noto Sans CJK SC"), ("มาก", "Noto Sans Thai"),
    ]  # fmt: skip


def test_real_glyph_widths_keep_every_line_inside_the_box():
    """Set at 52 px with the faces' own advance widths, as they will be drawn, in the
    caption box of a 1080x1920 frame."""
    width = caption_box(1080, 1920)[2]
    for language in LANGUAGES:
        for cue in read_subtitles(SUBTITLES / f"clip_d.{language}.srt"):
            (_, face), *_ = face_runs(join_lines(cue.text), language)
            font = ImageFont.truetype(str(face.path), 52, index=face.index)
            lines = set_lines(cue.text, language, width, font.getlength)
            assert lines is not None and all(font.getlength(line) <= width for line in lines)
