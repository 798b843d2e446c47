"""Which edits to make when several variants of one output are asked for.

Variant ``k`` of a plan opens on a different one of the best shots and reorders the rest
(:func:`editor.assemble.trailer.plan_trailer`), but footage with few usable shots has only
so many different edits in it: past that, further variants repeat earlier ones. An ad test
gains nothing from two identical files, so a variant whose timeline repeats an earlier one
is passed over and the next variant index is tried, up to :data:`TRIES_PER_VARIANT` tries
for each edit asked for. The edits found are numbered in order; when there are fewer than
asked for, the caller says so.
"""

from __future__ import annotations

from collections.abc import Callable

from editor.assemble.edl import Edl

MAX_VARIANTS = 20
"""Most variants one run makes: enough for any ad test, few enough that a typo (1000) does
not start hours of rendering."""
TRIES_PER_VARIANT = 4
"""Variant indices tried per edit asked for before giving up on finding more new edits."""


def distinct_edits(plan: Callable[[int], Edl], count: int) -> list[Edl]:
    """Up to ``count`` edits ``plan(variant)`` for variant indices 0, 1, 2, ..., skipping any
    whose timeline (segments and cards) repeats an earlier one's."""
    edits: list[Edl] = []
    seen: set[tuple] = set()
    for variant in range(count * TRIES_PER_VARIANT):
        if len(edits) == count:
            break
        edl = plan(variant)
        timeline = (edl.segments, edl.cards)
        if timeline in seen:
            continue
        seen.add(timeline)
        edits.append(edl)
    return edits
