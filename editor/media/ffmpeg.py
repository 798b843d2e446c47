"""Where the ffmpeg binary comes from, and how it is run.

Lookup order, first hit wins:
1. the ``AUTOCUT_FFMPEG`` environment variable (a path to an ffmpeg binary);
2. the static ffmpeg shipped inside the ``imageio-ffmpeg`` wheel (always present:
   it is a dependency, so a fresh ``pip install`` needs nothing from the system);
3. ``ffmpeg`` on ``PATH``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
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
    pipe_to_many([(args, what)], ((chunk,) for chunk in chunks))


def pipe_to_many(runs: Sequence[tuple[list[str], str | Path]], chunks: Iterable[Sequence]) -> None:
    """Run one ffmpeg per ``(args, what)`` of ``runs`` at once, each reading ``-i -``, and
    feed run ``k`` the ``k``-th item of every tuple of ``chunks``; on failure raise one clear
    error about the ``what`` of the first run that failed.

    The runs take their chunks in turn from one thread: each run buffers its input, so all of
    them encode at once, and none gets ahead of the others by more than its buffer. A run
    that stops reading gets nothing more (its exit status says why) while the others go on.
    If the producer of ``chunks`` fails, every ffmpeg is stopped and the producer's error
    passes on.
    """
    base = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    with contextlib.ExitStack() as stack:
        errs = [stack.enter_context(tempfile.TemporaryFile()) for _ in runs]
        procs: list[subprocess.Popen] = []
        try:
            for (args, _what), err in zip(runs, errs):
                procs.append(subprocess.Popen([*base, *args], stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=err))  # fmt: skip
            open_ = list(procs)
            for chunk_set in chunks:
                for k, proc in enumerate(open_):
                    if proc is None:
                        continue
                    try:
                        proc.stdin.write(memoryview(np.ascontiguousarray(chunk_set[k])).cast("B"))
                    except BrokenPipeError:
                        open_[k] = None  # ffmpeg stopped reading: its exit status says why
            for proc in procs:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
        except BaseException:
            for proc in procs:
                proc.kill()
                proc.wait()
            raise
        for proc in procs:
            proc.wait()
        for proc, (_args, what), err in zip(procs, runs, errs):
            if proc.returncode != 0:
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
