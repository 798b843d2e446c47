"""Hostile values through the real CLI: broken presets, command-line numbers out of range and
hand-edited reframe plans. Each is one line naming the file (or option) and what is wrong,
before any analysis or rendering, and nothing is written.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import SHORT_PRESET, assert_clean_failure, run_cli

GOOD_ACT = '[[acts]]\nname = "a"\nshare = 1.0\nfirst_shot = 1.0\nlast_shot = 0.8\n'
HEAD = 'name = "bad"\ndescription = "x"\n'
BAD_PRESETS = {
    "syntax error": (HEAD + "duration = = 5\n", "line 3"),
    "wrong type": (HEAD + 'duration = "five"\n' + GOOD_ACT, "duration"),
    "zero duration": (HEAD + "duration = 0.0\n" + GOOD_ACT, "duration"),
    "huge duration": (HEAD + "duration = 1e9\n" + GOOD_ACT, "duration"),
    "nan": (HEAD + "duration = nan\n" + GOOD_ACT, "duration"),
    "inf": (HEAD + "duration = 10.0\n[hook]\nmax_length = inf\n" + GOOD_ACT, "hook.max_length"),
    "empty acts": (HEAD + "duration = 10.0\nacts = []\n", "acts"),
    "zero share": (
        HEAD + "duration = 10.0\n" + GOOD_ACT.replace("1.0\nfirst", "0\nfirst"),
        "share",
    ),
    "tiny fps": (HEAD + "duration = 10.0\n[output]\nfps = 0.01\n" + GOOD_ACT, "output.fps"),
    "2x2 output": (
        HEAD + "duration = 10.0\n[output]\nwidth = 2\nheight = 2\n" + GOOD_ACT,
        "output.width",
    ),
    "huge output": (
        HEAD + "duration = 10.0\n[output]\nwidth = 20000\nheight = 40000\n" + GOOD_ACT,
        "output.width",
    ),
    "path in name": (
        'name = "../../../x"\ndescription = "x"\nduration = 10.0\n' + GOOD_ACT,
        "name",
    ),
    "unknown key": (HEAD + "duration = 10.0\nspeed = 2\n" + GOOD_ACT, "speed"),
    "not UTF-8": (HEAD.encode("utf-16").decode("latin-1") + "duration = 5\n", "bad.toml"),
}


@pytest.mark.parametrize("text, key", BAD_PRESETS.values(), ids=BAD_PRESETS.keys())
def test_bad_preset_is_one_line_naming_it(tmp_path, torture, text, key):
    preset, out = tmp_path / "bad.toml", tmp_path / "out"
    preset.write_bytes(text.encode("latin-1") if "\x00" in text else text.encode())
    result = run_cli(str(torture["silent"]), "--preset", str(preset), "-o", str(out))
    assert_clean_failure(result, out, "bad.toml", key)
    assert not (tmp_path.parent / "x").exists()


@pytest.mark.parametrize(
    "option, value",
    [("--seed", "-5"), ("--seed", "4294967296"), ("--seed", "abc"), ("--variants", "0"),
     ("--variants", "1000"), ("--variants", "2.5")],
)  # fmt: skip
def test_bad_number_on_the_command_line_is_a_usage_error(tmp_path, torture, option, value):
    out = tmp_path / "out"
    result = run_cli(str(torture["silent"]), option, value, "-o", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert option in result.stderr.strip().splitlines()[-1]
    assert not out.exists()


def test_the_largest_seed_and_many_variants_work(tmp_path, torture, short_preset):
    out = tmp_path / "out"
    args = ["--seed", "4294967295", "--variants", "5", "--dry-run", "-o", str(out)]
    result = run_cli(str(torture["silent"]), "--preset", str(short_preset), *args)
    assert result.returncode == 0, result.stderr
    plans = result.stdout.split("silent_short_v")[1:]
    shots = [[line for line in p.splitlines() if "silent.mp4" in line] for p in plans]
    assert len({"\n".join(s) for s in shots}) == len(plans)  # every edit made is different
    if len(plans) < 5:  # 8 s of footage may not hold five: then it says how many it does
        assert f"made {len(plans)} of the 5 variants asked for" in result.stderr
    assert len(plans) >= 3


@pytest.fixture(scope="module")
def plan(torture, tmp_path_factory):
    """A real plan for the 'silent' case, as ``reframe --plan-out`` writes it."""
    folder = tmp_path_factory.mktemp("plan")
    args = ["--size", "288x512", "-o", str(folder / "v.mp4"), "--plan-out", str(folder / "p.json")]
    result = run_cli("reframe", str(torture["silent"]), *args)
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "p.json").read_text())


def _edit(doc: dict, change: str) -> dict | str:
    doc = json.loads(json.dumps(doc))
    frames = doc["frames"]
    box = frames[10]["boxes"][0]
    if change == "not JSON":
        return '{"version": 1, "frames": ['
    if change == "missing key":
        del doc["output"]
    elif change == "box outside the frame":
        box[0] = doc["source"]["width"] - 10
    elif change == "negative size":
        box[2] = -box[2]
    elif change == "zero size":
        box[2] = box[3] = 0
    elif change == "NaN box":
        box[1] = math.nan
    elif change == "frame out of range":
        frames[10]["frame"] = doc["source"]["frame_count"] + 5
    elif change == "missing frames":
        del frames[20:40]
    elif change == "zero fps":
        doc["output"]["fps"] = 0
    elif change == "wrong type":
        doc["output"]["width"] = "wide"
    return doc


PLAN_CHANGES = {
    "not JSON": "JSON",
    "missing key": "output",
    "box outside the frame": "frame 10",
    "negative size": "frame 10",
    "zero size": "frame 10",
    "NaN box": "frame 10",
    "frame out of range": "frame",
    "missing frames": "frame",
    "zero fps": "fps",
    "wrong type": "output.width",
}


@pytest.mark.parametrize("change, words", PLAN_CHANGES.items(), ids=PLAN_CHANGES.keys())
def test_broken_plan_is_one_line_naming_it(tmp_path, torture, plan, change, words):
    edited = _edit(plan, change)
    path, out = tmp_path / "edited.json", tmp_path / "out"
    path.write_text(edited if isinstance(edited, str) else json.dumps(edited))
    result = run_cli(
        "reframe", str(torture["silent"]), "--plan", str(path), "-o", str(out / "v.mp4")
    )
    assert_clean_failure(result, out, "edited.json", words)


def test_preset_for_the_tests_is_valid():
    """The torture preset itself parses: the failures above are the edits' doing."""
    from editor.preset import parse_preset

    assert parse_preset(SHORT_PRESET.encode(), "short.toml").duration == 5.0
