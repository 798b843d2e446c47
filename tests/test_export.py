"""The cut handed to editing programs (``.otio``, ``.fcpxml``, CMX ``.edl``), read back.

Every check runs on EDLs planned from the bundled sample footage (analysed once, through
the test session's analysis cache) at 24, 25, 30 and 30000/1001 fps, and compares what a
reader gets from each file with the EDL itself, frame by frame.
"""

from __future__ import annotations

import dataclasses
import math
import os
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio
import pytest

from editor.assemble.edl import Edl
from editor.assemble.trailer import plan_trailer
from editor.export import EXPORT_FORMATS, export_text, timeline_of, write_exports
from editor.export.keyframes import Keyframe, window_at
from editor.export.rates import rate_of
from editor.pipeline import analyse_inputs
from editor.preset import load_preset
from tests.conftest import SAMPLE_FOOTAGE

RATES = (24.0, 25.0, 30.0, 30000 / 1001)
EXACT = {
    24.0: Fraction(24),
    25.0: Fraction(25),
    30.0: Fraction(30),
    30000 / 1001: Fraction(30000, 1001),
}
"""The rate each file must be at, as editing programs know it."""
CASES = ("crossfades", "dialogue", "dips")
"""The trailer preset without dialogue (crossfades in its first act, dips at the cards),
with dialogue (lines with J and L cuts, sound on some segments only), and with dips between
the shots of every act."""


@pytest.fixture(scope="module")
def analyses():
    found, skipped = analyse_inputs([SAMPLE_FOOTAGE])
    assert not skipped
    return found


@pytest.fixture(scope="module")
def edls(analyses) -> dict[tuple[str, float], Edl]:
    base = load_preset("trailer")
    out = {}
    for fps in RATES:
        preset = dataclasses.replace(base, output=dataclasses.replace(base.output, fps=fps))
        out["crossfades", fps] = plan_trailer(analyses, preset, dialogue=False)
        out["dialogue", fps] = plan_trailer(analyses, preset)
        dips = tuple(dataclasses.replace(a, transition="dip") for a in preset.acts)
        out["dips", fps] = plan_trailer(analyses, dataclasses.replace(preset, acts=dips),
                                        dialogue=False)  # fmt: skip
    return out


def frame(seconds: float, fps: float) -> int:
    """Output frame of an EDL time: nearest, halves up (the EDL rounds to microseconds)."""
    return math.floor(seconds * fps + 0.5 + 1e-4)


# --- what the EDL says -------------------------------------------------------------------


def expected_clips(edl: Edl) -> list[dict]:
    """Each segment as a reader must find it: its file, the record and source frames it is
    on screen for (transitions included), and where its cuts are (the middle of a
    crossfade's overlap)."""
    fps = edl.fps
    spans = [(frame(s.out_in, fps), frame(s.out_out, fps)) for s in edl.segments]
    cards = [(frame(c.out_in, fps), frame(c.out_out, fps)) for c in edl.cards]
    for a, b in spans:  # the planned EDLs here never run footage under a card
        assert all(b <= c0 or a >= c1 for c0, c1 in cards)
    out = []
    for i, (seg, (a, b)) in enumerate(zip(edl.segments, spans)):
        src = frame(seg.src_in, fps)
        cut_in = (a + spans[i - 1][1]) // 2 if i and spans[i - 1][1] > a else a
        nxt = spans[i + 1][0] if i + 1 < len(spans) else b
        cut_out = (nxt + b) // 2 if nxt < b else b
        out.append({
            "file": Path(seg.source).name,
            "record": (a, b),
            "source": (src, frame(seg.src_out, fps)),
            "cut": (cut_in, cut_out),
            "crossfade_in": bool(i) and spans[i - 1][1] > a,
        })  # fmt: skip
    return out


def dip_halves(edl: Edl) -> int:
    """Fades to or from black the EDL's dips make (a card takes the black side)."""
    count = 0
    for seg in edl.segments:
        count += (seg.enter.kind == "dip") + (seg.leave.kind == "dip")
    return count


# --- what a reader finds -----------------------------------------------------------------


