"""Analysis results kept on disk: a file is decoded for analysis once, not once per run.

:func:`analyse_file` is how every command gets the :class:`Analysis` of a file. What is decided:

- **Key.** An entry is found by what was analysed and how: the sha256 of the file's content,
  ``ANALYSIS_VERSION``, the analysis frame width, the entry format and a fingerprint of the
  analysis code itself. A renamed or copied file still hits; an edited detector never serves
  results computed by its previous self, even before anyone bumps ``ANALYSIS_VERSION``.
- **No needless hashing.** ``index.json`` maps a file's resolved path and identity (size,
  mtime, ctime, inode, device) to its content hash, so a second run stats the file and never
  reads it. A file changed just before it was hashed is not indexed (:data:`SETTLE_SECONDS`):
  a change in the same timestamp tick, at the same size, would otherwise go unnoticed.
- **A hit touches nothing.** The entry holds the probed ``Media`` too, so a hit neither
  probes nor decodes; its ``media.path`` is the path given this time, not the stored one.
- **Storage.** One entry per key: ``<key>.npz`` holds every numpy array (loaded with
  ``allow_pickle=False``) and ``<key>.json`` everything else plus the npz's sha256. Both are
  written atomically, JSON last, so a JSON file only ever describes a complete npz.
  Serialisation follows the dataclass fields and their type hints, so a new ``Analysis``
  field (an array, a number, a tuple of dataclasses) is stored without touching this module.
- **Never an error.** A corrupt, unreadable or outdated entry (fields that no longer match
  the dataclasses) is a miss: it is recomputed and overwritten. A cache folder that cannot
  be created or written means running without a cache. Entries are never evicted; the whole
  folder can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import io
import json
import os
import stat
import sys
import time
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from editor.analysis.model import ANALYSIS_VERSION, ANALYSIS_WIDTH, Analysis, Progress
from editor.atomic import atomic_output
from editor.errors import AutocutError
from editor.media.probe import Media, probe

CACHE_FORMAT = 1
"""Layout of an entry; bumped when the way entries are written changes."""

SETTLE_SECONDS = 2.0
"""A file changed less than this before hashing began is not indexed: a change made while it
was read could fall in the same timestamp tick (2 s on FAT) and keep size and times alike."""

INDEX_LIMIT = 5000
"""Files remembered in ``index.json``; the least recently hashed are forgotten first."""

_ANALYSIS_CODE = (
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).parents[1] / "media" / "decode.py",
    Path(__file__).parents[1] / "media" / "probe.py",
)
"""Source files whose content is part of the key: everything that decides analysis results."""

ProgressFactory = Callable[[Media], Progress | None]


def analyse_file(
    path: str | Path,
    *,
    use_cache: bool = True,
    progress_factory: ProgressFactory | None = None,
    on_settled: Callable[[Analysis], None] | None = None,
    scope: str = "full",
) -> Analysis:
    """The :class:`Analysis` of ``path``: from the cache when it holds one, else computed
    (probe and one decode pass) and stored. ``use_cache=False`` neither reads nor writes.
    ``on_settled`` hears of settled shots while a file is analysed (not on a cache hit; see
    :func:`editor.analysis.analyze.analyze`). ``scope="shots"`` asks for the shot boundaries
    alone (:attr:`Analysis.scope`): a full analysis in the cache answers it too, and a
    shots-only one is stored under a key of its own, so it never stands in for a full one."""
    path = Path(path)
    root = cache_dir() if use_cache else None
    scopes = ("full", scope) if scope != "full" else ("full",)
    keys = [_entry_key(root, path, s) for s in scopes] if root is not None else []
    for key in keys:
        found = _from_entry(root, key, path) if key is not None else None
        if found is not None:
            return found
    media = probe(path)
    from editor.analysis.analyze import analyze  # decoding libraries load only on a miss

    progress = progress_factory(media) if progress_factory else None
    analysis = analyze(media, progress, on_settled=on_settled, scope=scope)
    if keys and keys[-1] is not None:
        _save_entry(root, keys[-1], analysis)
    return analysis


def cached_analysis(path: str | Path) -> Analysis | None:
    """The cached :class:`Analysis` of ``path``, or None when the cache holds none (or there
    is no usable cache). Reads nothing but the cache and, at most, the file's bytes."""
    path = Path(path)
    root = cache_dir()
    key = _entry_key(root, path) if root is not None else None
    return _from_entry(root, key, path) if key is not None else None


