"""Which text encoding a subtitle file is in, when nobody says.

Studios deliver subtitles from many tools and many countries. UTF-8 (with or without a
byte-order mark) and UTF-16 are recognised for certain: UTF-16 by its byte-order mark, or
without one by the zero bytes of mostly-ASCII text (the timing lines). The legacy encodings
still common for the markets autocut serves are then tried: GB18030 (Simplified Chinese),
Shift-JIS (Japanese; the Windows form, cp932) and TIS-620 (Thai; the Windows form, cp874).

A legacy encoding decodes almost any bytes without error, so each candidate that decodes
is judged on what it makes of the text: the share of its non-ASCII characters that are
ones the language writes. Chinese read as Chinese gives common characters; Japanese bytes
read as GB18030 give rare ones or private-use codes, and Chinese bytes read as Shift-JIS
give half-width katakana; Thai read as Thai puts every vowel and tone mark after a letter.
The best reading wins if at least ``MIN_PLAUSIBLE`` of its characters make sense; below that
the file is refused with the advice to name its encoding, rather than shown as mojibake.
"""

from __future__ import annotations

import codecs

LEGACY = {"gb18030": "GB18030", "cp932": "Shift-JIS", "cp874": "TIS-620"}
"""Legacy encodings tried, by Python codec, with the name a user knows them by; when two
readings make equal sense (a few characters), the first listed wins."""
MIN_PLAUSIBLE = 0.8
"""Least share of non-ASCII characters that must make sense in the chosen reading."""
ALIASES = {"shift-jis": "cp932", "shift_jis": "cp932", "sjis": "cp932", "tis-620": "cp874"}
"""Names given with ``--subs-encoding`` that are read with a superset codec."""


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """``data`` as text: in ``encoding`` if given, else as found (module notes). ValueError
    saying what is wrong when it cannot be read."""
    if encoding is not None:
        codec = _codec(encoding)
        try:
            return data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise ValueError(f"is not {encoding} text (byte {exc.start} does not fit)") from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16")
    utf16 = _utf16_without_mark(data)
    if utf16 is not None:
        return _strict(data, utf16, "UTF-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    readings = []
    for rank, codec in enumerate(LEGACY):  # on a tie, the first listed
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        readings.append((plausibility(text, codec), -rank, codec, text))
    if readings:
        score, _, codec, text = max(readings)
        if score >= MIN_PLAUSIBLE:
            return text
    names = ", ".join(LEGACY.values())
    raise ValueError(
        f"is in no text encoding autocut can tell (UTF-8, UTF-16, {names}); "
        "name it with --subs-encoding"
    )


def _codec(name: str) -> str:
    key = name.strip().lower()
    codec = ALIASES.get(key, key)
    try:
        codecs.lookup(codec)
    except LookupError:
        raise ValueError(f"names an unknown text encoding {name!r}") from None
    return codec


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not valid {name} text (byte {exc.start})") from None


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when many of every other byte of the start are zero, as
    the ASCII of a subtitle file (numbers, timing lines) is in UTF-16, and almost none of
    the others; None otherwise."""
    head = data[:4000]
    if len(head) < 8 or len(head) % 2:
        return None
    even, odd = head[0::2].count(0) / (len(head) / 2), head[1::2].count(0) / (len(head) / 2)
    if odd >= 0.4 and even <= 0.05:
        return "utf-16-le"
    if even >= 0.4 and odd <= 0.05:
        return "utf-16-be"
    return None


def plausibility(text: str, codec: str) -> float:
    """Share of the non-ASCII characters of ``text`` that the language of ``codec`` writes
    (1.0 for text with none)."""
    chars = [c for c in text if ord(c) > 0x7F]
    if not chars:
        return 1.0
    if codec == "cp874":
        good = sum(_thai_in_place(text, i) for i, c in enumerate(text) if ord(c) > 0x7F)
        return good / len(chars)
    good = 0.0
    for c in chars:
        good += _cjk_weight(c, codec)
    return good / len(chars)


def _cjk_weight(char: str, codec: str) -> float:
    """1 for a common character of the script, 0.5 for a rarer one, 0 for one that a
    misread produces (private use, half-width katakana, characters outside the standard)."""
    code = ord(char)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return 1.0  # CJK punctuation, full-width forms
    if codec == "cp932":
        if 0x3041 <= code <= 0x30FF:
            return 1.0  # hiragana, katakana
        standard = _encoded(char, "shift_jis")
        if standard is None or len(standard) != 2 or code < 0x4E00 or code > 0x9FFF:
            return 0.0
        return 1.0 if standard[0] <= 0x9F else 0.5  # JIS level 1 kanji, else level 2
    standard = _encoded(char, "gb2312")
    if standard is None or len(standard) != 2 or code < 0x4E00 or code > 0x9FFF:
        return 0.0
    return 1.0 if standard[0] <= 0xD7 else 0.5  # GB2312 level 1 hanzi, else level 2


def _encoded(char: str, codec: str) -> bytes | None:
    try:
        return char.encode(codec)
    except UnicodeEncodeError:
        return None


_THAI_LETTERS = range(0x0E01, 0x0E2F)
_THAI_LEADING = range(0x0E40, 0x0E45)
"""Vowels written before the letter they follow in speech: a letter comes next."""
_THAI_FOLLOWING = {0x0E30, 0x0E32, 0x0E33, 0x0E45}
"""Spacing vowels written after a letter."""
_THAI_SIGNS = {0x0E31, *range(0x0E34, 0x0E3B), 0x0E47, *range(0x0E4C, 0x0E4F)}
"""Vowel signs and marks written above or below a letter."""
_THAI_TONES = range(0x0E48, 0x0E4C)
"""Tone marks: at most one per letter, over the letter or its vowel sign."""


def _thai_in_place(text: str, i: int) -> bool:
    """Whether ``text[i]`` is Thai as Thai is written: a letter; a leading vowel before a
    letter; a following vowel, sign or tone mark after a letter (or after a sign over it);
    a Thai digit among digits. A misread of other bytes breaks these rules at once."""
    code = ord(text[i])
    before = ord(text[i - 1]) if i > 0 else 0
    after = ord(text[i + 1]) if i + 1 < len(text) else 0
    if code in _THAI_LETTERS:
        return True
    if code in _THAI_LEADING:
        return after in _THAI_LETTERS
    if code in _THAI_SIGNS or code in _THAI_FOLLOWING:
        return before in _THAI_LETTERS or (before in _THAI_TONES and code in _THAI_FOLLOWING)
    if code in _THAI_TONES:
        return before in _THAI_LETTERS or before in _THAI_SIGNS
    if 0x0E50 <= code <= 0x0E59:
        return chr(before).isdigit() or chr(after).isdigit()
    return code == 0x0E46  # the repetition mark
