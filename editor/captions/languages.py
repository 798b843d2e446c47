"""Which subtitle file is which language, for which video.

Studios name subtitle files after the episode and the language: ``ep01.th.srt``,
``ep01.zh-Hans.vtt``. So:

- a language is a tag of two or three letters, with optional subtags (``pt-BR``,
  ``zh-Hans``), taken from the part of the name before the suffix, or given as
  ``--subs th=FILE`` when the name does not say;
- a file belongs to the video whose name it starts with (``ep01.th.srt`` to ``ep01.mp4``);
  with one video, every file given belongs to it;
- a folder input also finds ``<video>.<lang>.srt`` (``.vtt``, ``.ass``) next to each video;
- two files of one language for one video are refused, as is a file no video claims: the
  user meant something, and guessing would caption the wrong cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.errors import AutocutError

SUFFIXES = (".srt", ".vtt", ".ass", ".ssa")
"""Subtitle file types read, by name."""
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class SubtitleFile:
    """The subtitles of ``video`` in ``language``, from ``path``."""

    video: Path
    language: str
    path: Path


def is_language(tag: str) -> bool:
    """Whether ``tag`` looks like a language tag (``th``, ``pt-BR``, ``zh-Hans``)."""
    return bool(_TAG.match(tag))


def language_in_name(path: Path) -> str | None:
    """The language tag in ``path``'s name (``ep01.th.srt`` -> ``th``), or None."""
    stem = Path(path).name
    for suffix in SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    _, dot, tag = stem.rpartition(".")
    return tag if dot and is_language(tag) else None


def parse_subs_option(value: str) -> tuple[str | None, Path]:
    """One ``--subs`` value: ``LANG=FILE`` or ``FILE`` -> (language or None, path)."""
    tag, equals, rest = value.partition("=")
    if equals and is_language(tag) and rest:
        return tag, Path(rest)
    return None, Path(value)


def match_subtitles(
    videos: Sequence[Path], given: Sequence[str], folders: Sequence[Path] = ()
) -> list[SubtitleFile]:
    """The subtitle files for ``videos``: those ``given`` as ``--subs`` values, and those found
    next to the videos of the input ``folders``. One AutocutError for a file that does not
    exist, names no language, fits no video, or repeats a language of a video."""
    found: dict[tuple[Path, str], SubtitleFile] = {}

    def add(item: SubtitleFile) -> None:
        key = (item.video, item.language)
        if key in found and found[key].path != item.path:
            raise AutocutError(
                item.path,
                f"a second {item.language} subtitle file for {item.video.name} "
                f"(the first is {found[key].path})",
            )
        found[key] = item

    for value in given:
        language, path = parse_subs_option(value)
        if not path.is_file():
            raise AutocutError(path, "no such subtitle file")
        language = language or language_in_name(path)
        if language is None:
            raise AutocutError(
                path,
                "names no language: call it like ep01.th.srt, or give --subs th=FILE",
            )
        add(SubtitleFile(_video_of(path, videos), language, path))
    inside = {Path(f).resolve() for f in folders}
    for video in videos:
        if inside.isdisjoint(video.resolve().parents):
            continue
        for path in sorted(video.parent.glob(f"{_escape(video.stem)}.*")):
            language = language_in_name(path)
            if (
                path.suffix.lower() in SUFFIXES
                and language
                and path.stem == f"{video.stem}.{language}"
            ):
                add(SubtitleFile(video, language, path))
    return sorted(found.values(), key=lambda s: (str(s.video), s.language))


def named_after(value: str, videos: Sequence[Path]) -> bool:
    """Whether the file of the ``--subs`` ``value`` is named after one of ``videos``
    (``ep01.th.srt`` after ``ep01.mp4``): in a series run, it is that episode's."""
    _language, path = parse_subs_option(value)
    return any(path.name.startswith(f"{v.stem}.") for v in videos)


def _video_of(path: Path, videos: Sequence[Path]) -> Path:
    if len(videos) == 1:
        return videos[0]
    owners = [v for v in videos if path.name.startswith(f"{v.stem}.")]
    if len(owners) != 1:
        names = ", ".join(v.name for v in videos)
        raise AutocutError(
            path,
            f"fits {'none' if not owners else 'more than one'} of the videos ({names}): "
            "name it after its video, like <video>.<lang>.srt",
        )
    return owners[0]


def _escape(text: str) -> str:
    """``text`` with glob's special characters taken literally."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


ISO_639_2 = {
    "ar": "ara", "bn": "ben", "cs": "cze", "da": "dan", "de": "ger", "el": "gre", "en": "eng",
    "es": "spa", "fa": "per", "fi": "fin", "fil": "fil", "fr": "fre", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "km": "khm", "ko": "kor", "lo": "lao",
    "ms": "may", "my": "bur", "nl": "dut", "no": "nor", "pl": "pol", "pt": "por", "ro": "rum",
    "ru": "rus", "sv": "swe", "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur",
    "uk": "ukr", "ur": "urd", "vi": "vie", "zh": "chi",
}  # fmt: skip
"""Three-letter codes an MP4 track's language is written in, by two-letter tag."""


def track_language(tag: str) -> str:
    """The three-letter code for a subtitle track in ``tag`` (``und`` when unknown)."""
    primary = tag.split("-", 1)[0].lower()
    if len(primary) == 3:
        return primary
    return ISO_639_2.get(primary, "und")