def _from_entry(root: Path, key: str, path: Path) -> Analysis | None:
    cached = _load_entry(root, key)
    if cached is None:
        return None
    return dataclasses.replace(cached, media=dataclasses.replace(cached.media, path=path))


# -- where the cache lives -------------------------------------------------------------------


def cache_location(environ: Mapping[str, str], platform: str, home: Path) -> Path:
    """The cache folder: ``AUTOCUT_CACHE_DIR`` if set, else the platform's user cache folder
    (``$XDG_CACHE_HOME/autocut`` or ``~/.cache/autocut``, ``~/Library/Caches/autocut``,
    ``%LOCALAPPDATA%\\autocut\\Cache``)."""
    configured = environ.get("AUTOCUT_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    if platform == "darwin":
        return home / "Library" / "Caches" / "autocut"
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "autocut" / "Cache"
    xdg = environ.get("XDG_CACHE_HOME")
    # The XDG spec says relative paths are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "autocut"


def cache_dir() -> Path | None:
    """The cache folder, created if needed; None when there is no usable one."""
    try:
        root = cache_location(os.environ, sys.platform, Path.home())
        (root / "analysis").mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder can be determined
        return None
    return root


# -- keys ------------------------------------------------------------------------------------


def entry_key(content_sha256: str, code_fingerprint: str, scope: str = "full") -> str:
    """The entry key for a file's content under the current analysis code and settings."""
    settings = {
        "scope": scope,
        "format": CACHE_FORMAT,
        "analysis_version": ANALYSIS_VERSION,
        "analysis_width": ANALYSIS_WIDTH,
        "code": code_fingerprint,
        "content": content_sha256,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _entry_key(root: Path, path: Path, scope: str = "full") -> str | None:
    content = _content_hash(root, path)
    return None if content is None else entry_key(content, _code_fingerprint(), scope)


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for source in _ANALYSIS_CODE:
        digest.update(source.name.encode())
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _identity(st: os.stat_result) -> dict[str, int]:
    """What tells a file's content changed without reading it."""
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "inode": st.st_ino,
        "device": st.st_dev,
    }


def content_sha256(path: Path) -> str | None:
    """sha256 of a file's content, through the cache's index when there is a cache (a file
    unchanged since it was hashed is not read again); None when it is no readable file."""
    root = cache_dir()
    if root is not None:
        return _content_hash(root, Path(path))
    try:
        return _sha256_of(Path(path))
    except OSError:
        return None


def _content_hash(root: Path, path: Path) -> str | None:
    """sha256 of the file's content, from the index when the file is unchanged since it was
    hashed. None when the path is no readable regular file (probing then says what is wrong)."""
    try:
        resolved = str(path.resolve())
        before = path.stat()
    except (OSError, RuntimeError):
        return None
    if not stat.S_ISREG(before.st_mode):
        return None
    index_path = root / "index.json"
    files = _read_index(index_path)
    identity = _identity(before)
    known = files.get(resolved)
    if isinstance(known, dict) and {k: known.get(k) for k in identity} == identity:
        stored = known.get("sha256")
        if isinstance(stored, str):
            return stored
    started = time.time()
    try:
        content = _sha256_of(path)
        after = path.stat()
    except OSError:
        return None
    changed_at = max(after.st_mtime_ns, after.st_ctime_ns) / 1e9
    if _identity(after) == identity and started - changed_at >= SETTLE_SECONDS:
        files.pop(resolved, None)
        files[resolved] = {**identity, "sha256": content}
        _write_index(index_path, dict(list(files.items())[-INDEX_LIMIT:]))
    return content


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as file:
        while count := file.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def _read_index(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _write_index(path: Path, files: dict[str, dict]) -> None:
    text = json.dumps({"format": CACHE_FORMAT, "files": files}, separators=(",", ":"))
    with contextlib.suppress(OSError, AutocutError), atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


# -- entries ---------------------------------------------------------------------------------


def _entry_paths(root: Path, key: str) -> tuple[Path, Path]:
    folder = root / "analysis"
    return folder / f"{key}.json", folder / f"{key}.npz"


def _load_entry(root: Path, key: str) -> Analysis | None:
    """The stored Analysis, or None for a missing, corrupt or outdated entry."""
    json_path, npz_path = _entry_paths(root, key)
    try:
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        blob = npz_path.read_bytes()
        if doc["format"] != CACHE_FORMAT or doc["npz_sha256"] != _sha256_bytes(blob):
            return None
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return from_plain(Analysis, doc["analysis"], arrays)
    except Exception:  # any failure to read back an entry only means computing it again
        return None


def _save_entry(root: Path, key: str, analysis: Analysis) -> None:
    """Store ``analysis`` under ``key``; a failure to write leaves the run uncached."""
    json_path, npz_path = _entry_paths(root, key)
    try:
        arrays: dict[str, np.ndarray] = {}
        plain = to_plain(analysis, arrays)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        blob = buffer.getvalue()
        doc = {"format": CACHE_FORMAT, "npz_sha256": _sha256_bytes(blob), "analysis": plain}
        text = json.dumps(doc, separators=(",", ":"))
        with atomic_output(npz_path) as tmp:
            tmp.write_bytes(blob)
        with atomic_output(json_path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except (OSError, TypeError, ValueError, AutocutError):
        return


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- dataclasses <-> JSON + arrays -------------------------------------------------------------


class StaleEntry(Exception):
    """Stored data does not fit the current dataclasses: the entry is outdated."""


def to_plain(value: object, arrays: dict[str, np.ndarray]) -> object:
    """``value`` as JSON-ready data; numpy arrays go into ``arrays`` and are referenced by name.

    Handles dataclasses (their init fields), tuples, lists, dicts with string keys, paths,
    enums, numpy scalars and JSON scalars; anything else is a TypeError.
    """
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise TypeError("arrays of Python objects cannot be stored without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"$array": name}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name), arrays)
            for f in dataclasses.fields(value)
            if f.init
        }
    if isinstance(value, enum.Enum):
        return to_plain(value.value, arrays)
    if isinstance(value, (tuple, list)):
        return [to_plain(item, arrays) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with string keys can be stored")
        return {k: to_plain(v, arrays) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def from_plain(hint: object, data: object, arrays: Mapping[str, np.ndarray]) -> object:
    """Rebuild a value of type ``hint`` from :func:`to_plain` output; StaleEntry on a mismatch."""
    if hint is typing.Any or hint is object:
        return data
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        if data is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            with contextlib.suppress(StaleEntry):
                return from_plain(option, data, arrays)
        raise StaleEntry(f"{data!r} fits none of {hint}")
    if hint is np.ndarray or origin is np.ndarray:
        if not isinstance(data, dict) or set(data) != {"$array"}:
            raise StaleEntry("array expected")
        return arrays[data["$array"]]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass_from_plain(hint, data, arrays)
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise StaleEntry(f"list expected for {hint}")
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(args) != len(data):
                raise StaleEntry(f"{len(args)} items expected")
            return tuple(from_plain(a, d, arrays) for a, d in zip(args, data))
        item = args[0] if args else typing.Any
        return origin(from_plain(item, d, arrays) for d in data)
    if origin is dict:
        if not isinstance(data, dict):
            raise StaleEntry("dict expected")
        item = args[1] if args else typing.Any
        return {k: from_plain(item, v, arrays) for k, v in data.items()}
    if isinstance(hint, type):
        return _scalar_from_plain(hint, data)
    return data  # Literal, type variables and the like: stored as they are


def _dataclass_from_plain(cls: type, data: object, arrays: Mapping[str, np.ndarray]) -> object:
    hints = _init_field_hints(cls)
    if not isinstance(data, dict) or data.keys() != hints.keys():
        raise StaleEntry(f"{cls.__name__} fields changed")
    return cls(**{name: from_plain(hint, data[name], arrays) for name, hint in hints.items()})


@functools.cache
def _init_field_hints(cls: type) -> dict[str, object]:
    """Type hints of a dataclass's init fields (resolved once per class: it is slow)."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def _scalar_from_plain(cls: type, data: object) -> object:
    if issubclass(cls, enum.Enum):
        return cls(data)
    if issubclass(cls, Path):
        if not isinstance(data, str):
            raise StaleEntry("path expected")
        return cls(data)
    if cls is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if cls is int and isinstance(data, bool):
        raise StaleEntry("int expected")
    if isinstance(data, cls):
        return data
    raise StaleEntry(f"{cls.__name__} expected, got {type(data).__name__}")