def read_clips(timeline: otio.schema.Timeline, rate: float | None = None) -> list[dict]:
    """The source clips of the picture track, with their cuts and what they show with the
    transitions around them (OpenTimelineIO's rule: a transition shows ``in_offset`` of the
    next item before the cut and ``out_offset`` of the previous one after it). Black (gaps,
    CMX's BL reel) is not a source clip. With ``rate``, every clip's times must be at it."""
    track = timeline.video_tracks()[0]
    items = list(track)
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, otio.schema.Clip) or is_black(item):
            continue
        before = items[i - 1] if i else None
        after = items[i + 1] if i + 1 < len(items) else None
        head = frames(before.in_offset) if isinstance(before, otio.schema.Transition) else 0
        tail = frames(after.out_offset) if isinstance(after, otio.schema.Transition) else 0
        rec = item.range_in_parent()
        if rate is not None:
            assert item.source_range.start_time.rate == rec.start_time.rate == rate
        a, b = frames(rec.start_time), frames(rec.end_time_exclusive())
        s = frames(item.source_range.start_time)
        out.append({
            "file": source_name(item),
            "record": (a - head, b + tail),
            "source": (s - head, s + b - a + tail),
            "cut": (a, b),
            "crossfade_in": isinstance(before, otio.schema.Transition)
            and not is_black(items[i - 2]),
        })  # fmt: skip
    return out


def is_black(item) -> bool:
    if isinstance(item, otio.schema.Gap):
        return True
    return isinstance(item, otio.schema.Clip) and isinstance(
        item.media_reference, otio.schema.GeneratorReference
    )


def fades(timeline: otio.schema.Timeline) -> int:
    """Transitions with black on one side."""
    items = list(timeline.video_tracks()[0])
    return sum(
        1
        for i, t in enumerate(items)
        if isinstance(t, otio.schema.Transition)
        and (is_black(items[i - 1]) or is_black(items[i + 1]))
    )


def source_name(clip: otio.schema.Clip) -> str:
    """The file a clip plays. OpenTimelineIO's CMX reader takes a dissolve's media from its
    ``FROM`` comments (the outgoing side), so autocut writes the incoming file as
    ``* TO FILE`` there, which the reader keeps among the clip's comments."""
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference) and ref.target_url:
        return Path(unquote(urlparse(ref.target_url).path)).name
    comments = clip.metadata.get("cmx_3600", {}).get("comments", [])
    files = [c.split("TO FILE:", 1)[1].strip() for c in comments if "TO FILE:" in c]
    assert len(files) == 1, comments
    return Path(files[0]).name


def frames(time: otio.opentime.RationalTime) -> int:
    value = time.value
    assert abs(value - round(value)) < 1e-6, time
    return round(value)


def read_back(edl: Edl, fmt: str) -> otio.schema.Timeline:
    """The file of ``fmt`` read back: with OpenTimelineIO's own reader of the format, except
    FCPXML (:func:`read_fcpxml`)."""
    text = export_text(edl, "cut", fmt)
    if fmt == "otio":
        return otio.adapters.read_from_string(text, adapter_name="otio_json")
    if fmt == "edl":
        return otio.adapters.read_from_string(
            text, adapter_name="cmx_3600", rate=float(EXACT[edl.fps])
        )
    return read_fcpxml(text, edl.fps)


def read_fcpxml(text: str, fps: float) -> otio.schema.Timeline:
    """A strict reading of autocut's FCPXML. OpenTimelineIO's FCPXML reader drops
    transitions and, at 30000/1001 fps, reads times at 29 fps (frames come back wrong), so
    this parse is the check at every rate; :func:`test_fcpxml_reads_the_same_through_otio`
    also reads the files through OpenTimelineIO at the whole-number rates.

    Every time must be an exact multiple of the frame duration, every storyline item must
    start where the one before it ends, every transition must span a cut."""
    exact = EXACT[fps]
    root = ET.fromstring(text)
    assert root.tag == "fcpxml"
    fmt = root.find("resources/format")
    assert fmt is not None and parse_time(fmt.get("frameDuration")) == 1 / exact
    assets = {a.get("id"): a.get("src") for a in root.iter("asset")}

    def at(element, name) -> int:
        value = parse_time(element.get(name, "0s")) * exact
        assert value.denominator == 1, (name, element.attrib)
        return int(value)

    def t(n: int) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(n, float(exact))

    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    spine = root.find("library/event/project/sequence/spine")
    assert spine is not None
    cursor, pending = 0, None
    for element in spine:
        if element.tag == "transition":
            start, length = at(element, "offset"), at(element, "duration")
            assert start <= cursor <= start + length
            pending = otio.schema.Transition(in_offset=t(cursor - start),
                                             out_offset=t(start + length - cursor))  # fmt: skip
            continue
        assert at(element, "offset") == cursor, element.attrib
        length = at(element, "duration")
        if element.tag == "gap":
            item = otio.schema.Gap(source_range=otio.opentime.TimeRange(t(0), t(length)))
        else:
            assert element.tag == "asset-clip"
            item = otio.schema.Clip(
                name=element.get("name"),
                media_reference=otio.schema.ExternalReference(
                    target_url=assets[element.get("ref")]
                ),
                source_range=otio.opentime.TimeRange(t(at(element, "start")), t(length)),
            )
        if pending is not None:
            track.append(pending)
            pending = None
        track.append(item)
        cursor += length
    timeline = otio.schema.Timeline()
    timeline.tracks.append(track)
    return timeline


