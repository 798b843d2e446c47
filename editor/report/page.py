"""The review page as HTML, from plain data. Pure, no I/O.

What is decided here:

- **One section per output**: its player (the MP4, its cover as the poster), its cover, its
  format and structure, its warnings, then one card per segment in output order.
- **A segment's card** says what an editor checks at a glance: the act and the highlight
  score, the source file and the source and output times, the camera mode and why the
  reframe planner chose it (as the EDL records them; an EDL written before it recorded them
  shows the frame layout alone), the faces framed, and, for a line of dialogue, the caption
  text on screen during it when the output has captions (for any segment: a caption heard
  under a montage shot is worth seeing too).
- **Warnings** are the lint of the EDL (:func:`editor.assemble.summary.lint`), the same lines
  the dry run prints, plus what the page itself could not do (a thumbnail it could not read).
- **Self-contained**: style and script are inline (:mod:`editor.report.style`), thumbnails are
  embedded as ``data:`` JPEGs, and the page names its videos and covers by paths relative to
  itself, so the folder can be moved or copied whole. Every text is escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from editor.assemble.edl import Edl, Segment
from editor.assemble.summary import lint, summary_lines
from editor.report.style import CSS, SCRIPT
from editor.report.tables import outputs_table, series_table


@dataclass(frozen=True)
class OutputPage:
    """One output as the page shows it.

    ``video`` and ``cover`` are paths relative to the page, ``/``-separated (None: not
    made, as on a dry run); ``thumbnails`` holds one JPEG per segment of the EDL, in order
    (None or missing: no picture for that segment); ``episode`` is the episode folder the
    output lives in on a series run ("" for a single run); ``notes`` are warnings the page
    adds to the EDL's own lint."""

    name: str
    edl: Edl
    video: str | None = None
    cover: str | None = None
    thumbnails: tuple[bytes | None, ...] = ()
    episode: str = ""
    notes: tuple[str, ...] = ()


def report_html(
    pages: Sequence[OutputPage], summary: dict | None = None, title: str = "autocut review"
) -> str:
    """The whole review page (module notes). ``summary`` is a series run's ``summary.json``
    content: with it, the run's table is the episodes'; without it, the outputs'."""
    ids = [f"output-{k}" for k in range(1, len(pages) + 1)]
    anchors: dict[tuple[str, str], str] = {}
    for page, anchor in zip(pages, ids):
        anchors.setdefault((page.episode, page.name), anchor)
    table = (
        series_table(summary, anchors)
        if summary is not None
        else outputs_table([(a, p.name, p.edl, warnings(p)) for p, a in zip(pages, ids)])
    )
    count = f"{len(pages)} output{'' if len(pages) == 1 else 's'}"
    sections = "\n".join(output_section(p, a) for p, a in zip(pages, ids))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n<script>{SCRIPT}</script>\n"
        "</head>\n<body>\n"
        '<p id="page-missing" class="missing" hidden></p>\n'
        f'<header><h1>{_e(title)}</h1><p class="muted">{count}</p></header>\n'
        f"<main>\n{table}\n{sections}\n</main>\n"
        '<pre id="page-check" hidden></pre>\n'
        "</body>\n</html>\n"
    )


def warnings(page: OutputPage) -> list[str]:
    """Everything the page warns of for ``page``: the EDL's lint, then the page's notes."""
    return [*lint(page.edl), *page.notes]


