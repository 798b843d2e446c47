"""Property tests for every parser a user feeds: preset TOML, reframe plan JSON, subtitles.

Whatever the input, a parser either returns a value that keeps every promise its module
makes, or raises the one user-facing error type; never anything else. Valid documents
written out and read back give the same values.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.captions.encodings import decode_text
from editor.errors import AutocutError
from editor.preset import ACT_BOUNDS, BOUNDS, MIN_SHOT, NAME_PATTERN, Preset, parse_preset
from editor.reframe.plan import LAYOUTS, ReframePlan, read_plan
from editor.reframe.plan_check import MIN_BOX, PlanProblem, check_plan_document
from editor.subtitles import Cue, parse_subtitles, read_subtitles

settings.register_profile(
    "parsers",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("parsers")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
"""Any JSON value (floats include NaN and infinities, which Python's json writes)."""

# -- presets ---------------------------------------------------------------------------------

SCALARS = (
    st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.booleans()
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def toml_document(doc: dict) -> str:
    """``doc`` (scalars, tables of scalars, lists of such tables) as TOML."""
    lines = [f"{k} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, (dict, list))]
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            for table in value:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


TABLES = {
    "output": ["width", "height", "fps", "video_bitrate_kbps", "audio_bitrate_kbps"],
    "hook": ["max_length"],
    "cards": ["title", "end", "title_text", "call_to_action", "transition"],
    "transitions": ["length"],
    "scoring": ["faces", "motion", "audio", "onsets", "sharpness", "exposure", "length"],
    "selection": ["min_brightness", "min_detail", "min_shot_length"],
}


@st.composite
def preset_documents(draw) -> dict:
    """Preset-shaped documents with values of any kind, keys sometimes missing or unknown."""
    doc: dict = {}
    for key in ("name", "description", "duration"):
        if draw(st.integers(0, 9)):
            doc[key] = draw(SCALARS)
    for table, keys in TABLES.items():
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(keys), unique=True))
            doc[table] = {k: draw(SCALARS) for k in chosen}
    if draw(st.booleans()):
        fields = ["name", "share", "first_shot", "last_shot", "transition", "speed"]
        doc["acts"] = [
            {k: draw(SCALARS) for k in draw(st.lists(st.sampled_from(fields), unique=True))}
            for _ in range(draw(st.integers(0, 3)))
        ]
    return doc


def assert_keeps_promises(preset: Preset) -> None:
    """Every bound the preset module promises holds for ``preset``."""
    assert NAME_PATTERN.fullmatch(preset.name)
    for key, (low, high, low_allowed) in BOUNDS.items():
        value = preset
        for part in key.split("."):
            value = getattr(value, part)
        assert math.isfinite(value) and (low < value <= high or (low_allowed and value == low))
    assert preset.acts
    for act in preset.acts:
        for name, (low, high, _) in ACT_BOUNDS.items():
            assert low <= getattr(act, name) <= high
    assert preset.output.width % 2 == 0 and preset.output.height % 2 == 0
    assert preset.hook.max_length + preset.cards.title + preset.cards.end < preset.duration
    assert preset.transitions.length < MIN_SHOT


@given(preset_documents())
def test_any_preset_document_is_a_valid_preset_or_one_error(doc):
    try:
        preset = parse_preset(toml_document(doc).encode(), source="mine.toml")
    except AutocutError as exc:
        assert exc.where == "mine.toml" and "\n" not in exc.reason
        return
    assert_keeps_promises(preset)


@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_a_valid_preset_or_one_error(data):
    try:
        preset = parse_preset(data, source="mine.toml")
    except AutocutError as exc:
        assert exc.where == "mine.toml"
        return
    assert_keeps_promises(preset)


@st.composite
def valid_presets(draw) -> dict:
    """Documents inside every bound, with their expected values."""
    duration = draw(st.floats(8.0, 600.0))
    return {
        "name": draw(st.from_regex(NAME_PATTERN, fullmatch=True)),
        "description": draw(st.text(max_size=30)),
        "duration": duration,
        "output": {
            "width": 2 * draw(st.integers(72, 2048)),
            "height": 2 * draw(st.integers(72, 2048)),
            "fps": draw(st.floats(10.0, 120.0)),
        },
        "hook": {"max_length": draw(st.floats(0.5, 2.0))},
        "cards": {"title": draw(st.floats(0.0, 2.0)), "end": draw(st.floats(0.0, 2.0))},
        "transitions": {"length": draw(st.floats(0.01, 0.39))},
        "acts": [
            {
                "name": draw(st.text(min_size=1, max_size=8)),
                "share": draw(st.floats(0.01, 10.0)),
                "first_shot": draw(st.floats(MIN_SHOT, 5.0)),
                "last_shot": draw(st.floats(MIN_SHOT, 5.0)),
                "transition": draw(st.sampled_from(["cut", "crossfade", "dip"])),
            }
            for _ in range(draw(st.integers(1, 4)))
        ],
    }


@given(valid_presets())
def test_valid_presets_read_back_as_written(doc):
    text = "".join(c for c in toml_document(doc) if c.isprintable() or c == "\n")
    preset = parse_preset(text.encode(), source="mine.toml")
    assert_keeps_promises(preset)
    assert preset.duration == doc["duration"] and preset.name == doc["name"]
    assert (preset.output.width, preset.output.height) == (
        doc["output"]["width"],
        doc["output"]["height"],
    )
    assert [a.share for a in preset.acts] == [a["share"] for a in doc["acts"]]


# -- reframe plans ---------------------------------------------------------------------------

WIDTH, HEIGHT, FRAMES = 640, 360, 6


def plan_document() -> dict:
    """A valid plan for a 640x360 source of six frames: two shots, crop and split."""
    frames = [{"frame": i, "layout": "crop", "boxes": [[100 + i, 0, 202.5, 360]]} for i in range(3)]
    frames += [
        {"frame": i, "layout": "split", "boxes": [[0, 0, 320, 180], [320, 180, 320, 180]]}
        for i in range(3, FRAMES)
    ]
    return {
        "version": 1,
        "source": {
            "path": "x.mp4",
            "width": WIDTH,
            "height": HEIGHT,
            "fps": 30.0,
            "frame_count": FRAMES,
        },
        "output": {"width": 1080, "height": 1920, "fps": 30.0},
        "shots": [
            {"start_frame": 0, "end_frame": 3, "mode": "track", "reason": "r", "faces": [0]},
            {"start_frame": 3, "end_frame": FRAMES, "mode": "split", "reason": "r"},
        ],
        "frames": frames,
    }


def test_the_valid_plan_is_accepted():
    check_plan_document(plan_document(), WIDTH, HEIGHT, FRAMES)


PATHS = st.sampled_from(
    [
        ("version",),
        ("source", "width"),
        ("output",),
        ("output", "width"),
        ("output", "height"),
        ("output", "fps"),
        ("shots",),
        ("shots", 0, "end_frame"),
        ("shots", 1, "mode"),
        ("shots", 0, "faces"),
        ("frames",),
        ("frames", 1),
        ("frames", 2, "frame"),
        ("frames", 0, "layout"),
        ("frames", 4, "layout"),
        ("frames", 0, "boxes"),
        ("frames", 0, "boxes", 0),
        ("frames", 1, "boxes", 0, 0),
        ("frames", 1, "boxes", 0, 2),
        ("frames", 4, "boxes", 1, 3),
        ("frames", 5, "boxes", 1),
    ]
)
NUMBERS = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-2000, 2000)


