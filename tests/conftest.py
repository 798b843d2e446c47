"""Shared test fixtures: paths to footage, the bundled sample footage, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FOOTAGE = ROOT / "fixtures" / "footage"
SHARED_FOOTAGE = Path(os.environ.get("AUTOCUT_FOOTAGE", ROOT.parent / "shared" / "footage"))


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests never read or fill the user's analysis cache: they get one of their own."""
    previous = os.environ.get("AUTOCUT_CACHE_DIR")
    os.environ["AUTOCUT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("AUTOCUT_CACHE_DIR", None)
    else:
        os.environ["AUTOCUT_CACHE_DIR"] = previous


def shared_clip(name: str) -> Path:
    """A real clip from the shared footage folder; skips the test where it is absent."""
    path = SHARED_FOOTAGE / name
    if not path.is_file():
        pytest.skip(f"shared footage not available: {path}")
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``autocut`` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "editor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=900,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, outdir: Path, *words: str) -> None:
    """A user's mistake: exit 1, one stderr line naming ``words``, no traceback, and nothing
    left in ``outdir`` (not even a hidden temporary file beside it)."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    assert not outdir.exists() or not any(outdir.iterdir())
    if outdir.parent.exists():
        assert not [p for p in outdir.parent.iterdir() if p.name.startswith(".")]
