"""Presets: what an output should be (length, size, pacing), read from TOML and validated.

Built-in presets live in the project's ``presets/`` folder (installed as ``editor.presets``);
``--preset`` also takes a path to a user's own ``.toml`` file. Every key is checked on load:
an unknown key, a wrong type or an out-of-range value is reported with the file and the
dotted key name, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import math
import re
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


TRANSITIONS = ("cut", "crossfade", "dip")
"""How two pictures join: a hard cut, a crossfade (both shots overlap for the transition
length), or a dip (out to black and in again over the transition length)."""


@dataclass(frozen=True)
class Hook:
    """The opening shot: the strongest moment, over before ``max_length`` seconds."""

    max_length: float = 2.0


@dataclass(frozen=True)
class Act:
    """One part of the output's footage time. Shots in it last ``first_shot`` seconds at its
    start and ``last_shot`` at its end (linear in between) and join with ``transition``.
    ``share`` is the act's part of the footage time after the hook (shares are normalised)."""

    name: str
    share: float
    first_shot: float
    last_shot: float
    transition: str = "cut"
    lines: int = 0
    """Whole lines of dialogue the act plays (with their picture) between its montage shots,
    when the footage has speech (see :class:`Dialogue`)."""


@dataclass(frozen=True)
class Cards:
    """Title card after the hook and end card with the call to action (seconds; a title of
    0 s means none: the end card still names the series). ``transition`` is how the cards
    join the footage; ``title_text`` empty means the series title comes from the input's
    name (or ``--title``)."""

    title: float = 1.5
    end: float = 2.5
    title_text: str = ""
    call_to_action: str = "Watch the full episode"
    transition: str = "dip"


@dataclass(frozen=True)
class Transitions:
    """Length in seconds of every crossfade and dip."""

    length: float = 0.3


@dataclass(frozen=True)
class Scoring:
    """Weights of each signal in a shot's score (see :mod:`editor.assemble.scoring`); 0 turns
    a signal off."""

    faces: float = 1.0
    motion: float = 1.0
    audio: float = 0.8
    onsets: float = 0.5
    sharpness: float = 0.5
    exposure: float = 0.5
    length: float = 0.2


@dataclass(frozen=True)
class Selection:
    """Which footage may be used at all."""

    min_brightness: float = 20.0
    """Mean luma (0-255) below which a frame counts as black and is never used."""
    min_detail: float = 4.0
    """Picture detail (:func:`editor.analysis.signals.detail`) below which a frame counts as
    blurred or empty and is never used."""
    min_shot_length: float = 0.5
    """Shots shorter than this (seconds) are never used."""


LOUDNESS = {
    "streaming": (-14.0, -1.0),
    "broadcast": (-23.0, -1.0),
}
"""Loudness standards a preset can master to: integrated loudness (LUFS) and true-peak ceiling
(dBTP). "streaming" is what TikTok, Reels and Shorts play at, so nothing is turned down or
clipped after upload; "broadcast" is EBU R128."""


@dataclass(frozen=True)
class Sound:
    """How the sound is finished: ``loudness`` is "streaming" (-14 LUFS, true peak -1 dBTP,
    what the short-video platforms play at) or "broadcast" (EBU R128: -23 LUFS)."""

    loudness: str = "streaming"


@dataclass(frozen=True)
class Music:
    """The music under the output. ``file`` is a sound file (any format ffmpeg reads) played
    from ``start`` seconds in; empty means the music bed autocut makes (at ``bpm``, or a
    tempo drawn from the seed when 0), with a hit on the end card. ``level`` is its loudness
    relative to the footage's sound (LU), ``duck`` how much lower it plays under dialogue
    (dB); ``fade_in`` and ``fade_out`` are seconds at its start and end."""

    enabled: bool = True
    file: str = ""
    start: float = 0.0
    level: float = -4.0
    duck: float = 15.0
    fade_in: float = 0.5
    fade_out: float = 1.5
    bpm: float = 0.0


