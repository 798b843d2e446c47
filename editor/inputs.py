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


def collect_videos(inputs: list[str | Path]) -> list[Path]:
    """Expand ``inputs`` into video files, in a stable order.

    A file is taken as given (whatever its suffix: probing decides whether it is video);
    a folder contributes every file with a video suffix below it, hidden ones excluded,
    sorted by path. A missing path or a folder without videos is an error.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            videos = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in VIDEO_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not videos:
                raise AutocutError(path, "folder holds no video files")
            found.extend(videos)
        else:
            raise AutocutError(path, "no such file or folder")
    unique = list(dict.fromkeys(found))
    return unique
