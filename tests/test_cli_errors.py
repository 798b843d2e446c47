"""Bad input gets one clear line on stderr, a non-zero exit, no traceback and no output."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE_FOOTAGE, assert_clean_failure, run_cli


def test_missing_path(tmp_path):
    out = tmp_path / "out"
    missing = tmp_path / "nowhere"
    result = run_cli(str(missing), "-o", str(out))
    assert_clean_failure(result, out, str(missing), "no such file")


def test_empty_folder(tmp_path):
    out, empty = tmp_path / "out", tmp_path / "empty"
    empty.mkdir()
    result = run_cli(str(empty), "-o", str(out))
    assert_clean_failure(result, out, str(empty), "no video files")


def test_text_file_named_mp4(tmp_path):
    out, fake = tmp_path / "out", tmp_path / "clip.mp4"
    fake.write_text("this is not a video\n")
    result = run_cli(str(fake), "-o", str(out))
    assert_clean_failure(result, out, str(fake), "not a readable video file")


def test_unknown_preset(tmp_path):
    out = tmp_path / "out"
    result = run_cli(str(SAMPLE_FOOTAGE), "--preset", "blockbuster", "-o", str(out))
    assert_clean_failure(result, out, "blockbuster", "unknown preset")


def test_bad_preset_file_names_the_key(tmp_path):
    out, preset = tmp_path / "out", tmp_path / "mine.toml"
    preset.write_text('name = "mine"\ndescription = "x"\nduration = 10.0\n[hook]\nfirst = 2\n')
    result = run_cli(str(SAMPLE_FOOTAGE), "--preset", str(preset), "-o", str(out))
    assert_clean_failure(result, out, str(preset), "hook.first")


def test_unreadable_logo_is_named(tmp_path):
    out, logo = tmp_path / "out", tmp_path / "logo.png"
    logo.write_text("not a picture")
    result = run_cli(str(SAMPLE_FOOTAGE), "--logo", str(logo), "-o", str(out))
    assert_clean_failure(result, out, str(logo), "logo")


def test_too_little_footage_for_the_preset(tmp_path):
    out = tmp_path / "out"
    result = run_cli(str(SAMPLE_FOOTAGE / "clip_a.mp4"), "--preset", "trailer", "-o", str(out))
    assert_clean_failure(result, out, "clip_a.mp4", "not enough usable footage")


def test_probe_of_text_file(tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"\x00\x01garbage" * 100)
    result = run_cli("probe", str(fake))
    assert_clean_failure(result, tmp_path / "none", str(fake))


@pytest.mark.parametrize("args", [[], ["--variants", "0", "x"], ["scenes"]])
def test_usage_errors_exit_2(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "usage" in result.stderr
    assert "Traceback" not in result.stderr