@dataclass(frozen=True)
class Dialogue:
    """How footage with people talking is cut (:mod:`editor.assemble.lines`).

    With ``enabled`` and speech in the footage, the output opens on one whole spoken line
    (at most ``hook_max`` seconds), each act plays its ``lines`` between montage shots cut
    to the music with the dialogue faded out, and, with ``cliffhanger``, a last line plays
    just before the end card. A line is ``line_min`` to ``line_max`` seconds of speech with a
    clean pause on both sides; its picture may start or end up to ``split`` seconds before or
    after its sound (J and L cuts) so the picture cuts on the music's beats."""

    enabled: bool = True
    hook_max: float = 3.0
    line_min: float = 0.8
    line_max: float = 4.5
    cliffhanger: bool = True
    split: float = 0.5


SPLITS = ("exchange", "always", "never")
"""When split panels are used: only while two people trade short lines, whenever faces are
too far apart for one window, or never."""


@dataclass(frozen=True)
class Framing:
    """How the vertical window frames people (:mod:`editor.reframe.planner`): a take of the
    virtual edit lasts at least ``min_hold`` seconds; ``split`` is one of :data:`SPLITS`; a
    turn longer than ``reaction_after`` seconds gets one reaction shot of the listener (0:
    none)."""

    min_hold: float = 1.5
    split: str = "exchange"
    reaction_after: float = 0.0


@dataclass(frozen=True)
class Captions:
    """Subtitle lines in a cut.

    When (:mod:`editor.captions.timing`): a line cut short by the edit stays only if it is on
    screen at least ``min_on_screen`` seconds and reads at no more than ``reading_speed``
    characters a second (a Chinese, Japanese or Korean character counts as two).

    How (:mod:`editor.captions.layout`): at most two lines of at most ``max_chars`` characters
    (wide ones count two), ``size`` pixels high on a 1920-pixel-high frame (scaled to the
    output), down to ``min_size`` when a line does not fit; ``weight`` 100-900; a black
    ``outline`` (a share of the size), a soft black ``shadow`` below and right of the letters
    (its offset a share of the size; 0: none) and, with ``box``, a dark box behind the lines.
    ``font`` is a font file (TrueType or OpenType; a path in a preset file is taken from the
    preset's folder) that sets every line whose characters it all has; other lines keep the
    packaged face of their script, so nothing shows as a box. ``position`` is where the
    captions' lowest line may reach, as a share of the safe box's height from its top: 1.0
    just above the platforms' buttons, 0.5 mid-frame; they rise from there, in a band a
    quarter of the safe box high."""

    min_on_screen: float = 0.8
    reading_speed: float = 20.0
    size: float = 56.0
    min_size: float = 40.0
    weight: int = 700
    outline: float = 0.09
    box: bool = False
    max_chars: int = 42
    shadow: float = 0.0
    font: str = ""
    position: float = 1.0


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    duration: float
    output: Output = field(default_factory=Output)
    hook: Hook = field(default_factory=Hook)
    acts: tuple[Act, ...] = (Act("main", 1.0, 2.0, 1.2),)
    cards: Cards = field(default_factory=Cards)
    transitions: Transitions = field(default_factory=Transitions)
    scoring: Scoring = field(default_factory=Scoring)
    selection: Selection = field(default_factory=Selection)
    sound: Sound = field(default_factory=Sound)
    music: Music = field(default_factory=Music)
    dialogue: Dialogue = field(default_factory=Dialogue)
    framing: Framing = field(default_factory=Framing)
    captions: Captions = field(default_factory=Captions)


MIN_BPM = 60.0
"""Slowest tempo a preset may ask of the music bed."""
MIN_SHOT = 0.4
"""No planned shot is shorter than this (seconds): shorter flashes do not read."""

Bound = tuple[float, float, bool]
"""``(low, high, low_allowed)``: a value must lie in ``low..high``; ``low`` itself only when
``low_allowed``."""

MAX_SIDE = 4096
"""Largest output width or height: H.264's level 5.2 tops out at 4096 pixels a side, and no
short-video platform takes more than 2160x3840."""
MIN_SIDE = 144
"""Smallest output width or height: below this, titles and faces no longer read."""

