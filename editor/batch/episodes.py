"""Which footage makes each episode of a series run (``--each file|folder``).

- ``file``: every video the inputs name (folders searched as for one run) is an episode of
  its own, named after the file.
- ``folder``: every folder directly inside an input folder that holds video is an episode,
  named after the folder, with all its videos; an input video file is an episode of its own.
  Videos lying loose in a series folder belong to no episode and are reported.

Names become folders under the output folder, so they are made unique: where two episodes
would share a name (``a/ep01.mp4`` and ``b/ep01.mov``), each takes its path below the input
(``a_ep01``, ``b_ep01``). Episodes keep the inputs' order, folders sorted by path, so a
rerun finds the same episodes under the same names.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.captions.languages import match_subtitles
from editor.errors import AutocutError
from editor.inputs import collect_videos, folder_videos

EACH = ("file", "folder")
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class Episode:
    """One set of outputs, made into the folder ``name`` under OUTDIR from ``source`` (a
    video file, or an episode folder) whose footage is ``videos``. ``series`` is the input
    folder it was found in: subtitle files beside its videos there are its own."""

    name: str
    source: Path
    videos: tuple[Path, ...]
    series: Path | None = None


def find_episodes(
    inputs: list[str | Path], each: str, outdir: Path | None = None
) -> tuple[list[Episode], list[AutocutError]]:
    """The episodes ``inputs`` hold (module notes), and the inputs that hold none."""
    if each not in EACH:
        raise ValueError(f"each must be one of {EACH}, not {each!r}")
    found: list[tuple[Path, Episode]] = []  # (path below its input, episode)
    problems: list[AutocutError] = []
    for item in inputs:
        path = Path(item)
        if each == "file" or path.is_file():
            videos, missing = collect_videos([path], outdir)
            problems += missing
            series = path if path.is_dir() else None
            base = path if path.is_dir() else path.parent
            found += [
                (v.relative_to(base).with_suffix(""), Episode("", v, (v,), series)) for v in videos
            ]
            continue
        if not path.is_dir():
            problems.append(AutocutError(path, "no such file or folder"))
            continue
        folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        held = 0
        for folder in folders:
            videos = folder_videos(folder, outdir)
            if videos:
                found.append((folder.relative_to(path), Episode("", folder, tuple(videos))))
                held += len(videos)
        loose = [v for v in folder_videos(path, outdir) if v.parent == path]
        for video in loose:
            problems.append(AutocutError(video, "lies in no episode folder (--each folder)"))
        if not held and not loose:
            problems.append(AutocutError(path, "holds no folder with video files"))
    return _named(found), problems


def episode_files(episode: Episode, subtitles: Sequence[str]) -> list[Path]:
    """Every file an episode is made from: its videos and their subtitle files, given
    (``--subs`` values) or found beside them. One AutocutError for a bad subtitle file."""
    folders = [p for p in (episode.source, episode.series) if p is not None and p.is_dir()]
    found = match_subtitles(list(episode.videos), subtitles, folders)
    return [*episode.videos, *(item.path for item in found)]


def _named(found: list[tuple[Path, Episode]]) -> list[Episode]:
    """Episodes named by their last path part, or their whole path below the input where
    the last part is shared; each name a safe folder name, unique."""
    short = [_safe(rel.name) for rel, _ in found]
    clashes = Counter(short)
    names: list[str] = []
    for (rel, _), name in zip(found, short):
        name = _safe("_".join(rel.parts)) if clashes[name] > 1 else name
        while name in names:
            name += "_"
        names.append(name)
    return [dataclasses.replace(e, name=name) for name, (_, e) in zip(names, found)]


def _safe(name: str) -> str:
    """``name`` as a folder name that names no other folder: no separators, no leading dot."""
    return _UNSAFE.sub("_", name).lstrip(".") or "episode"
