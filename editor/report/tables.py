"""The run's table at the top of the review page. Pure, no I/O.

A series run is summed up by its episodes, read from the ``summary.json`` content
(:mod:`editor.batch.series`, version 1): one row per episode with its status, its outputs
and their lengths, its warnings (or, failed, its error) and the seconds each stage took,
then the inputs that held no episode and the totals, as the terminal's summary table says
them. A single run is summed up by its outputs. Each output named links to its section
of the page when the page shows it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from editor.assemble.edl import Edl

STATUSES = ("done", "partial", "failed")


def series_table(summary: Mapping, anchors: Mapping[tuple[str, str], str]) -> str:
    """The episodes of a series run's ``summary`` (module notes); ``anchors`` are the
    sections' ids by (episode, output name)."""
    rows = []
    for ep in summary.get("episodes", ()):
        episode = str(ep.get("episode", ""))
        status = str(ep.get("status", ""))
        tag = status if status in STATUSES else ""
        kept = ' <span class="tag">kept</span>' if ep.get("kept") else ""
        outputs = [
            _linked(anchors.get((episode, str(out.get("name", "")))), str(out.get("name", "")))
            + (f" {float(out['duration']):.1f} s" if out.get("duration") is not None else "")
            for out in ep.get("outputs", ())
        ]
        notes = [str(w) for w in ep.get("warnings", ())]
        error = str(ep.get("error") or "")
        stages = [f"{_e(k)} {float(v):.1f} s" for k, v in dict(ep.get("stages", {})).items()]
        rows.append(
            f"<tr><td>{_e(episode)}</td>"
            f'<td><span class="tag {tag}">{_e(status)}</span>{kept}</td>'
            f"<td>{_list(outputs, raw=True)}</td>"
            f"<td>{_list(notes, error=error)}</td>"
            f'<td class="number">{"<br>".join(stages)}</td>'
            f'<td class="number">{float(ep.get("seconds", 0.0)):.1f} s</td></tr>'
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("Episode", "Status", "Outputs", "Warnings", "Stages", "Time")
    )
    unplaced = [
        f"{x.get('input', '')}: {x.get('error', '')}" for x in summary.get("not_episodes", ())
    ]
    extra = "<h3>Inputs that hold no episode</h3>" + _list(unplaced) if unplaced else ""
    return (
        f'<section class="run"><h2>Series run</h2><p>{_e(_totals(summary))}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{extra}</section>"
    )


def _totals(summary: Mapping) -> str:
    """The totals line: episodes by status, outputs and seconds in all."""
    totals = summary.get("totals", {})
    episodes = summary.get("episodes", ())
    count = totals.get("episodes", len(episodes))
    parts = [f"{totals.get(s, sum(e.get('status') == s for e in episodes))} {s}" for s in STATUSES]
    outputs = totals.get("outputs", sum(len(e.get("outputs", ())) for e in episodes))
    seconds = float(totals.get("seconds", sum(e.get("seconds", 0.0) for e in episodes)))
    return (
        f"{count} episode{'' if count == 1 else 's'} ({', '.join(parts)}), "
        f"{outputs} output{'' if outputs == 1 else 's'}, {seconds:.1f} s in all"
    )


def outputs_table(rows: Sequence[tuple[str, str, Edl, Sequence[str]]]) -> str:
    """The outputs of a single run: per ``(anchor, name, EDL, warnings)`` its length, shots,
    lines of dialogue and how many warnings."""
    body = "".join(
        f"<tr><td>{_linked(anchor, name)}</td>"
        f'<td class="number">{edl.duration:.2f} s</td>'
        f'<td class="number">{len(edl.segments)}</td>'
        f'<td class="number">{sum(s.line for s in edl.segments)}</td>'
        f'<td class="number">{len(notes)}</td></tr>'
        for anchor, name, edl, notes in rows
    )
    head = "".join(f"<th>{h}</th>" for h in ("Output", "Length", "Shots", "Lines", "Warnings"))
    return (
        '<section class="run"><h2>Outputs</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _linked(anchor: str | None, name: str) -> str:
    return f'<a href="#{_e(anchor)}">{_e(name)}</a>' if anchor else _e(name)


def _list(items: Sequence[str], raw: bool = False, error: str = "") -> str:
    """Items as a list (``raw``: already HTML); an ``error`` first, marked as one."""
    shown = [f'<li><span class="tag failed">error</span> {_e(error)}</li>'] if error else []
    shown += [f"<li>{item if raw else _e(item)}</li>" for item in items]
    return f"<ul>{''.join(shown)}</ul>" if shown else '<span class="none">none</span>'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
