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
    ],
)
def test_bad_preset_names_file_and_key(text, message):
    with pytest.raises(AutocutError, match=message) as info:
        parse_preset(text.encode(), source="custom.toml")
    assert info.value.where == "custom.toml"


def test_user_preset_file(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text('name = "short"\ndescription = "five seconds"\nduration = 5\n')
    preset = load_preset(str(path))
    assert preset.duration == 5.0 and preset.output.fps == 30.0
