"""Where the ffmpeg binary comes from, and how it is run.

Lookup order, first hit wins:
1. the ``AUTOCUT_FFMPEG`` environment variable (a path to an ffmpeg binary);
2. the static ffmpeg shipped inside the ``imageio-ffmpeg`` wheel (always present:
   it is a dependency, so a fresh ``pip install`` needs nothing from the system);
3. ``ffmpeg`` on ``PATH``.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from editor.errors import AutocutError


@functools.cache
def ffmpeg_exe() -> str:
    """Return the path of the ffmpeg binary to use (see module docstring)."""
    configured = os.environ.get("AUTOCUT_FFMPEG")
    if configured:
        if not Path(configured).is_file():
            raise AutocutError(configured, "AUTOCUT_FFMPEG does not point to a file")
        return configured
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        pass
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    raise AutocutError("ffmpeg", "no ffmpeg found: set AUTOCUT_FFMPEG or install imageio-ffmpeg")


def run_ffmpeg(args: list[str], *, what: str | Path) -> None:
    """Run ffmpeg quietly with ``args``; on failure raise one clear error about ``what``."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise AutocutError(what, ffmpeg_failure(done.returncode, done.stderr))


def pipe_to_ffmpeg(args: list[str], chunks: Iterable, *, what: str | Path) -> None:
    """Run ffmpeg with ``args`` (reading ``-i -``), feeding it ``chunks`` (raw frames as bytes
    or numpy arrays) on stdin; on failure raise one clear error about ``what``.

    If the producer of ``chunks`` fails, ffmpeg is stopped and the producer's error passes on.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        try:
            for chunk in chunks:
                proc.stdin.write(memoryview(np.ascontiguousarray(chunk)).cast("B"))
            proc.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped reading: its exit status below says why
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if proc.wait() != 0:
            err.seek(0)
            raise AutocutError(what, ffmpeg_failure(proc.returncode, err.read()))


def ffmpeg_failure(returncode: int, stderr: bytes) -> str:
    """Why ffmpeg failed, in one line: its last message, else the signal that stopped it
    (a file size limit kills it with SIGXFSZ, which leaves no message)."""
    lines = stderr.decode(errors="replace").strip().splitlines()
    if lines:
        return f"ffmpeg failed: {lines[-1]}"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (file size limit reached)" if name == "SIGXFSZ" else ""
        return f"ffmpeg was stopped by {name}{hint}"
    return f"ffmpeg failed with exit status {returncode}"