def output_section(page: OutputPage, anchor: str) -> str:
    """One output's section: player, cover, facts, warnings and the segment cards."""
    edl = page.edl
    player = (
        f'<video controls preload="metadata" src="{href(page.video)}"'
        + (f' poster="{href(page.cover)}"' if page.cover else "")
        + f' width="270" aria-label="{_e(page.name)}"></video>'
        if page.video
        else '<p class="none">not rendered (a dry run)</p>'
    )
    cover = (
        f'<figure class="cover"><img src="{href(page.cover)}" alt="cover of {_e(page.name)}">'
        f"<figcaption>cover at {edl.cover_time:.2f} s</figcaption></figure>"
        if page.cover
        else ""
    )
    lines = sum(s.line for s in edl.segments)
    cards = ", ".join(f"{c.kind} {c.out_in:.2f}-{c.out_out:.2f} s" for c in edl.cards)
    facts = [
        f"{edl.duration:.2f} s, {edl.width}x{edl.height} at {edl.fps:g} fps",
        f"preset {edl.preset}, seed {edl.seed}, variant {edl.variant + 1}",
        f"{len(edl.segments)} shots, {lines} line{'' if lines == 1 else 's'} of dialogue"
        + (f"; cards: {cards}" if cards else ""),
    ]
    if edl.captions:
        languages = sorted({c.language for c in edl.captions})
        count = len(edl.captions)
        facts.append(f"captions: {', '.join(languages)} ({count} line{'' if count == 1 else 's'})")
    notes = warnings(page)
    warned = (
        '<ul class="warnings">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
        if notes
        else '<p class="none">no warnings</p>'
    )
    where = f'<p class="muted">episode {_e(page.episode)}</p>' if page.episode else ""
    shots = "\n".join(
        shot_item(edl, seg, k, page.thumbnails[k - 1] if k <= len(page.thumbnails) else None)
        for k, seg in enumerate(edl.segments, start=1)
    )
    dry = _e("\n".join(summary_lines(page.name, edl)))
    return (
        f'<section class="output" id="{anchor}">\n'
        f"<h2>{_e(page.name)}</h2>{where}\n"
        f'<div class="top">{player}{cover}<div class="about">'
        + "".join(f"<p>{_e(f)}</p>" for f in facts)
        + f"<h3>Warnings</h3>{warned}"
        + f"<details><summary>Plan summary</summary><pre>{dry}</pre></details>"
        + f'</div></div>\n<h3>Shots</h3>\n<ol class="shots">\n{shots}\n</ol>\n</section>'
    )


def shot_item(edl: Edl, seg: Segment, number: int, thumbnail: bytes | None) -> str:
    """The card of segment ``number`` (from 1) of ``edl`` (module notes)."""
    alt = f"shot {number} at {seg.out_in:.2f} s"
    picture = (
        f'<img class="thumb" src="{data_uri(thumbnail)}" alt="{_e(alt)}">'
        if thumbnail
        else '<div class="thumb">no picture</div>'
    )
    mode, reason = camera_of(seg)
    faces = f"{seg.faces} face{'' if seg.faces == 1 else 's'} framed"
    rows = [
        f'<p class="head">{number}. {_e(seg.act)} <span class="tag">score {seg.score:.2f}</span>'
        + (' <span class="tag">line</span>' if seg.line else "")
        + "</p>",
        f'<p title="{_e(seg.source)}">{_e(file_name(seg.source))}</p>',
        f"<p>source {seg.src_in:.2f}-{seg.src_out:.2f} s</p>",
        f"<p>output {seg.out_in:.2f}-{seg.out_out:.2f} s</p>",
        f"<p>camera <b>{_e(mode)}</b> · {_e(faces)}</p>",
        f'<p class="reason">{_e(reason)}</p>' if reason else "",
    ]
    rows.append(f"<p>sound: {_e(sound_of(seg))}</p>")
    heard = heard_during(edl, seg)
    if heard:
        rows.append(f'<p class="heard">“{_e(" / ".join(heard))}”</p>')
    kind = "shot line" if seg.line else "shot"
    return f'<li class="{kind}">{picture}<div>{"".join(rows)}</div></li>'


def sound_of(seg: Segment) -> str:
    """What is heard under ``seg``: a line of dialogue (and the source seconds of its
    sound), the footage's own sound, or the music alone."""
    if seg.line:
        lo, hi = seg.sound_span
        return f"line of dialogue ({lo:.2f}-{hi:.2f} s)"
    return "its own" if seg.audio else "music only"


def camera_of(seg: Segment) -> tuple[str, str]:
    """The camera mode shown for ``seg`` and its reason: as the EDL records them, else (an
    older EDL) the layout of its first frame, saying the reason was not recorded."""
    layout = seg.frames[0].layout if seg.frames else "?"
    if not seg.camera:
        return layout, "reason not recorded in this EDL"
    shown = seg.camera if seg.camera == layout else f"{seg.camera} ({layout})"
    return shown, seg.reason


def heard_during(edl: Edl, seg: Segment) -> list[str]:
    """The caption texts on screen while ``seg`` is, in time order, each on one line."""
    return [
        " ".join(c.text.split())
        for c in sorted(edl.captions, key=lambda c: (c.out_in, c.language))
        if c.out_in < seg.out_out and c.out_out > seg.out_in
    ]


def file_name(source: str) -> str:
    """The last part of a source's path, whichever system's separators it uses."""
    return PurePosixPath(source.replace("\\", "/")).name


def href(path: str) -> str:
    """A relative path as an attribute value: each part percent-encoded, then escaped, so
    names with spaces, ``#`` or ``?`` still point at their file."""
    return _e(quote(path, safe="/"))


def data_uri(jpeg: bytes) -> str:
    """A JPEG as a ``data:`` URI (the page embeds its thumbnails)."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
