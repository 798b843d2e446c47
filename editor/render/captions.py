"""Captions as subtitle tracks: the EDL's caption events written as one SubRip text per
language, the form both the retimed ``.srt`` files and the MP4's soft tracks (``mov_text``,
which players switch on and off) are made from, so the two always agree."""

from __future__ import annotations

from editor.assemble.edl import Edl
from editor.subtitles import Cue, srt_text


def caption_tracks(edl: Edl) -> dict[str, str]:
    """SubRip text per language of ``edl``'s captions, languages in sorted order."""
    by_language: dict[str, list[Cue]] = {}
    for caption in edl.captions:
        by_language.setdefault(caption.language, []).append(
            Cue(caption.out_in, caption.out_out, caption.text)
        )
    return {language: srt_text(cues) for language, cues in sorted(by_language.items())}
