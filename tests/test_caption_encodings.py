"""Subtitle files in the encodings studios deliver: found without being named."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.captions.encodings import decode_text
from editor.errors import AutocutError
from editor.subtitles import Cue, read_subtitles

LINES = {
    "zh": ("我们必须在天亮之前离开。", "你真的相信他吗？"),
    "ja": ("夜明け前にここを出なければならない。", "本当に彼を信じているの？"),
    "th": ("เราต้องออกไปก่อนฟ้าสาง", "คุณเชื่อเขาจริงๆ หรือ"),
    "ar": ("يجب أن نغادر قبل الفجر.", "هل تثق به حقا؟"),
    "es": ("Tenemos que irnos antes del amanecer.", "¿De verdad confías en él?"),
    "en": ("We have to leave before dawn.", "Do you really trust him?"),
}
LEGACY = {"zh": "gb18030", "ja": "cp932", "th": "cp874"}


def srt(lines: tuple[str, ...], newline: str = "\n") -> str:
    blocks = [
        f"{i}{newline}00:00:0{2 * i - 1},250 --> 00:00:0{2 * i},500{newline}{line}"
        for i, line in enumerate(lines, start=1)
    ]
    return (newline * 2).join(blocks) + newline


def expected(lines: tuple[str, ...]) -> tuple[Cue, ...]:
    return tuple(Cue(2 * i - 0.75, 2 * i + 0.5, line) for i, line in enumerate(lines, start=1))


@pytest.mark.parametrize("language", sorted(LINES))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_files_are_read_with_or_without_a_byte_order_mark(tmp_path, language, encoding):
    path = tmp_path / f"ep01.{language}.srt"
    path.write_bytes(srt(LINES[language], "\r\n").encode(encoding))
    assert read_subtitles(path) == expected(LINES[language])


@pytest.mark.parametrize("language", sorted(LEGACY))
def test_legacy_encodings_are_found_without_being_named(tmp_path, language):
    path = tmp_path / f"ep01.{language}.srt"
    path.write_bytes(srt(LINES[language]).encode(LEGACY[language]))
    assert read_subtitles(path) == expected(LINES[language])


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [("你好", "gb18030", "GB18030"), ("行く", "cp932", "Shift-JIS"), ("ไป", "cp874", "TIS-620")],
)
def test_a_named_encoding_is_used_as_named(tmp_path, text, codec, name):
    path = tmp_path / "short.srt"
    path.write_bytes(f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n".encode(codec))
    assert read_subtitles(path, name) == (Cue(1.0, 2.0, text),)


def test_an_unreadable_file_is_refused_with_its_name_and_the_way_out(tmp_path):
    path = tmp_path / "ep01.xx.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\n\xff\xfe\xff\x80\x80\xff\n")
    with pytest.raises(AutocutError, match=r"ep01\.xx\.srt.*--subs-encoding"):
        read_subtitles(path)
    with pytest.raises(AutocutError, match="unknown text encoding 'klingon'"):
        read_subtitles(path, "klingon")
    with pytest.raises(AutocutError, match="is not GB18030 text"):
        read_subtitles(path, "GB18030")


def test_legacy_readings_of_other_scripts_are_not_taken_for_them():
    """Japanese bytes must not come back as Chinese characters, nor Chinese as Thai."""
    assert decode_text(srt(LINES["ja"]).encode("cp932")) == srt(LINES["ja"])
    assert decode_text(srt(LINES["zh"]).encode("gb18030")) == srt(LINES["zh"])
    assert decode_text(srt(LINES["th"]).encode("cp874")) == srt(LINES["th"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "gb18030", "cp932", "utf-16"]))
def test_any_bytes_give_text_or_one_clear_error(data, encoding):
    try:
        text = decode_text(data, encoding)
    except ValueError as exc:
        assert str(exc).startswith(("is ", "names "))
    else:
        assert isinstance(text, str)
        assert not text.startswith(codecs.BOM_UTF8.decode("utf-8"))
