"""The cards' title and call to action per language, from a ``--texts`` TOML file."""

from __future__ import annotations

import pytest

from editor.assemble.edl import Card, Join, Still, Text
from editor.captions.texts import CardTexts, localized, read_texts
from editor.errors import AutocutError
from tests.test_caption_timing import WIDE, edl, segment


def test_each_language_gives_what_it_has(tmp_path):
    path = tmp_path / "texts.toml"
    path.write_text(
        '[th]\ntitle = "รักนี้ไม่มีวันลืม"\ncall_to_action = "ดูตอนเต็ม"\n\n'
        '[zh-Hans]\ntitle = "永不忘记的爱"\n',
        encoding="utf-8",
    )
    assert read_texts(path) == {
        "th": CardTexts("รักนี้ไม่มีวันลืม", "ดูตอนเต็ม"),
        "zh-Hans": CardTexts("永不忘记的爱", None),
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('title = "x"\n', "'title' must be a [LANG] table"),
        ('[th]\nsubtitle = "x"\n', "unknown key 'th.subtitle'"),
        ('[th]\ntitle = ""\n', "'th.title' must be text of 1 to 200 characters"),
        (f'[th]\ntitle = "{"x" * 201}"\n', "'th.title' must be text of 1 to 200 characters"),
        ("[th\n", "not valid TOML"),
        ('["not a tag"]\ntitle = "x"\n', "must be a [LANG] table"),
    ],
)
def test_a_bad_texts_file_is_one_clear_error(tmp_path, text, problem):
    path = tmp_path / "texts.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AutocutError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        read_texts(path)


def test_cards_speak_the_output_language():
    title = Text("My Show", (0, 0, 10, 10), "title")
    button = Text("Watch the full episode", (0, 20, 10, 10), "button")
    end = Card("end", 3.0, 5.0, (title, button), Still("ep01.mp4", 0.0, WIDE), Join(), Join())
    plan = edl([segment(0.0, 3.0, 0.0)], [end], duration=5.0)
    (card,) = localized(plan, "th", CardTexts("รักนี้ไม่มีวันลืม", None)).cards
    assert [(t.text, t.language) for t in card.texts] == [
        ("รักนี้ไม่มีวันลืม", "th"), ("Watch the full episode", "th"),
    ]  # fmt: skip
    (card,) = localized(plan, "ja", None).cards
    assert [(t.text, t.language) for t in card.texts] == [
        ("My Show", "ja"), ("Watch the full episode", "ja"),
    ]  # fmt: skip
