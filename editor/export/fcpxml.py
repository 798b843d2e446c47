"""An exported timeline as Final Cut Pro X XML (``<name>.fcpxml``). Pure.

Written here, not by OpenTimelineIO's FCPXML adapter: at 30000/1001 fps it does not keep
frames (its reader counts that rate as 29 fps), its reader drops transitions, and its
writer needs each file's length, which an EDL does not know. What is decided here:

- **Times** are exact rational seconds, whole frames of the output's exact rate
  (``1001/30000s`` a frame at 29.97): ``offset`` on the timeline, ``start`` in the source
  (counted from the file's first frame), ``duration``.
- **Story.** The primary storyline holds the picture track as it is: an ``asset-clip`` per
  clip, a ``gap`` per card or black, a ``transition`` (Final Cut Pro's own Cross Dissolve:
  to or from a gap it is a fade to or from black) per transition, laid
  from its first frame before the cut to its last after it, so the clips keep their cut
  points and the dissolves reach into the same media the timeline's do.
- **Sound** plays with its picture: a clip's sound is its own (mixed across dissolves as the
  dissolve mixes the picture); a line of dialogue whose sound starts or ends apart from its
  picture is a split edit (``audioStart``, ``audioDuration``); a clip whose sound does not
  play is ``srcEnable="video"``. A music file is a clip connected below the storyline.
- **Files.** One ``asset`` per source file, its ``src`` the path as a ``file://`` URL when
  it is absolute, and a length that holds every frame the cut uses.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import PurePath
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

import opentimelineio as otio

from editor.export.rates import Rate
from editor.export.timeline import KEY

CROSS_DISSOLVE = "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"
"""Final Cut Pro's identifier of its built-in Cross Dissolve."""
FCPXML_VERSION = "1.8"
"""The format version written: read by Final Cut Pro 10.4 on, and by the other programs
that import FCPXML (whose readers know the ``src`` of an asset, as 1.8 gives it)."""


def fcpxml_of(timeline: otio.schema.Timeline, rate: Rate) -> str:
    """The FCPXML document of ``timeline`` (see the module notes)."""
    video = timeline.video_tracks()[0]
    sounds = _sounds(timeline)
    assets = _assets(timeline)
    notes = timeline.metadata.get(KEY, {})
    total = _frames(video.duration())
    ids = {path: f"r{k + 2}" for k, path in enumerate(assets)}
    dissolve = f"r{len(assets) + 2}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!DOCTYPE fcpxml>",
        f'<fcpxml version="{FCPXML_VERSION}">',
        "  <resources>",
        f'    <format id="r1" frameDuration="{_t(1, rate)}" '
        f'width="{notes.get("width", 1080)}" height="{notes.get("height", 1920)}"/>',
    ]
    for path, (frames, audio) in assets.items():
        lines += [
            f"    <asset id={quoteattr(ids[path])} name={quoteattr(PurePath(path).name)} "
            f'src={quoteattr(_url(path))} start="0s" duration="{_t(frames, rate)}" '
            f'hasVideo="1" hasAudio="{int(audio)}"/>',
        ]
    if any(isinstance(item, otio.schema.Transition) for item in video):
        lines.append(f'    <effect id="{dissolve}" name="Cross Dissolve" uid="{CROSS_DISSOLVE}"/>')
    lines += [
        "  </resources>",
        "  <library>",
        '    <event name="autocut">',
        f"      <project name={quoteattr(timeline.name)}>",
        f'        <sequence format="r1" duration="{_t(total, rate)}" tcStart="0s" '
        'tcFormat="NDF" audioLayout="stereo" audioRate="48k">',
        "          <spine>",
    ]
    music = _music(timeline)
    cut = 0
    for item in video:
        if isinstance(item, otio.schema.Transition):
            lines += [f"            {x}" for x in _transition(item, cut, dissolve, rate)]
            continue
        lines += [f"            {x}" for x in _story(item, ids, sounds, music, rate)]
        cut = _frames(item.range_in_parent().end_time_exclusive())
    lines += [
        "          </spine>",
        "        </sequence>",
        "      </project>",
        "    </event>",
        "  </library>",
        "</fcpxml>",
        "",
    ]
    return "\n".join(lines)


def _transition(item: otio.schema.Transition, cut: int, effect: str, rate: Rate) -> list[str]:
    """A dissolve from its first frame before the ``cut`` to its last after it."""
    start = cut - _frames(item.in_offset)
    length = _frames(item.in_offset) + _frames(item.out_offset)
    return [
        f'<transition name="Cross Dissolve" offset="{_t(start, rate)}" '
        f'duration="{_t(length, rate)}">',
        f'  <filter-video ref="{effect}" name="Cross Dissolve"/>',
        "</transition>",
    ]


