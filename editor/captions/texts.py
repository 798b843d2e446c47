"""The cards' words in each language: the series title and the call to action.

A run with subtitle files makes one output per language; its title and end cards should
speak that language too. ``--texts FILE`` names a TOML file with a table per language tag::

    [th]
    title = "รักนี้ไม่มีวันลืม"
    call_to_action = "ดูตอนเต็ม"

    [zh-Hans]
    title = "永不忘记的爱"

A key left out keeps the card's text as the run has it (``--title``, the preset's, or the
input's name). Every language's card text is set in the faces of that language (a Chinese
title in Chinese forms), with the same fitting as any card text.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from editor.assemble.edl import Edl
from editor.captions.languages import is_language
from editor.errors import AutocutError
from editor.preset import MAX_TEXT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KEYS = ("title", "call_to_action")


@dataclass(frozen=True)
class CardTexts:
    """A language's card words; None keeps the run's own."""

    title: str | None = None
    call_to_action: str | None = None


def read_texts(path: Path) -> dict[str, CardTexts]:
    """The card texts of each language in the TOML file at ``path``; one AutocutError naming
    the file and the key for anything wrong."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise AutocutError(path, f"cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AutocutError(path, f"not valid TOML ({exc})") from None
    texts = {}
    for language, table in raw.items():
        if not is_language(language) or not isinstance(table, dict):
            raise AutocutError(path, f"'{language}' must be a [LANG] table, like [th] or [zh-Hans]")
        for key, value in table.items():
            if key not in KEYS:
                raise AutocutError(
                    path, f"unknown key '{language}.{key}' (known: {', '.join(KEYS)})"
                )
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
                raise AutocutError(
                    path, f"'{language}.{key}' must be text of 1 to {MAX_TEXT} characters"
                )
        texts[language] = CardTexts(table.get("title"), table.get("call_to_action"))
    return texts


def localized(edl: Edl, language: str, texts: CardTexts | None) -> Edl:
    """``edl`` with its cards' text in ``language``: titles and calls to action replaced where
    ``texts`` gives them, every card text tagged with the language (its faces)."""
    words = {"title": texts.title if texts else None,
             "button": texts.call_to_action if texts else None}  # fmt: skip
    cards = tuple(
        dataclasses.replace(
            card,
            texts=tuple(
                dataclasses.replace(t, text=words.get(t.style) or t.text, language=language)
                for t in card.texts
            ),
        )
        for card in edl.cards
    )
    return dataclasses.replace(edl, cards=cards)
