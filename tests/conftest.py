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