def parse_time(value: str | None) -> Fraction:
    assert value is not None and value.endswith("s"), value
    return Fraction(value[:-1])


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("fps", RATES, ids=lambda f: f"{f:.3f}")
@pytest.mark.parametrize("case", CASES)
def test_every_format_reads_back_as_the_same_cut(edls, case, fps, fmt):
    edl = edls[case, fps]
    want = expected_clips(edl)
    timeline = read_back(edl, fmt)
    got = read_clips(timeline, float(EXACT[fps]) if fmt == "otio" else None)
    assert [c["file"] for c in got] == [c["file"] for c in want]
    for g, w in zip(got, want):
        assert g["record"] == w["record"] and g["source"] == w["source"], (g, w)
        assert g["crossfade_in"] == w["crossfade_in"], (g, w)
        if fmt != "edl":  # a CMX list starts each dissolve at its cut; the frames shown agree
            assert g["cut"] == w["cut"], (g, w)
    assert fades(timeline) == dip_halves(edl)
    if case == "crossfades":
        assert sum(c["crossfade_in"] for c in want) >= 3
    if case == "dips":
        assert dip_halves(edl) > 4


def test_cases_cover_the_joins_at_every_rate(edls):
    """The checks above see crossfades, dips between shots, cards and lines at every rate,
    and frame counts that differ between the rates (so a wrong rate cannot pass)."""
    for fps in RATES:
        assert any(s.enter.kind == "crossfade" for s in edls["crossfades", fps].segments)
        assert any(s.line for s in edls["dialogue", fps].segments)
        assert len(edls["crossfades", fps].cards) == 2
    totals = {frame(edls["crossfades", fps].duration, fps) for fps in RATES}
    assert totals == {720, 750, 900, 899}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("fps", RATES, ids=lambda f: f"{f:.3f}")
def test_cards_are_gaps_of_their_length_at_their_record_times(edls, fps, fmt):
    edl = edls["crossfades", fps]
    timeline = read_back(edl, fmt)
    clips = read_clips(timeline)
    for card in edl.cards:
        span = (frame(card.out_in, fps), frame(card.out_out, fps))
        assert span[1] - span[0] == round((card.out_out - card.out_in) * fps) > 0
        for clip in clips:  # no footage on screen over a card
            assert clip["record"][1] <= span[0] or clip["record"][0] >= span[1], (clip, span)
        if fmt == "edl":
            continue  # a CMX list has no gaps: its record times skip the card
        gaps = [
            (
                frames(g.range_in_parent().start_time),
                frames(g.range_in_parent().end_time_exclusive()),
            )
            for g in timeline.video_tracks()[0]
            if isinstance(g, otio.schema.Gap)
        ]
        assert span in gaps
    if fmt == "otio":
        notes = [
            g.metadata["autocut"]
            for g in timeline.video_tracks()[0]
            if isinstance(g, otio.schema.Gap)
        ]
        assert [n["card"] for n in notes] == [c.kind for c in edl.cards]
        assert [[x["text"] for x in n["texts"]] for n in notes] == [
            [x.text for x in c.texts] for c in edl.cards
        ]


@pytest.mark.parametrize("fps", RATES, ids=lambda f: f"{f:.3f}")
@pytest.mark.parametrize("case", ("crossfades", "dialogue"))
def test_otio_keyframes_give_back_every_frames_window(edls, case, fps):
    edl = edls[case, fps]
    timeline = read_back(edl, "otio")
    clips = [c for c in timeline.video_tracks()[0].find_clips()]
    assert len(clips) == len(edl.segments)
    stored = total = 0
    for clip, seg in zip(clips, edl.segments):
        notes = clip.metadata["autocut"]
        assert (notes["act"], notes["score"], notes["line"]) == (seg.act, seg.score, seg.line)
        reframe = notes["reframe"]
        assert reframe["first_frame"] == frame(seg.out_in, fps)
        assert reframe["frame_count"] == len(seg.frames)
        keys = [Keyframe.from_dict(k) for k in reframe["keyframes"]]
        for k, framing in enumerate(seg.frames):
            layout, boxes = window_at(keys, k)
            assert layout == framing.layout
            assert len(boxes) == len(framing.boxes)
            for got, want in zip(boxes, framing.boxes):
                assert max(abs(a - b) for a, b in zip(got, want)) <= 1.0, (k, got, want)
        stored, total = stored + len(keys), total + len(seg.frames)
    assert stored < total / 3  # keyframes, not every frame again


