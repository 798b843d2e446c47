"""Which font sets a caption, so that no character shows as a box.

Every font comes from a Python package installed with autocut (all under the SIL Open Font
License), never from the machine, so captions look the same everywhere:

- Noto Sans (``fontpkg-noto-sans``): Latin, Cyrillic, Greek, and the default;
- Noto Sans CJK (``manimgx-fonts-cjk``: Noto's variable-weight collection, unmodified, so
  Chinese, Japanese and Korean captions take the same weight as the others): its
  Simplified Chinese face for Chinese, Traditional for ``zh-Hant``/Taiwan, Hong Kong's for
  Hong Kong, Japanese and Korean faces for those languages. The face is chosen by
  language, never left to a fallback: the same character has different shapes in Chinese
  and Japanese;
- Noto Sans Thai, Noto Sans Arabic (also Persian and Urdu), Noto Sans Devanagari (Hindi,
  Marathi, Nepali), and Heebo for Hebrew (no Noto Hebrew is packaged).

Each of these also holds basic Latin, so a brand name inside a line still shows. A preset's
own font (``[captions] font``, :func:`user_face`) comes first: it sets every line whose
characters it all has, and a line it cannot draw whole falls back as below. A caption
whose characters its language's face lacks (a Chinese name in a Thai line) is set in the
first face that has them all, trying the language's own, then Noto Sans, then the CJK face
the characters suggest (Japanese beside kana, Korean beside Hangul, else Chinese), then the others;
when no face has them all, each run of characters is set in a face that has it.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from struct import error as struct_error

from editor.errors import AutocutError


@dataclass(frozen=True)
class Face:
    """One font face: ``path`` of the font file, ``index`` of the face in a collection."""

    name: str
    package: str
    file: str
    index: int = 0

    @property
    def path(self) -> Path:
        if not self.package:  # a user's font file
            return Path(self.file)
        if self.package == "manimgx_fonts_cjk":
            return Path(str(importlib.resources.files(self.package) / self.file))
        return Path(str(importlib.resources.files(self.package) / "files" / self.file))


_CJK = "NotoSansCJK-VF.otf.ttc"
LATIN = Face("Noto Sans", "fontpkg_noto_sans", "NotoSans[wdth,wght].ttf")
FACES = {
    "latin": LATIN,
    "ja": Face("Noto Sans CJK JP", "manimgx_fonts_cjk", _CJK, 0),
    "ko": Face("Noto Sans CJK KR", "manimgx_fonts_cjk", _CJK, 1),
    "zh": Face("Noto Sans CJK SC", "manimgx_fonts_cjk", _CJK, 2),
    "zh-Hant": Face("Noto Sans CJK TC", "manimgx_fonts_cjk", _CJK, 3),
    "zh-HK": Face("Noto Sans CJK HK", "manimgx_fonts_cjk", _CJK, 4),
    "th": Face("Noto Sans Thai", "fontpkg_noto_sans_thai", "NotoSansThai[wdth,wght].ttf"),
    "ar": Face("Noto Sans Arabic", "fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf"),
    "hi": Face(
        "Noto Sans Devanagari", "fontpkg_noto_sans_devanagari", "NotoSansDevanagari[wdth,wght].ttf"
    ),
    "he": Face("Heebo", "fontpkg_heebo", "Heebo[wght].ttf"),
}
"""Faces by the script key of :func:`script_key`."""
_KEYS = {"fa": "ar", "ur": "ar", "mr": "hi", "ne": "hi", "iw": "he", "yi": "he"}


def script_key(language: str) -> str:
    """The key of :data:`FACES` for a language tag."""
    primary, *subtags = language.replace("_", "-").split("-")
    primary, lowered = primary.lower(), {s.lower() for s in subtags}
    if primary == "zh":
        if "hk" in lowered or "mo" in lowered:
            return "zh-HK"
        return "zh-Hant" if {"hant", "tw"} & lowered else "zh"
    primary = _KEYS.get(primary, primary)
    return primary if primary in FACES else "latin"


@functools.cache
def user_face(path: str) -> Face:
    """The font file at ``path`` as a face (the first of a collection), or one AutocutError
    naming the file and what is wrong with it."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, fontNumber=0, lazy=True)
        if font.getBestCmap() is None:
            raise AutocutError(path, "the font maps no characters")
        family = font["name"].getBestFamilyName() or Path(path).stem
    except FileNotFoundError:
        raise AutocutError(path, "no such font file") from None
    except IsADirectoryError:
        raise AutocutError(path, "is a folder, not a font file") from None
    except TTLibError:
        raise AutocutError(path, "not a TrueType or OpenType font") from None
    except (OSError, KeyError, AssertionError, ValueError, struct_error) as exc:
        raise AutocutError(path, f"cannot be read as a font ({exc})") from None
    return Face(family, "", str(Path(path).resolve()))


