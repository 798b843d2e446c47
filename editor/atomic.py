"""Outputs appear complete or not at all, in places checked before the work starts.

Every file autocut writes is first written under a hidden temporary name in the same folder
(same file system, so the final rename is atomic) and renamed into place only when the writer
succeeded. On any failure, including Ctrl-C and SIGTERM, the temporary file is removed.
Output folders and files are checked as soon as the command line is read
(:func:`writable_folder`, :func:`writable_file`): a place that cannot be written is one
clear line before the analysis, never a traceback after it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from editor.errors import AutocutError

FOLDER_ATTEMPTS = 20
"""Tries at checking a new output folder that other runs, checking it too, create and remove."""


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix); rename it to ``path`` on success."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a file size limit, a folder gone read-only
        raise AutocutError(path, f"cannot be written ({_reason(exc)})") from None
    finally:
        for leftover in path.parent.glob(f"{glob.escape(tmp.stem)}*"):
            leftover.unlink(missing_ok=True)


_LEFTOVER = re.compile(r"^\.(autocut-.*|.+\.[0-9a-f]{8}\.partial(\..*)?)$")


def remove_leftovers(folder: Path) -> int:
    """Remove what writers killed outright (SIGKILL, power loss) left in ``folder``: hidden
    temporary files and folders under autocut's own names, never anything else; how many.
    For a folder about to be written again, by the one run writing it."""
    removed = 0
    with contextlib.suppress(OSError):
        for item in Path(folder).iterdir():
            if not _LEFTOVER.match(item.name):
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
            removed += 1
    return removed


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def writable_folder(path: Path) -> Path:
    """``path`` as an output folder: shown to take new files, or one clear error.

    Checked before any work starts, so a folder that cannot be written costs the user one
    line at once, not a traceback after all the analysis and rendering. The check leaves
    nothing behind: folders it had to create are removed again (the writers create them
    when they write), so a run that fails later leaves no empty folders either.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise AutocutError(path, "is a file, not a folder")
    probe = {"dir": path, "prefix": ".autocut-", "suffix": ".probe"}
    for attempt in range(FOLDER_ATTEMPTS):
        try:
            with new_folder(path, keep=False), tempfile.NamedTemporaryFile(**probe):
                return path
        except FileNotFoundError:
            # Another run checking the same new folder removed it between our mkdir and our
            # probe: try again; only a folder that keeps vanishing is an error.
            if attempt == FOLDER_ATTEMPTS - 1:
                raise AutocutError(path, "cannot be written (it keeps disappearing)") from None
        except OSError as exc:
            raise AutocutError(path, f"cannot be written ({_reason(exc)})") from None
    return path


@contextlib.contextmanager
def new_folder(path: Path, *, keep: bool = True) -> Iterator[Path]:
    """``path`` created (with its parents) for the time inside; the folders this made are
    removed again, if empty, when the block fails (or always, with ``keep=False``)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    ok = False
    try:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        ok = keep
    finally:
        if not ok:
            for folder in missing:  # deepest first
                with contextlib.suppress(OSError):
                    folder.rmdir()


def writable_file(path: Path, *, not_one_of: tuple[Path, ...] = ()) -> Path:
    """``path`` as an output file: not a folder, not one of the files ``not_one_of`` (a
    run's own inputs), in a folder that takes new files (created if needed)."""
    path = Path(path)
    if path.is_dir():
        raise AutocutError(path, "is a folder; give a file name for the output")
    for other in not_one_of:
        if _same_file(path, Path(other)):
            raise AutocutError(path, f"would overwrite the input {other}")
    writable_folder(path.parent)
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    """What an OS error says, as a user reads it (``read-only file system``)."""
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "a part of its path is a file"
    return (exc.strerror or str(exc)).lower()