def _story(
    item: otio.core.Item,
    ids: dict[str, str],
    sounds: dict[int, otio.schema.Clip],
    music: otio.schema.Clip | None,
    rate: Rate,
) -> list[str]:
    """The storyline element of one clip or gap of the picture track."""
    span = item.range_in_parent()
    offset, length = _frames(span.start_time), _frames(span.duration)
    inner = _connected(music, offset, length, 0 if not isinstance(item, otio.schema.Clip)
                       else _frames(item.source_range.start_time), ids, rate)  # fmt: skip
    if not isinstance(item, otio.schema.Clip):
        head = f"<gap name={quoteattr(item.name)} offset=\"{_t(offset, rate)}\" " \
               f'duration="{_t(length, rate)}"'  # fmt: skip
        return [head + ">", *[f"  {x}" for x in inner], "</gap>"] if inner else [head + "/>"]
    path = item.media_reference.target_url
    start = _frames(item.source_range.start_time)
    attrs = (
        f'ref={quoteattr(ids[path])} name={quoteattr(item.name)} offset="{_t(offset, rate)}" '
        f'start="{_t(start, rate)}" duration="{_t(length, rate)}" tcFormat="NDF"'
    )
    sound = sounds.get(item.metadata.get(KEY, {}).get("segment", -1))
    visible = item.visible_range()
    if sound is None:
        attrs += ' srcEnable="video"'
    elif sound.source_range != visible:
        lo, frames = _frames(sound.source_range.start_time), _frames(sound.source_range.duration)
        attrs += f' audioStart="{_t(lo, rate)}" audioDuration="{_t(frames, rate)}"'
    head = f"<asset-clip {attrs}"
    return [head + ">", *[f"  {x}" for x in inner], "</asset-clip>"] if inner else [head + "/>"]


def _connected(
    music: otio.schema.Clip | None,
    offset: int,
    length: int,
    local: int,
    ids: dict[str, str],
    rate: Rate,
) -> list[str]:
    """The music clip, connected below the storyline item from ``offset`` for ``length``
    frames (whose own time is ``local`` at ``offset``) when the music starts in it."""
    if music is None:
        return []
    at = _frames(music.range_in_parent().start_time)
    if not offset <= at < offset + max(length, 1):
        return []
    path = music.media_reference.target_url
    start, frames = _frames(music.source_range.start_time), _frames(music.source_range.duration)
    return [
        f'<asset-clip ref={quoteattr(ids[path])} lane="-1" name={quoteattr(music.name)} '
        f'offset="{_t(local + at - offset, rate)}" start="{_t(start, rate)}" '
        f'duration="{_t(frames, rate)}" srcEnable="audio"/>'
    ]


def _sounds(timeline: otio.schema.Timeline) -> dict[int, otio.schema.Clip]:
    """Each segment's sound clip, by segment index."""
    out = {}
    for track in timeline.audio_tracks():
        for clip in track.find_clips():
            index = clip.metadata.get(KEY, {}).get("segment")
            if index is not None:
                out[int(index)] = clip
    return out


def _music(timeline: otio.schema.Timeline) -> otio.schema.Clip | None:
    for track in timeline.audio_tracks():
        for clip in track.find_clips():
            if clip.metadata.get(KEY, {}).get("music"):
                return clip
    return None


def _assets(timeline: otio.schema.Timeline) -> dict[str, tuple[int, bool]]:
    """Every source file with the frames the cut needs of it (transitions' media included)
    and whether its sound is used."""
    out: dict[str, tuple[int, bool]] = {}
    for track in timeline.tracks:
        audio = track.kind == otio.schema.TrackKind.Audio
        for clip in track.find_clips():
            path = clip.media_reference.target_url
            end = _frames(clip.visible_range().end_time_exclusive())
            frames, heard = out.get(path, (0, False))
            out[path] = (max(frames, end), heard or audio)
    return out


def _url(path: str) -> str:
    """A ``file://`` URL for an absolute path; a relative one as a relative URL."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else quote(pure.as_posix())


def _frames(time: otio.opentime.RationalTime) -> int:
    return round(time.value)


def _t(frames: int, rate: Rate) -> str:
    """``frames`` as FCPXML time: whole seconds as ``12s``, else a multiple of the frame
    duration over its own denominator (``3003/30000s``), as Final Cut Pro writes it."""
    seconds = Fraction(frames) * rate.frame_duration
    if seconds.denominator == 1:
        return f"{seconds.numerator}s"
    step = rate.frame_duration
    return f"{frames * step.numerator}/{step.denominator}s"
