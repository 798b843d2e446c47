"""Presets load, and a bad one is rejected with the file and the key named."""

from __future__ import annotations

import pytest

from editor.errors import AutocutError
from editor.preset import builtin_presets, load_preset, parse_preset


def test_builtin_presets_load():
    names = builtin_presets()
    assert {"trailer", "teaser", "promo"} <= set(names)
    trailer = load_preset("trailer")
    assert trailer.duration == 30.0
    assert (trailer.output.width, trailer.output.height) == (1080, 1920)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\ndescription = "y"\nduration = 5.0\ncolour = 3\n', "unknown key 'colour'"),
        ('name = "x"\ndescription = "y"\n', "missing key 'duration'"),
        ('name = "x"\ndescription = "y"\nduration = "long"\n', "'duration' must be a number"),
        ('name = "x"\ndescription = "y"\nduration = -1\n', "'duration' must be greater than 0"),
        (
            'name = "x"\ndescription = "y"\nduration = 5\n[output]\nwidth = 1081\n',
            "must be even",
        ),
        ('name = "x"\ndescription = "y"\nduration = 5\n[output]\nfps = true\n', "'output.fps'"),
        ("name = \n", "not valid TOML"),
        (
            'name = "x"\ndescription = "y"\nduration = 30\n[[acts]]\nname = "a"\nshare = 1\n'
            'first_shot = 2\nlast_shot = 1\ntransition = "wipe"\n',
            "'acts\\[0\\].transition' must be one of cut, crossfade, dip",
        ),
        (
            'name = "x"\ndescription = "y"\nduration = 30\n[[acts]]\nname = "a"\nshare = 1\n'
            "first_shot = 2\nlast_shot = 1\nspeed = 3\n",
            "unknown key 'acts\\[0\\].speed'",
        ),
        ('name = "x"\ndescription = "y"\nduration = 30\nacts = 3\n', "'acts' must be one or more"),
        ('name = "x"\ndescription = "y"\nduration = 5\n', "leave no time for footage"),
        (
            'name = "x"\ndescription = "y"\nduration = 30\n[scoring]\nfaces = -1\n',
            "'scoring.faces' must be 0 or more",
        ),
    ],
)
def test_bad_preset_names_file_and_key(text, message):
    with pytest.raises(AutocutError, match=message) as info:
        parse_preset(text.encode(), source="custom.toml")
    assert info.value.where == "custom.toml"


def test_user_preset_file(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(
        'name = "short"\ndescription = "five seconds"\nduration = 5\n'
        "[cards]\ntitle = 0\nend = 1.5\n[hook]\nmax_length = 1.5\n"
    )
    preset = load_preset(str(path))
    assert preset.duration == 5.0 and preset.output.fps == 30.0
    assert preset.cards.title == 0.0 and len(preset.acts) == 1


def test_builtin_structures():
    """The trailer builds in three acts to a climax cutting at least 30 times a minute."""
    trailer = load_preset("trailer")
    assert [a.name for a in trailer.acts] == ["setup", "escalation", "climax"]
    assert 60 / max(trailer.acts[-1].first_shot, trailer.acts[-1].last_shot) >= 30
    assert trailer.hook.max_length <= 2.0
    promo = load_preset("promo")
    assert 9.0 <= promo.duration <= 15.0 and promo.cards.call_to_action
