"""Which files an input list names: video files as given, folders searched for videos."""

from __future__ import annotations

from pathlib import Path

from editor.errors import AutocutError

VIDEO_SUFFIXES = frozenset(
    [
        ".mp4",
        ".mov",
        ".m4v",
        ".mkv",
        ".webm",
        ".avi",
        ".mts",
        ".m2ts",
        ".mxf",
        ".mpg",
        ".mpeg",
        ".wmv",
        ".flv",
        ".3gp",
        ".ts",
    ]
)


EDL_SUFFIX = ".edl.json"
"""The suffix of the edit decision list written beside every output of the main job."""


def collect_videos(
    inputs: list[str | Path], outdir: Path | None = None, *, footage: bool = True
) -> tuple[list[Path], list[AutocutError]]:
    """Expand ``inputs`` into video files, in a stable order, and the inputs that name none.

    A file is taken as given (whatever its suffix: probing decides whether it is video);
    a folder contributes every file with a video suffix below it, sorted by path, except
    hidden ones, autocut's own outputs (a video with an ``.edl.json`` beside it) and, when
    the output folder ``outdir`` lies inside the folder, everything in it: a folder used
    for input and output never feeds on its own earlier trailers. A missing path or a
    folder without videos is returned as an error; the caller decides whether the other
    inputs can go on without it. ``footage=False`` takes every video in a folder, outputs
    too (for checking delivered files).
    """
    found: list[Path] = []
    problems: list[AutocutError] = []
    for item in inputs:
        path = Path(item)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            videos = folder_videos(path, outdir) if footage else _videos_in(path)
            if not videos:
                problems.append(AutocutError(path, "folder holds no video files"))
            found.extend(videos)
        else:
            problems.append(AutocutError(path, "no such file or folder"))
    return list(dict.fromkeys(found)), problems


def folder_videos(folder: Path, outdir: Path | None = None) -> list[Path]:
    """The footage in ``folder`` (see :func:`collect_videos`), sorted by path."""
    skip = _inside(outdir, folder) if outdir is not None else None
    return [
        p
        for p in _videos_in(folder)
        if not p.with_name(p.stem + EDL_SUFFIX).is_file()
        and not (skip is not None and skip in p.resolve().parents)
    ]


def _videos_in(folder: Path) -> list[Path]:
    """Every file with a video suffix below ``folder``, hidden ones excluded, sorted."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in VIDEO_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _inside(outdir: Path, folder: Path) -> Path | None:
    """``outdir`` resolved, when it lies strictly inside ``folder``; else None."""
    out, top = Path(outdir).resolve(), folder.resolve()
    return out if top in out.parents else None
