"""Where a caption's text may break into lines, and the lines it is set in.

Renderers wrap text at spaces, which is right for Latin, Cyrillic, Greek, Arabic and Hebrew
and wrong for the scripts many of autocut's viewers read: Chinese and Japanese have no
spaces and forbid some breaks (no line may start with a closing mark such as "。" or "」"),
and Thai has no spaces between words at all. So autocut breaks lines itself:

- **Legal breaks** come from ICU's line breaker for the caption's language (Unicode line
  breaking, with ICU's dictionaries for Thai, Lao, Khmer and Burmese words): a break inside
  a Thai word, before a closing mark or after an opening one never happens.
- **Phrases, for Chinese and Japanese.** A legal break may still fall inside a word
  ("一|緒"). BudouX's phrase boundaries are used where they are also legal; inside a phrase
  too long for a line, ICU's breaks are the fallback.
- **The studio's line breaks** were made for a wide screen, so a cue's lines are joined (by
  a space, or by nothing between Chinese or Japanese characters) and set again.
- **Balanced lines.** One line if it fits; else two: after the end of a sentence or clause
  if such a split fits, and among those that fit (or all, when none is after a clause) the
  one whose longer line is the shortest, the lower line the longer when both ways tie: the
  shape subtitle editors use. None when no two lines fit (the caller sets a smaller size).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence

MAX_LINES = 2
CLAUSE_ENDS = frozenset(".,;:!?…。、，；：！？」』）)\u060c\u061b\u061f\u06d4")
"""Marks that end a sentence or clause: a line break right after one reads best."""

Measure = Callable[[str], float]
"""The width of a line of text as set, in pixels."""


def reading_length(text: str) -> int:
    """Characters to read, line breaks not counted; a wide (Chinese, Japanese, Korean)
    character counts as two, as reading-speed guides for those scripts are about half the
    Latin rate in characters."""
    return sum(2 if _wide(c) else 1 for c in text if c not in "\r\n")


def join_lines(text: str) -> str:
    """A cue's lines as one run of text: joined by a space, or by nothing where both sides
    are wide (Chinese, Japanese) characters."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += ("" if _wide(out[-1]) and _wide(line[0]) else " ") + line
    return out


def break_units(text: str, language: str) -> list[str]:
    """``text`` cut at every allowed line break; the pieces joined give ``text`` back."""
    units = _icu_units(text, language)
    phrases = _phrase_ends(text, language)
    if phrases is None:
        return units
    merged, current, at = [], "", 0
    for unit in units:
        current += unit
        at += len(unit)
        if at in phrases or at == len(text):
            merged.append(current)
            current = ""
    return merged


def set_lines(
    text: str, language: str, width: float, measure: Measure, max_lines: int = MAX_LINES
) -> list[str] | None:
    """``text`` set in at most ``max_lines`` (1 or 2) balanced lines no wider than ``width``,
    or None when it does not fit (module notes)."""
    run = join_lines(text)
    if not run:
        return []
    if measure(run) <= width:
        return [run]
    if max_lines < 2:
        return None
    best = _best_split(break_units(run, language), width, measure)
    if best is None:
        best = _best_split(_icu_units(run, language), width, measure)
    return best


def _best_split(units: Sequence[str], width: float, measure: Measure) -> list[str] | None:
    best, best_key = None, None
    for k in range(1, len(units)):
        top, bottom = "".join(units[:k]).strip(), "".join(units[k:]).strip()
        if not top or not bottom:
            continue
        wt, wb = measure(top), measure(bottom)
        if wt > width or wb > width:
            continue
        key = (top[-1] not in CLAUSE_ENDS, max(wt, wb), wt > wb)
        if best_key is None or key < best_key:
            best, best_key = [top, bottom], key
    return best


def _icu_units(text: str, language: str) -> list[str]:
    try:
        from icu4py.breakers import LineBreaker
    except ImportError:  # no ICU wheel for this platform (Linux on ARM)
        return _plain_units(text, language)
    return list(LineBreaker(text, _locale(language)))


_NO_START = frozenset(
    "。、，．,.!?！？；：:;」』）)]}〕〉》”’ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ…"  # noqa: RUF001
)
"""Characters a line may not start with (closing marks, small kana, prolonged sound mark)."""
_NO_END = frozenset("「『（([{〔〈《“‘")  # noqa: RUF001
"""Characters a line may not end with (opening marks)."""


def _plain_units(text: str, language: str) -> list[str]:
    """Line-break pieces without ICU: after spaces, between wide characters except before a
    closing or after an opening mark, and between Thai words as BudouX's Thai model finds
    them."""
    if _locale(language).lower().startswith("th"):
        import budoux

        return [p for p in budoux.load_default_thai_parser().parse(text) if p]
    units, current = [], ""
    for i, char in enumerate(text):
        current += char
        after = text[i + 1] if i + 1 < len(text) else ""
        if not after:
            break
        breaks = (char == " " and after != " ") or (
            (_wide(char) or _wide(after)) and after not in _NO_START and char not in _NO_END
            and not (char.isascii() and after.isascii())
        )  # fmt: skip
        if breaks:
            units.append(current)
            current = ""
    return [*units, current] if current else units


def _phrase_ends(text: str, language: str) -> set[int] | None:
    """Offsets where a BudouX phrase of ``text`` ends, for Chinese and Japanese; else None."""
    parser = _phrase_parser(language.lower())
    if parser is None:
        return None
    ends, at = set(), 0
    for phrase in parser.parse(text):
        at += len(phrase)
        ends.add(at)
    return ends


@functools.cache
def _phrase_parser(tag: str):
    """BudouX's parser for a lower-case language tag: Japanese, Simplified or Traditional
    Chinese (by script or region subtag); None for other languages."""
    import budoux

    primary, *subtags = tag.replace("_", "-").split("-")
    if primary == "ja":
        return budoux.load_default_japanese_parser()
    if primary == "zh":
        if {"hant", "tw", "hk", "mo"} & set(subtags):
            return budoux.load_default_traditional_chinese_parser()
        return budoux.load_default_simplified_chinese_parser()
    return None


def _locale(language: str) -> str:
    return language.replace("-", "_")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"