def _set(doc: dict, path: tuple, value: object) -> None:
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def assert_renderable(doc: dict) -> None:
    """What the renderer relies on, for a plan the check let through."""
    plan = ReframePlan.from_dict(doc)
    assert plan.frame_count == FRAMES and set(plan.layouts) <= set(LAYOUTS)
    assert plan.width % 2 == 0 and plan.height % 2 == 0 and 0 < plan.fps <= 240
    for i in range(FRAMES):
        for x, y, w, h in plan.frame_boxes(i):
            assert w >= MIN_BOX and h >= MIN_BOX
            assert x >= -0.01 and y >= -0.01 and x + w <= WIDTH + 0.01 and y + h <= HEIGHT + 0.01


@given(st.lists(st.tuples(PATHS, NUMBERS | JSON), min_size=1, max_size=3))
def test_an_edited_plan_is_renderable_or_one_problem(edits):
    doc = plan_document()
    for path, value in edits:
        try:
            _set(doc, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed what this one would change
    try:
        check_plan_document(doc, WIDTH, HEIGHT, FRAMES)
    except PlanProblem as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert_renderable(doc)


@given(JSON)
def test_any_json_is_a_plan_problem(value):
    with pytest.raises(PlanProblem):
        check_plan_document(value, WIDTH, HEIGHT, FRAMES)


@given(st.binary(max_size=300))
def test_any_plan_file_is_one_error(tmp_path, data):
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    media = type("M", (), {"width": WIDTH, "height": HEIGHT, "frame_count": FRAMES})()
    with pytest.raises(AutocutError) as info:
        read_plan(path, media)
    assert info.value.where == str(path)


# -- subtitles -------------------------------------------------------------------------------

LINE = (
    st.text(
        st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="<>{}&\u0085"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
"""One line of cue text without markup or line breaks of any kind."""


@st.composite
def cue_lists(draw) -> list[Cue]:
    cues = []
    for _ in range(draw(st.integers(0, 6))):
        start_ms = draw(st.integers(0, 10 * 3600 * 1000))
        length_ms = draw(st.integers(1, 20_000))
        text = "\n".join(draw(st.lists(LINE, min_size=1, max_size=3)))
        if text.strip("-> ").isdigit() or "-->" in text:
            continue
        cues.append(Cue(start_ms / 1000, (start_ms + length_ms) / 1000, text))
    return cues


def _stamp(seconds: float, separator: str) -> str:
    ms = round(seconds * 1000)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def srt(cues: list[Cue], newline: str) -> str:
    blocks = [
        f"{n}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}"
        for n, c in enumerate(cues, start=1)
    ]
    return ("\n\n".join(blocks) + "\n").replace("\n", newline)


def vtt(cues: list[Cue], newline: str) -> str:
    blocks = ["WEBVTT", "NOTE made for a test\nof two lines"]
    blocks += [
        f"cue-{n}\n{_stamp(c.start, '.')} --> {_stamp(c.end, '.')} align:start\n{c.text}"
        for n, c in enumerate(cues)
    ]
    return ("\n\n".join(blocks) + "\n").replace("\n", newline)


def _sorted(cues: list[Cue]) -> tuple[Cue, ...]:
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


@given(cue_lists(), st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from([srt, vtt]))
def test_subtitles_read_back_as_written(cues, newline, write):
    assert parse_subtitles(write(cues, newline)) == _sorted(cues)


@given(cue_lists(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_subtitle_files_in_each_accepted_encoding(tmp_path, cues, encoding):
    path = tmp_path / "episode.srt"
    path.write_bytes(srt(cues, "\n").encode(encoding))
    assert read_subtitles(path) == _sorted(cues)


def ass(cues: list[Cue], newline: str) -> str:
    """An ASS script of ``cues`` (times in centiseconds), with a style, a comment and tags."""

    def stamp(seconds: float) -> str:
        cs = round(seconds * 100)
        return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"

    head = [
        "[Script Info]", "ScriptType: v4.00+", "", "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize", "Style: Default,Arial,20", "", "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        "Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,not a cue",
    ]  # fmt: skip
    events = [
        f"Dialogue: 0,{stamp(c.start)},{stamp(c.end)},Default,Ann,0,0,0,,"
        + "{\\i1}"
        + c.text.replace("\n", "\\N")
        + "{\\i0}"
        for c in cues
    ]
    return newline.join([*head, *events]) + newline


@given(cue_lists(), st.sampled_from(["\n", "\r\n"]))
def test_ass_scripts_read_back_as_written(cues, newline):
    cues = [
        Cue(round(c.start, 2), round(c.start + max(0.01, c.end - c.start), 2),
            c.text.replace("\\", "/"))  # a backslash starts an ASS escape
        for c in cues
    ]  # fmt: skip
    assert parse_subtitles(ass(cues, newline)) == _sorted(cues)


def assert_cues(cues: tuple[Cue, ...]) -> None:
    assert list(cues) == sorted(cues, key=lambda c: (c.start, c.end))
    for cue in cues:
        assert 0 <= cue.start < cue.end and cue.text and cue.text == cue.text.strip()


@given(st.text(max_size=300))
def test_any_text_is_cues_or_one_problem(text):
    try:
        cues = parse_subtitles(text)
    except ValueError as exc:
        assert str(exc).startswith("line ") and "\n" not in str(exc)
        return
    assert_cues(cues)


@given(st.binary(max_size=300))
def test_any_subtitle_file_is_cues_or_one_error(tmp_path, data):
    path = Path(tmp_path) / "any.vtt"
    path.write_bytes(data)
    try:
        cues = read_subtitles(path)
    except AutocutError as exc:
        assert exc.where == str(path) and "\n" not in exc.reason
        return
    assert_cues(cues)


def test_ass_problems_are_named_by_line():
    head = "[Script Info]\n\n[Events]\n"
    with pytest.raises(ValueError, match="line 4: a Dialogue line before the Format line"):
        parse_subtitles(head + "Dialogue: 0,0:00:01.00,0:00:02.00,x\n")
    fmt = "Format: Start, End, Text\n"
    with pytest.raises(ValueError, match=r"line 5: times must look like 0:01:02\.50"):
        parse_subtitles(head + fmt + "Dialogue: 1.5,0:00:02.00,Hi\n")
    with pytest.raises(ValueError, match="line 5: 3 fields expected"):
        parse_subtitles(head + fmt + "Dialogue: 0:00:02.00\n")
    text = head + fmt + "Dialogue: 0:00:01.50,0:00:03.00,{\\b1}One,\\Ntwo\\hthree\n"
    assert parse_subtitles(text) == (Cue(1.5, 3.0, "One,\ntwo\u00a0three"),)


def test_markup_is_removed_and_bad_times_are_named():
    text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Run</i> &amp; hide\n"
    assert parse_subtitles(text) == (Cue(1.0, 2.0, "Run & hide"),)
    with pytest.raises(ValueError, match="line 2: the cue ends before it starts"):
        parse_subtitles("1\n00:00:03,000 --> 00:00:02,000\nBack\n")
    with pytest.raises(ValueError, match="line 2: times must look like"):
        parse_subtitles("1\n00:00:03 --> 00:00:04\nNo millis\n")
    with pytest.raises(ValueError, match="no text encoding autocut can tell"):
        decode_text(b"\xff\x00caf\xe9")
