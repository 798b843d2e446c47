"""Which subtitle file is which language, for which video."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.captions.languages import (
    language_in_name,
    match_subtitles,
    parse_subs_option,
    track_language,
)
from editor.errors import AutocutError


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("ep01.th.srt", "th"), ("ep01.zh-Hans.vtt", "zh-Hans"), ("ep01.pt-BR.ass", "pt-BR"),
        ("Ep 01.fil.SRT", "fil"), ("ep01.srt", None), ("ep01.final.srt", None),
        ("th.srt", None), ("ep01.t.srt", None),
    ],
)  # fmt: skip
def test_the_language_comes_from_the_name(name, language):
    assert language_in_name(Path(name)) == language


def test_a_language_can_be_given_with_the_file():
    assert parse_subs_option("th=subs/ep01.srt") == ("th", Path("subs/ep01.srt"))
    assert parse_subs_option("subs/ep01.th.srt") == (None, Path("subs/ep01.th.srt"))
    assert parse_subs_option("my show=1.srt") == (None, Path("my show=1.srt"))


def _touch(folder: Path, *names: str) -> list[Path]:
    paths = [folder / n for n in names]
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    return paths


def test_files_go_to_the_video_they_are_named_after(tmp_path):
    ep1, ep2, th1, th2, es2 = _touch(
        tmp_path, "ep01.mp4", "ep02.mp4", "ep01.th.srt", "ep02.th.srt", "x/ep02.es.vtt"
    )
    found = match_subtitles([ep1, ep2], [str(th1), str(th2), f"es={es2}"])
    assert [(s.video.name, s.language, s.path) for s in found] == [
        ("ep01.mp4", "th", th1), ("ep02.mp4", "es", es2), ("ep02.mp4", "th", th2),
    ]  # fmt: skip


def test_a_folder_finds_the_files_beside_each_video(tmp_path):
    ep1, sub, *_ = _touch(
        tmp_path, "show/ep01.mp4", "show/ep01.ja.srt", "show/ep01.notes.txt", "show/ep01.srt"
    )
    found = match_subtitles([ep1], [], [tmp_path / "show"])
    assert [(s.video, s.language, s.path) for s in found] == [(ep1, "ja", sub)]
    assert match_subtitles([ep1], []) == []  # a video given by itself: only --subs


def test_what_cannot_be_matched_is_one_clear_error(tmp_path):
    ep1, ep2, plain, th, th_again = _touch(
        tmp_path, "ep01.mp4", "ep02.mp4", "plain.srt", "ep01.th.srt", "other.th.srt"
    )
    with pytest.raises(AutocutError, match="names no language"):
        match_subtitles([ep1], [str(plain)])
    with pytest.raises(AutocutError, match="no such subtitle file"):
        match_subtitles([ep1], [str(tmp_path / "gone.th.srt")])
    with pytest.raises(AutocutError, match="fits none of the videos"):
        match_subtitles([ep1, ep2], [str(th_again)])
    with pytest.raises(AutocutError, match=r"a second th subtitle file for ep01\.mp4"):
        match_subtitles([ep1], [str(th), str(th_again)])


def test_tracks_are_tagged_with_three_letter_codes():
    assert [track_language(t) for t in ("en", "zh-Hans", "th", "fil", "xx")] == [
        "eng", "chi", "tha", "fil", "und",
    ]  # fmt: skip