def face_runs(text: str, language: str, font: str = "") -> list[tuple[str, Face]]:
    """``text`` of ``language`` as runs, each set in one face (module notes): one run when a
    face has every character; else each character in the face of the run it continues if
    that face has it, or the first face in order that does. ``font`` is a user's font file
    tried first. One AutocutError naming the characters no installed face has."""
    own = FACES[script_key(language)]
    order = [user_face(font)] if font else []
    order += [own, LATIN, FACES[_cjk_guess(text)]]
    order += [f for f in FACES.values() if f not in order]
    needed = {c for c in text if _drawn(c)}
    for face in order:
        if needed <= coverage(face):
            return [(text, face)] if text else []
    missing = sorted(needed - set().union(*(coverage(f) for f in order)))
    if missing:
        raise AutocutError(
            language,
            f"no installed font draws {''.join(missing[:10])!r} (captions would show boxes)",
        )
    runs: list[tuple[str, Face]] = []
    for char in text:
        if runs and (not _drawn(char) or char in coverage(runs[-1][1])):
            runs[-1] = (runs[-1][0] + char, runs[-1][1])
            continue
        face = next(f for f in order if not _drawn(char) or char in coverage(f))
        runs.append((char, face))
    return runs


def _cjk_guess(text: str) -> str:
    """The CJK face for Han characters outside their language: Japanese beside kana,
    Korean beside Hangul, else Simplified Chinese."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" for c in text):
        return "ko"
    return "zh"


def _drawn(char: str) -> bool:
    """Whether ``char`` needs a glyph (not a space or a control character)."""
    return not char.isspace() and ord(char) >= 0x20


@functools.cache
def coverage(face: Face) -> frozenset[str]:
    """Every character ``face`` has a glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    return frozenset(chr(code) for code in font.getBestCmap())


NORMAL_WIDTH = 100
"""Width axis value of variable faces: normal, not condensed."""


@functools.cache
def load_font(face: Face, size: int, weight: int):
    """``face`` at ``size`` pixels and ``weight`` (variable faces; a fixed face has its one
    weight), loaded once per triple. Axes are set by name, since a file's axis order is not
    its name's."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(face.path), size, index=face.index)
    try:
        axes = font.get_variation_axes()
    except OSError:  # not a variable font
        return font
    values = []
    for axis in axes:
        name = axis["name"]
        name = (name.decode() if isinstance(name, bytes) else str(name)).lower()
        value = weight if name.startswith("weight") else axis["default"]
        value = NORMAL_WIDTH if name.startswith("width") else value
        values.append(min(max(value, axis["minimum"]), axis["maximum"]))
    font.set_variation_by_axes(values)
    return font


class RunFont:
    """Text of ``language`` at ``size`` and ``weight``, measured and drawn run by run in the
    faces :func:`face_runs` picks: the few methods of a Pillow font that autocut uses, for
    text that no single face draws whole."""

    def __init__(self, language: str, size: int, weight: int, font: str = "") -> None:
        self.language, self.size, self.weight, self.font = language, size, weight, font

    def runs(self, text: str) -> list[tuple[str, object]]:
        """``(run, Pillow font)`` pairs of ``text``."""
        return [
            (run, load_font(face, self.size, self.weight))
            for run, face in face_runs(text, self.language, self.font)
        ]

    def getlength(self, text: str) -> float:
        return sum(font.getlength(run) for run, font in self.runs(text))

    def getbbox(self, text: str, anchor: str = "ls") -> tuple[float, float, float, float]:
        """Ink box of ``text`` from its origin: left end of the baseline (``ls``) or its
        middle (``ms``)."""
        runs = self.runs(text) or [("", load_font(LATIN, self.size, self.weight))]
        x, boxes = 0.0, []
        for run, font in runs:
            x0, y0, x1, y1 = font.getbbox(run, anchor="ls")
            boxes.append((x + x0, y0, x + x1, y1))
            x += font.getlength(run)
        shift = x / 2 if anchor == "ms" else 0.0
        return (
            min(b[0] for b in boxes) - shift, min(b[1] for b in boxes),
            max(b[2] for b in boxes) - shift, max(b[3] for b in boxes),
        )  # fmt: skip

    def draw(self, draw, xy: tuple[float, float], text: str, anchor: str = "ls", **style) -> None:
        """Draw ``text`` with Pillow's ``draw`` at ``xy`` (baseline left ``ls``, or middle
        ``ms``, or the left of its middle line ``lm``); ``style``: fill, stroke..."""
        runs = self.runs(text)
        x, y = xy
        if anchor[0] == "m":
            x -= sum(font.getlength(run) for run, font in runs) / 2
        for run, font in runs:
            draw.text((x, y), run, font=font, anchor="l" + anchor[1], **style)
            x += font.getlength(run)
