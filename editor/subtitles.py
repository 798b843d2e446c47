"""Subtitle files a user hands in (SubRip ``.srt``, WebVTT ``.vtt``, ASS/SSA ``.ass``), read
into cues.

Studios deliver a subtitle file per language of an episode; these are the lines a cut's
captions come from. Real files are messy, so what is decided here is what is accepted:

- **Text encoding.** As named by the caller, else found (:mod:`editor.captions.encodings`):
  UTF-8 with or without a byte-order mark, UTF-16, GB18030, Shift-JIS or TIS-620. A file
  in none of them is refused with the file named, rather than guessed and shown as mojibake.
- **Layout.** Cues are separated by blank lines; CRLF, CR and LF line ends all work, and
  so does a missing blank line at the end. SRT counters are optional (some tools drop
  them). WebVTT needs its ``WEBVTT`` header; its ``NOTE``, ``STYLE`` and ``REGION`` blocks
  are skipped, as are cue identifiers and cue settings.
- **Times.** ``HH:MM:SS,mmm`` or ``HH:MM:SS.mmm`` in either format, hours optional in
  WebVTT (``MM:SS.mmm``), minutes and seconds below 60. A cue ending before it starts is an
  error naming its line; a cue with no time on screen or no text is dropped.
- **ASS.** A file whose first line is ``[Script Info]`` is Advanced SubStation: its
  ``[Events]`` section's ``Format:`` line says where ``Start``, ``End`` and ``Text`` are;
  ``Dialogue:`` lines are cues (``Comment:`` lines are not), times ``H:MM:SS.cc``. Styles
  and positions are the studio's look for another screen, so only the words are kept:
  override tags ``{\\...}`` removed, ``\\N`` a line break, ``\\h`` a hard space.
- **Text.** Lines of a cue are joined with a newline; markup (``<i>``, ``<c.yellow>``,
  ``<v Name>``, SRT's ``{\\an8}``) is removed, entities ``&amp;`` ``&lt;`` ``&gt;``
  ``&nbsp;`` decoded. Cues come back sorted by start time (overlaps are allowed: two
  speakers can talk at once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from editor.captions.encodings import decode_text
from editor.errors import AutocutError

MAX_BYTES = 20_000_000
"""Largest subtitle file read (a feature film's subtitles are a few hundred KB)."""

_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[,.](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_MARKUP = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&nbsp;": "\u00a0", "&lrm;": "\u200e", "&rlm;": "\u200f"}
_VTT_SKIPPED = ("NOTE", "STYLE", "REGION")


@dataclass(frozen=True)
class Cue:
    """One subtitle: on screen from ``start`` to ``end`` (seconds), ``text`` plain."""

    start: float
    end: float
    text: str


def read_subtitles(path: str | Path, encoding: str | None = None) -> tuple[Cue, ...]:
    """The cues of the ``.srt`` or ``.vtt`` file at ``path`` (WebVTT when it says so in its
    first line, whatever the suffix), in ``encoding`` if given; one AutocutError naming the
    file otherwise."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise AutocutError(path, f"is too large for a subtitle file (over {MAX_BYTES} bytes)")
        data = path.read_bytes()
    except IsADirectoryError:
        raise AutocutError(path, "is a folder, not a subtitle file") from None
    except OSError as exc:
        raise AutocutError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return parse_subtitles(decode_text(data, encoding))
    except ValueError as exc:
        raise AutocutError(path, str(exc)) from None


def parse_subtitles(text: str) -> tuple[Cue, ...]:
    """The cues in SRT, WebVTT or ASS ``text``; ValueError naming the first bad line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].lstrip("\ufeff").strip().lower() == "[script info]":
        return _ass_cues(lines)
    webvtt = bool(lines) and lines[0].lstrip("\ufeff").startswith("WEBVTT")
    if webvtt and not re.match(r"WEBVTT($|[ \t])", lines[0].lstrip("\ufeff")):
        raise ValueError("line 1: a WebVTT file starts with 'WEBVTT'")
    cues: list[Cue] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        if block:
            cue = _cue(block, webvtt)
            if cue is not None:
                cues.append(cue)
            block = []
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


def _cue(block: list[tuple[int, str]], webvtt: bool) -> Cue | None:
    """The cue in one blank-line-separated block, or None for a block that holds none."""
    first_number, first = block[0]
    if webvtt and first_number == 1:
        return None  # the header block
    if webvtt and first.split(" ", 1)[0].split("\t", 1)[0] in _VTT_SKIPPED:
        return None
    timing_at = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
    if timing_at is None:
        raise ValueError(f"line {first_number}: a cue needs a 'start --> end' line")
    if timing_at > 1 or (timing_at == 1 and not webvtt and not first.strip().isdigit()):
        number = block[timing_at][0]
        raise ValueError(f"line {number}: unexpected text before the cue's times")
    number, timing = block[timing_at]
    match = _TIMING.match(timing)
    if match is None:
        raise ValueError(f"line {number}: times must look like 00:01:02,500 --> 00:01:04,000")
    hours = match.groups()
    if not webvtt and (hours[0] is None or hours[4] is None):
        raise ValueError(f"line {number}: SubRip times need hours (00:01:02,500)")
    start, end = _seconds(hours[:4]), _seconds(hours[4:])
    if end < start:
        raise ValueError(f"line {number}: the cue ends before it starts")
    text = _plain("\n".join(line for _, line in block[timing_at + 1 :]))
    if end == start or not text:
        return None
    return Cue(start, end, text)


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = (int(p) if p else 0 for p in parts)
    return round(hours * 3600 + minutes * 60 + seconds + millis / 1000, 3)


def _plain(text: str) -> str:
    """Cue text without markup, entities decoded, lines trimmed."""
    text = _MARKUP.sub("", text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    text = text.replace("&amp;", "&")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


_ASS_TIME = re.compile(r"^\s*(\d{1,2}):([0-5]\d):([0-5]\d)[.:](\d{2})\s*$")
_ASS_TAGS = re.compile(r"\{[^}]*\}")


def _ass_cues(lines: list[str]) -> tuple[Cue, ...]:
    """The ``Dialogue`` events of an ASS script (module notes)."""
    cues: list[Cue] = []
    section, fields = "", None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section, fields = stripped.lower(), None
            continue
        if section != "[events]" or ":" not in stripped:
            continue
        kind, _, rest = stripped.partition(":")
        kind = kind.strip().lower()
        if kind == "format":
            fields = [f.strip().lower() for f in rest.split(",")]
            if not {"start", "end", "text"} <= set(fields) or fields[-1] != "text":
                raise ValueError(f"line {number}: the Format line needs Start, End and Text last")
            continue
        if kind != "dialogue":
            continue
        if fields is None:
            raise ValueError(f"line {number}: a Dialogue line before the Format line")
        values = rest.split(",", len(fields) - 1)
        if len(values) != len(fields):
            raise ValueError(f"line {number}: {len(fields)} fields expected, as Format says")
        row = dict(zip(fields, values))
        start, end = _ass_seconds(row["start"], number), _ass_seconds(row["end"], number)
        if end < start:
            raise ValueError(f"line {number}: the event ends before it starts")
        text = _ASS_TAGS.sub("", row["text"]).replace("\\N", "\n").replace("\\n", "\n")
        text = "\n".join(t.strip() for t in text.replace("\\h", "\u00a0").split("\n") if t.strip())
        if end > start and text:
            cues.append(Cue(start, end, text))
    return tuple(sorted(cues, key=lambda c: (c.start, c.end)))


def _ass_seconds(value: str, number: int) -> float:
    match = _ASS_TIME.match(value)
    if match is None:
        raise ValueError(f"line {number}: times must look like 0:01:02.50")
    hours, minutes, seconds, centis = (int(g) for g in match.groups())
    return round(hours * 3600 + minutes * 60 + seconds + centis / 100, 3)


def srt_text(cues: Sequence[Cue]) -> str:
    """``cues`` as a SubRip file (numbered from 1, times to the millisecond, LF line ends)."""
    return "\n".join(
        f"{n}\n{_srt_stamp(c.start)} --> {_srt_stamp(c.end)}\n{c.text}\n"
        for n, c in enumerate(cues, start=1)
    )


def _srt_stamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