BOUNDS: dict[str, Bound] = {
    "duration": (0.0, 600.0, False),  # TikTok takes up to 10 min; Shorts and Reels 3
    "output.width": (MIN_SIDE, MAX_SIDE, True),
    "output.height": (MIN_SIDE, MAX_SIDE, True),
    "output.fps": (10.0, 120.0, True),
    "output.video_bitrate_kbps": (100, 100_000, True),
    "output.audio_bitrate_kbps": (32, 512, True),  # what the AAC encoder accepts for stereo
    "hook.max_length": (0.0, 60.0, False),
    "cards.title": (0.0, 60.0, True),
    "cards.end": (0.0, 60.0, True),
    "transitions.length": (0.0, MIN_SHOT, False),  # and under it: a join never eats a shot
    "scoring.faces": (0.0, 100.0, True),
    "scoring.motion": (0.0, 100.0, True),
    "scoring.audio": (0.0, 100.0, True),
    "scoring.onsets": (0.0, 100.0, True),
    "scoring.sharpness": (0.0, 100.0, True),
    "scoring.exposure": (0.0, 100.0, True),
    "scoring.length": (0.0, 100.0, True),
    "selection.min_brightness": (0.0, 255.0, True),
    "selection.min_detail": (0.0, 1000.0, True),
    "selection.min_shot_length": (0.0, 60.0, True),
    "music.start": (0.0, 86400.0, True),
    "music.level": (-40.0, 20.0, True),
    "music.duck": (0.0, 60.0, True),
    "music.fade_in": (0.0, 30.0, True),
    "music.fade_out": (0.0, 30.0, True),
    "music.bpm": (0.0, 200.0, True),
    "dialogue.hook_max": (0.0, 60.0, False),
    "dialogue.line_min": (0.25, 60.0, True),
    "dialogue.line_max": (0.25, 60.0, True),
    "dialogue.split": (0.0, 1.0, True),
    "framing.min_hold": (0.5, 10.0, True),
    "framing.reaction_after": (0.0, 600.0, True),
    "captions.min_on_screen": (0.1, 10.0, True),
    "captions.reading_speed": (1.0, 100.0, True),
    "captions.size": (10.0, 200.0, True),
    "captions.min_size": (10.0, 200.0, True),
    "captions.weight": (100, 900, True),
    "captions.outline": (0.0, 0.3, True),
    "captions.max_chars": (8, 80, True),
    "captions.shadow": (0.0, 0.3, True),
    "captions.position": (0.25, 1.0, True),
}
"""The range of every number in a preset, by dotted key."""
ACT_BOUNDS: dict[str, Bound] = {
    "share": (0.0, 1000.0, False),
    "first_shot": (MIN_SHOT, 60.0, True),
    "last_shot": (MIN_SHOT, 60.0, True),
    "lines": (0, 20, True),
}
"""The range of every number in each ``[[acts]]`` table."""
MAX_TEXT = 200
"""Longest text a preset may put on a card (characters)."""
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""A preset's name becomes part of output file names: letters, digits, ``_``, ``.`` and ``-``
only, so it can never name another folder (``../x``) or a hidden file."""
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
    preset = parse_preset(path.read_bytes(), source=str(path))
    music = preset.music.file
    if music and not Path(music).is_absolute():  # a preset's music sits beside it
        music = str((path.parent / music).resolve())
        preset = dataclasses.replace(preset, music=dataclasses.replace(preset.music, file=music))
    font = preset.captions.font
    if font and not Path(font).is_absolute():  # so does its font
        font = str((path.parent / font).resolve())
        captions = dataclasses.replace(preset.captions, font=font)
        preset = dataclasses.replace(preset, captions=captions)
    return preset


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
        elif typing.get_origin(expected) is tuple:
            item = typing.get_args(expected)[0]
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, dict) for v in value)
            ):
                raise AutocutError(source, f"'{key}' must be one or more [[{key}]] tables")
            values[f.name] = tuple(
                _build(item, v, source, prefix=f"{key}[{i}].") for i, v in enumerate(value)
            )
        else:
            values[f.name] = _coerce(value, expected, source, key)
    return cls(**values)


def _coerce(value, expected: type, source: str, key: str):
    if expected is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise AutocutError(source, f"'{key}' must be a finite number, not {value!r}")
        return float(value)
    if expected is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if expected is bool and isinstance(value, bool):
        return value
    if expected is str and isinstance(value, str):
        return value
    raise AutocutError(source, f"'{key}' must be {_type_word(expected)}, not {value!r}")


def _type_word(expected: type) -> str:
    words = {float: "a number", int: "a whole number", str: "a string", bool: "true or false"}
    return words.get(expected, "valid")


def _check_ranges(preset: Preset, source: str) -> None:
    if not NAME_PATTERN.fullmatch(preset.name):
        raise AutocutError(
            source, f"'name' must be letters, digits, '_', '.' or '-' (it names files), "
            f"not {preset.name!r}"
        )  # fmt: skip
    for key, bound in BOUNDS.items():
        _check_bound(_get(preset, key), bound, key, source)
    for i, act in enumerate(preset.acts):
        for name, bound in ACT_BOUNDS.items():
            _check_bound(getattr(act, name), bound, f"acts[{i}].{name}", source)
    for key in ("cards.title_text", "cards.call_to_action"):
        if len(_get(preset, key)) > MAX_TEXT:
            raise AutocutError(source, f"'{key}' must be at most {MAX_TEXT} characters")
    out = preset.output
    if out.width % 2 or out.height % 2:
        raise AutocutError(source, "'output.width' and 'output.height' must be even (yuv420p)")
    if out.x264_preset not in _X264_PRESETS:
        raise AutocutError(
            source, f"'output.x264_preset' must be one of {', '.join(_X264_PRESETS)}"
        )
    if preset.cards.transition not in TRANSITIONS:
        raise AutocutError(source, f"'cards.transition' must be one of {', '.join(TRANSITIONS)}")
    for i, act in enumerate(preset.acts):
        if act.transition not in TRANSITIONS:
            raise AutocutError(
                source, f"'acts[{i}].transition' must be one of {', '.join(TRANSITIONS)}"
            )
    if 0 < preset.music.bpm < MIN_BPM:
        raise AutocutError(source, f"'music.bpm' must be 0 (from the seed) or {MIN_BPM:g}-200")
    if len(preset.music.file) > 4096:
        raise AutocutError(source, "'music.file' is too long for a path")
    if len(preset.captions.font) > 4096:
        raise AutocutError(source, "'captions.font' is too long for a path")
    if preset.framing.split not in SPLITS:
        raise AutocutError(source, f"'framing.split' must be one of {', '.join(SPLITS)}")
    if preset.sound.loudness not in LOUDNESS:
        raise AutocutError(source, f"'sound.loudness' must be one of {', '.join(LOUDNESS)}")
    cards = preset.cards.title + preset.cards.end
    if cards + preset.hook.max_length >= preset.duration:
        raise AutocutError(
            source, "'cards.title', 'cards.end' and 'hook.max_length' leave no time for footage"
        )
    if preset.dialogue.line_min > preset.dialogue.line_max:
        raise AutocutError(source, "'dialogue.line_min' must be at most 'dialogue.line_max'")
    if preset.captions.min_size > preset.captions.size:
        raise AutocutError(source, "'captions.min_size' must be at most 'captions.size'")
    if preset.transitions.length >= MIN_SHOT:
        raise AutocutError(source, f"'transitions.length' must be under {MIN_SHOT} s")


def _check_bound(value: float, bound: Bound, key: str, source: str) -> None:
    low, high, low_allowed = bound
    if low < value <= high or (low_allowed and value == low):
        return
    above = f"{low:g} or more" if low_allowed else f"greater than {low:g}"
    raise AutocutError(source, f"'{key}' must be {above} and at most {high:g}, not {value:g}")


def _get(preset: Preset, key: str) -> float:
    value = preset
    for part in key.split("."):
        value = getattr(value, part)
    return value