@pytest.mark.parametrize("fps", RATES, ids=lambda f: f"{f:.3f}")
def test_sound_plays_in_sync_from_where_the_edl_plays_it(edls, fps):
    edl = edls["dialogue", fps]
    timeline = read_back(edl, "otio")
    heard = {}
    for track in timeline.audio_tracks():
        for clip in track.find_clips():
            rec = clip.range_in_parent()
            heard[clip.metadata["autocut"]["segment"]] = (
                frames(rec.start_time),
                frames(rec.end_time_exclusive()),
                frames(clip.source_range.start_time),
            )
    assert set(heard) == {i for i, s in enumerate(edl.segments) if s.audio}
    split = 0
    for i, (a, b, src) in heard.items():
        seg = edl.segments[i]
        lo, hi = seg.sound_at
        assert (a, b) == (frame(lo, fps), frame(hi, fps))
        assert src - a == frame(seg.src_in, fps) - frame(seg.out_in, fps)  # in sync
        split += (a, b) != (frame(seg.out_in, fps), frame(seg.out_out, fps))
    fcpxml = ET.fromstring(export_text(edl, "cut", "fcpxml"))
    clips = list(fcpxml.iter("asset-clip"))
    assert sum(c.get("srcEnable") == "video" for c in clips) == len(edl.segments) - len(heard)
    assert sum(c.get("audioStart") is not None for c in clips) == split


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside the adapter
@pytest.mark.parametrize("fps", (24.0, 25.0, 30.0))
def test_fcpxml_reads_the_same_through_otio(edls, fps):
    """OpenTimelineIO's FCPXML reader (whole-number rates, where it keeps frames) finds the
    same clips, files and cut points as the strict reading; it drops transitions, and the
    black after the last clip (the end card), which it only reads between clips."""
    edl = edls["crossfades", fps]
    text = export_text(edl, "cut", "fcpxml")
    mine = read_fcpxml(text, fps).video_tracks()[0]
    theirs = otio.adapters.read_from_string(text, adapter_name="fcpx_xml")
    if isinstance(theirs, otio.schema.SerializableCollection):
        (theirs,) = theirs.find_children(descended_from_type=otio.schema.Timeline)

    def cuts(track):
        items = list(track)
        while isinstance(items[-1], otio.schema.Gap):
            items.pop()
        return [
            (type(i).__name__, getattr(i, "name", "") if isinstance(i, otio.schema.Clip) else "",
             frames(i.range_in_parent().start_time), frames(i.trimmed_range().duration))
            for i in items if not isinstance(i, otio.schema.Transition)
        ]  # fmt: skip

    assert cuts(theirs.video_tracks()[0]) == cuts(mine)


def test_rates_are_exact():
    assert rate_of(29.97).exact == Fraction(30000, 1001)
    assert rate_of(30000 / 1001).exact == Fraction(30000, 1001)
    assert rate_of(23.976).exact == Fraction(24000, 1001)
    assert rate_of(59.94).exact == Fraction(60000, 1001)
    assert rate_of(24.0).exact == 24 and rate_of(25.0).exact == 25 and rate_of(30.0).exact == 30
    assert rate_of(12.5).exact == Fraction(25, 2)
    edl = Edl("x", 0, 0, 1.0, 1080, 1920, 29.97, 1, 1, "fast", ())
    assert 'frameDuration="1001/30000s"' in export_text(edl, "x", "fcpxml")


def test_write_exports_writes_every_format_beside_the_base(edls, tmp_path, monkeypatch):
    edl = edls["crossfades", 30.0]
    monkeypatch.chdir(SAMPLE_FOOTAGE.parent.parent)
    segments = tuple(dataclasses.replace(s, source=os.path.relpath(s.source)) for s in edl.segments)
    relative = dataclasses.replace(edl, segments=segments)
    assert not any(Path(s.source).is_absolute() for s in segments)
    base = tmp_path / "out" / "clip.v1_trailer"
    written = write_exports(relative, base, ["edl", "otio", "fcpxml", "otio"])
    assert written == [base.parent / f"clip.v1_trailer.{x}" for x in ("edl", "otio", "fcpxml")]
    assert sorted(p.name for p in base.parent.iterdir()) == sorted(p.name for p in written)
    timeline = otio.adapters.read_from_file(str(written[1]))
    urls = {c.media_reference.target_url for c in timeline.find_clips()}
    assert urls and all(Path(u).is_absolute() and Path(u).is_file() for u in urls)
    assert timeline.name == "clip.v1_trailer"
    assert timeline_of(edl, "x").video_tracks()[0].duration().to_frames() == 900
    with pytest.raises(ValueError, match="unknown export format"):
        write_exports(edl, base, ["aaf"])
