"""What a series run has finished, so that running it again redoes only the rest.

``OUTDIR/manifest.json`` holds, per episode made in full, the key it was made under and
every file it wrote (size and modification time). Running the same command again keeps an
episode when:

- its **key** is the same: the sha256 of autocut's version, the run's settings (preset,
  seed, variants, title, subtitle encoding...) and the content (sha256) of every file the
  episode reads: its videos, its subtitle files, the logo, the card texts, the music and
  caption font files;
- every file it wrote is still there, the same size, last changed at the same time.

Anything else is made again. An episode enters the manifest only once all its files are in
place (each written under a temporary name and renamed when complete), and the manifest is
itself written under a temporary name and renamed. A run killed at any moment, even by
SIGKILL, so leaves either an episode's entry with all its files, or no entry: a rerun never
mistakes a half-made episode for a finished one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from editor import __version__
from editor.analysis.cache import content_sha256
from editor.atomic import write_text

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def episode_key(settings: Mapping, files: Iterable[Path]) -> str | None:
    """The key an episode is made under (module notes); None when a file cannot be read
    (the episode is then made, and its error reported, as in any run)."""
    contents = []
    for path in sorted({Path(p).resolve() for p in files}):
        digest = content_sha256(path)
        if digest is None:
            return None
        contents.append([str(path), digest])
    text = json.dumps(
        {"autocut": __version__, "settings": settings, "files": contents},
        sort_keys=True, ensure_ascii=False, default=str,
    )  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()


def _stamp(path: Path) -> dict[str, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


class Manifest:
    """The manifest of one output folder, read once, written after each episode."""

    def __init__(self, outdir: Path) -> None:
        self.path = Path(outdir) / MANIFEST_NAME
        self.episodes: dict[str, dict] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == MANIFEST_VERSION and isinstance(data["episodes"], dict):
                self.episodes = data["episodes"]

    def finished(self, name: str, key: str | None) -> dict | None:
        """The recorded result of episode ``name`` if it was made under ``key`` and all its
        files are as it left them; else None."""
        entry = self.episodes.get(name)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files = entry.get("files")
        if not isinstance(files, dict) or not files:
            return None
        for file, stamp in files.items():
            if _stamp(Path(file)) != stamp:
                return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def record(self, name: str, key: str | None, result: dict, files: Iterable[Path]) -> None:
        """Enter episode ``name`` as made under ``key``, its ``files`` complete; forget it
        when it was not (``key`` None or a file missing)."""
        stamps = {str(Path(f).resolve()): _stamp(Path(f)) for f in files}
        if key is None or not stamps or None in stamps.values():
            self.forget(name)
            return
        self.episodes[name] = {"key": key, "files": stamps, "result": result}
        self._write()

    def forget(self, name: str) -> None:
        if self.episodes.pop(name, None) is not None:
            self._write()

    def _write(self) -> None:
        data = {"version": MANIFEST_VERSION, "episodes": self.episodes}
        write_text(self.path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))
