"""Presets: what an output should be (length, size, pacing), read from TOML and validated.

Built-in presets live in the project's ``presets/`` folder (installed as ``editor.presets``);
``--preset`` also takes a path to a user's own ``.toml`` file. Every key is checked on load:
an unknown key, a wrong type or an out-of-range value is reported with the file and the
dotted key name, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from editor.errors import AutocutError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Output:
    """Delivery format of the rendered file."""

    width: int = 1080
    height: int = 1920
    fps: float = 30.0
    video_bitrate_kbps: int = 8000
    audio_bitrate_kbps: int = 192
    x264_preset: str = "veryfast"


@dataclass(frozen=True)
class Pacing:
    """Shot lengths in seconds: the first shot lasts ``first_shot``, the last ``last_shot``,
    lengths in between change linearly (trailers accelerate), never below ``min_shot``."""

    first_shot: float = 2.5
    last_shot: float = 1.2
    min_shot: float = 0.6


@dataclass(frozen=True)
class Selection:
    """Which shots may be used at all."""

    min_brightness: float = 20.0
    """Mean luma (0-255) below which a shot counts as black and is never used."""
    min_shot_length: float = 0.5
    """Shots shorter than this (seconds) are never used."""


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    duration: float
    output: Output = field(default_factory=Output)
    pacing: Pacing = field(default_factory=Pacing)
    selection: Selection = field(default_factory=Selection)


_POSITIVE = {
    "duration",
    "output.width",
    "output.height",
    "output.fps",
    "output.video_bitrate_kbps",
    "output.audio_bitrate_kbps",
    "pacing.first_shot",
    "pacing.last_shot",
    "pacing.min_shot",
}
_X264_PRESETS = [
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
]


def builtin_presets() -> dict[str, Path]:
    """Names and files of the presets that ship with autocut."""
    folder = resources.files("editor.presets")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = Path(str(entry))
    return dict(sorted(found.items()))


def load_preset(name_or_path: str) -> Preset:
    """Load a built-in preset by name, or a user's preset from a ``.toml`` path."""
    builtin = builtin_presets()
    if name_or_path in builtin:
        path = builtin[name_or_path]
    elif name_or_path.endswith(".toml"):
        path = Path(name_or_path)
        if not path.is_file():
            raise AutocutError(path, "no such preset file")
    else:
        known = ", ".join(builtin) or "none"
        raise AutocutError(name_or_path, f"unknown preset (known: {known})")
    return parse_preset(path.read_bytes(), source=str(path))


def parse_preset(data: bytes, source: str) -> Preset:
    """Parse and validate preset TOML; errors name ``source`` and the offending key."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AutocutError(source, f"not valid TOML ({exc})") from None
    preset = _build(Preset, raw, source, prefix="")
    _check_ranges(preset, source)
    return preset


def _build(cls: type, raw: dict, source: str, prefix: str):
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in names:
            raise AutocutError(source, f"unknown key '{prefix}{key}'")
    values = {}
    for f in dataclasses.fields(cls):
        key = prefix + f.name
        if f.name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise AutocutError(source, f"missing key '{key}'")
            continue
        value, expected = raw[f.name], hints[f.name]
        if dataclasses.is_dataclass(expected):
            if not isinstance(value, dict):
                raise AutocutError(source, f"'{key}' must be a table")
            values[f.name] = _build(expected, value, source, prefix=key + ".")
        else:
            values[f.name] = _coerce(value, expected, source, key)
    return cls(**values)


def _coerce(value, expected: type, source: str, key: str):
    if expected is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if expected is str and isinstance(value, str):
        return value
    raise AutocutError(source, f"'{key}' must be {_type_word(expected)}, not {value!r}")


def _type_word(expected: type) -> str:
    return {float: "a number", int: "a whole number", str: "a string"}.get(expected, "valid")


def _check_ranges(preset: Preset, source: str) -> None:
    for key in _POSITIVE:
        value = preset
        for part in key.split("."):
            value = getattr(value, part)
        if value <= 0:
            raise AutocutError(source, f"'{key}' must be greater than 0, not {value}")
    out = preset.output
    if out.width % 2 or out.height % 2:
        raise AutocutError(source, "'output.width' and 'output.height' must be even (yuv420p)")
    if out.x264_preset not in _X264_PRESETS:
        raise AutocutError(
            source, f"'output.x264_preset' must be one of {', '.join(_X264_PRESETS)}"
        )
    if preset.pacing.min_shot > min(preset.pacing.first_shot, preset.pacing.last_shot):
        raise AutocutError(source, "'pacing.min_shot' must not exceed first_shot or last_shot")
