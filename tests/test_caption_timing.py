"""Subtitle lines carried through a cut: shown while heard, on frames, readable, one at a time."""

from __future__ import annotations

import pytest

from editor.assemble.edl import Card, Edl, Framing, Join, Segment, Still
from editor.captions.lines import reading_length
from editor.captions.timing import caption_events
from editor.preset import Captions
from editor.subtitles import Cue

FPS = 30.0
RULES = Captions(min_on_screen=0.8, reading_speed=20.0)
WIDE = Framing("track", ((0.0, 0.0, 608.0, 1080.0),))


def segment(src_in, src_out, out_in, *, source="ep01.mp4", audio=True, sound=None):
    sound_in, sound_out = sound if sound else (None, None)
    return Segment(
        source, src_in, src_out, out_in, out_in + src_out - src_in, 0, "main", 0.5, audio,
        Join(), Join(), (WIDE,), line=sound is not None, sound_in=sound_in, sound_out=sound_out,
    )  # fmt: skip


def card(out_in, out_out):
    return Card("title", out_in, out_out, (), Still("ep01.mp4", 0.0, WIDE), Join(), Join())


def edl(segments, cards=(), duration=20.0):
    return Edl(
        "trailer", 0, 0, duration, 1080, 1920, FPS, 8000, 192, "veryfast", tuple(segments),
        tuple(cards),
    )  # fmt: skip


def times(captions):
    return [(c.text, c.out_in, c.out_out) for c in captions]


def test_a_line_heard_whole_moves_with_its_segment_onto_output_frames():
    cues = {"ep01.mp4": [Cue(10.51, 12.02, "We leave at dawn.")]}
    captions = caption_events(edl([segment(10.0, 14.0, 3.0)]), cues, "en", RULES)
    assert times(captions) == [("We leave at dawn.", round(105 / 30, 6), round(151 / 30, 6))]
    assert captions[0].language == "en"
    x, y, w, h = captions[0].box
    assert x >= 0 and x + w <= 1080 and y > 1250 * 0.7 and y + h <= 1250


def test_a_line_is_shown_only_while_its_sound_plays():
    cues = {"ep01.mp4": [Cue(10.5, 12.0, "Under music, unheard.")]}
    assert caption_events(edl([segment(10.0, 14.0, 3.0, audio=False)]), cues, "en", RULES) == ()
    # A J cut: the line's sound starts half a second before its picture.
    cues = {"ep01.mp4": [Cue(9.5, 11.0, "Heard before seen.")]}
    split = segment(10.0, 12.0, 3.0, sound=(9.5, 12.0))
    assert times(caption_events(edl([split]), cues, "en", RULES)) == [
        ("Heard before seen.", 2.5, 4.0)
    ]


@pytest.mark.parametrize(
    ("cue_end", "kept"),
    [(12.0, True), (10.6, False)],  # 2 s left on screen, or 0.6 s (under the 0.8 s minimum)
)
def test_a_line_cut_by_the_edit_stays_only_if_it_can_be_read(cue_end, kept):
    cues = {"ep01.mp4": [Cue(9.0, cue_end, "Cut short.")]}
    captions = caption_events(edl([segment(10.0, 14.0, 3.0)]), cues, "en", RULES)
    assert bool(captions) == kept


def test_a_long_line_cut_short_is_dropped_when_it_reads_too_fast():
    text = "A long line of dialogue that nobody could read in one second."
    cues = {"ep01.mp4": [Cue(12.0, 20.0, text)]}
    assert caption_events(edl([segment(10.0, 13.0, 3.0)]), cues, "en", RULES) == ()
    assert caption_events(edl([segment(10.0, 16.0, 3.0)]), cues, "en", RULES) != ()


def test_no_line_sits_on_a_card():
    cues = {"ep01.mp4": [Cue(10.0, 13.0, "Before the end card.")]}
    captions = caption_events(edl([segment(10.0, 14.0, 3.0)], [card(5.0, 8.0)]), cues, "en", RULES)
    assert times(captions) == [("Before the end card.", 3.0, 5.0)]


def test_lines_never_overlap_and_a_crossfade_shows_a_line_once():
    cues = {"ep01.mp4": [Cue(10.0, 12.0, "First."), Cue(11.5, 13.5, "Second.")]}
    captions = caption_events(edl([segment(10.0, 14.0, 0.0)]), cues, "en", RULES)
    assert times(captions) == [("First.", 0.0, 1.5), ("Second.", 1.5, 3.5)]
    # Two segments crossfading over the same line: one caption, as long as it is heard.
    cues = {"ep01.mp4": [Cue(11.0, 13.0, "Across the join.")]}
    joined = [segment(10.0, 12.3, 0.0), segment(12.0, 14.0, 2.0)]
    assert times(caption_events(edl(joined), cues, "en", RULES)) == [("Across the join.", 1.0, 3.0)]


def test_lines_of_other_sources_stay_with_their_source():
    cues = {"ep02.mp4": [Cue(10.0, 12.0, "Another episode.")]}
    assert caption_events(edl([segment(10.0, 14.0, 0.0)]), cues, "en", RULES) == ()


def test_wide_characters_count_double_for_reading_speed():
    assert reading_length("Run!\nNow") == 7
    assert reading_length("快跑！") == 6
    assert reading_length("วิ่ง") == 4
