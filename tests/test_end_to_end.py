"""The main job on the bundled sample footage, as a user runs it: every preset renders a
vertical output that plays everywhere, is exactly as long as asked, opens on its best shot,
never shows dull, black or transition footage, and keeps all writing inside the safe box."""

from __future__ import annotations

import json
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from benchmarks.sound import (
    CLICK_RATIO,
    beat_share,
    click_ratios,
    ducking_depth,
    ebur128,
    music_file,
)
from editor.analysis.cache import analyse_file
from editor.assemble.cards import safe_box
from editor.assemble.edl import Edl
from editor.assemble.summary import act_paces, cut_times
from editor.media.check import PLATFORMS, read_facts, violations
from editor.media.encode import AUDIO_RATE
from editor.media.probe import probe
from editor.preset import load_preset
from editor.render.frames import from_rgb
from editor.render.pictures import SourceReader, laid_out
from editor.render.sound import mix_audio
from tests.conftest import SAMPLE_FOOTAGE, run_cli
from tests.test_loudness import decoded

PRESETS = ("trailer", "teaser", "promo")
TRUTH = json.loads((SAMPLE_FOOTAGE / "ground_truth.json").read_text())


class Outputs:
    """The main job's outputs of each preset on the sample footage, in one folder, each
    made by the real CLI the first time a test asks for it (so a test run that selects one
    preset renders only that one)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: set[str] = set()

    def path(self, preset: str, suffix: str) -> Path:
        """``footage_<preset><suffix>`` (``.mp4``, ``.jpg`` or ``.edl.json``)."""
        if preset not in self._made:
            result = run_cli(str(SAMPLE_FOOTAGE), "--preset", preset, "-o", str(self.folder))
            assert result.returncode == 0, result.stderr
            self._made.add(preset)
        return self.folder / f"footage_{preset}{suffix}"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Outputs:
    return Outputs(tmp_path_factory.mktemp("out"))


def edl_of(out_dir: Outputs, preset: str) -> Edl:
    return Edl.from_dict(json.loads(out_dir.path(preset, ".edl.json").read_text()))


def luma_frames(path: Path) -> list[np.ndarray]:
    """The luma plane of every frame, as stored (limited range, no conversion)."""
    with av.open(str(path)) as container:
        return [
            f.to_ndarray(format="yuv420p")[: f.height].copy() for f in container.decode(video=0)
        ]


def test_only_the_final_files_are_left(out_dir):
    for preset in PRESETS:
        out_dir.path(preset, ".mp4")
    names = sorted(p.name for p in out_dir.folder.iterdir())
    expected = [f"footage_{p}{ext}" for p in PRESETS for ext in (".edl.json", ".jpg", ".mp4")]
    assert names == sorted([*expected, "report.html"])


@pytest.mark.parametrize("preset", PRESETS)
def test_output_is_exactly_as_long_as_the_preset_and_plays_everywhere(out_dir, preset):
    target = load_preset(preset).duration
    path = out_dir.path(preset, ".mp4")
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)
        decoded = sum(1 for _ in container.decode(video=0))
    assert decoded == round(target * 30)  # within one frame: exactly
    facts = read_facts(path)
    for platform in PLATFORMS.values():
        assert not violations(facts, platform), (preset, platform.name)
    assert abs(probe(path).duration - target) <= 1 / 30


def truth_lines(source: str) -> list[dict]:
    """The sample's spoken lines of ``source`` (none for the clips without dialogue)."""
    return next(c["speech"] for c in TRUTH["clips"] if c["file"] == Path(source).name)


@pytest.mark.parametrize("preset", PRESETS)
def test_hook_is_one_whole_line_with_a_face_and_the_first_cut_is_early(out_dir, preset):
    """The sample has dialogue, so the output opens on a line: its sound holds at least one
    whole line of the ground truth and cuts none, heard from the first frame; a face of
    the source is inside the picture throughout; the first cut still comes early."""
    edl = edl_of(out_dir, preset)
    hook = edl.segments[0]
    assert hook.act == "hook" and hook.out_in == 0.0 and hook.line and hook.audio
    lo, hi = hook.sound_span
    lines = truth_lines(hook.source)
    assert any(lo <= x["start"] and x["end"] <= hi for x in lines), (lo, hi)
    assert not [x for x in lines if x["start"] < lo < x["end"] or x["start"] < hi < x["end"]]
    assert hook.sound_at[0] == pytest.approx(0.0, abs=1e-6)
    faces = next(c["faces"] for c in TRUTH["clips"] if c["file"] == Path(hook.source).name)
    for k, framing in enumerate(hook.frames):
        frame = min(round(hook.src_in * 30) + k, len(faces) - 1)
        assert any(_inside(face, box) for face in faces[frame] for box in framing.boxes), k
    assert cut_times(edl)[0] <= 3.0


def _inside(face, box) -> bool:
    fx, fy, fw, fh = face
    x, y, w, h = box
    return x <= fx and y <= fy and fx + fw <= x + w and fy + fh <= y + h


@pytest.mark.parametrize("preset", PRESETS)
def test_no_sound_edge_falls_inside_a_word(out_dir, preset):
    """Every place where a segment's sound starts or stops being heard lies outside the
    sample's spoken lines (by its ground truth, not autocut's detector); montage shots of
    the dialogue clip play the music alone, and lines play whole."""
    edl = edl_of(out_dir, preset)
    heard = [s for s in edl.segments if s.audio]
    for seg in heard:
        spans = [span for line in truth_lines(seg.source) for span in line["spans"]]
        for edge in seg.sound_span:
            assert not any(a < edge < b for a, b in spans), (seg.source, edge)
    talking = [s for s in edl.segments if truth_lines(s.source)]
    assert any(s.line for s in talking)
    assert all(s.line or not s.audio for s in talking)


@pytest.mark.parametrize("preset", PRESETS)
def test_sound_is_mastered_to_the_platforms_loudness(out_dir, preset):
    """Measured on the delivered file by ffmpeg's meter, not autocut's: -14 +-1 LUFS
    integrated, true peak at most -1 dBTP."""
    integrated, peak, _ = ebur128(out_dir.path(preset, ".mp4"))
    assert integrated == pytest.approx(-14.0, abs=1.0) and peak <= -1.0, (integrated, peak)


def audio_edits(edl: Edl) -> list[float]:
    """Output times where a segment's sound starts or stops: the edits a listener hears.
    (Montage shots of dialogue footage play the music alone: their cuts are no sound edit.)"""
    return sorted({t for s in edl.segments if s.audio for t in s.sound_at})


@pytest.mark.parametrize("preset", PRESETS)
def test_no_audio_edit_clicks(out_dir, preset):
    edl = edl_of(out_dir, preset)
    edits = audio_edits(edl)
    ratios = click_ratios(decoded(out_dir.path(preset, ".mp4")), AUDIO_RATE, edits)
    assert ratios and len(ratios) >= len(edits) - 1  # all but one at the very start
    assert max(ratios) < CLICK_RATIO, max(ratios)


def test_footage_without_speech_keeps_its_sound_under_every_shot_without_clicks(tmp_path):
    """The sample's clips without dialogue, alone: every shot plays its own sound, joined
    with the picture's joins (no lines, nothing muted), and no edit clicks."""
    folder = tmp_path / "silent"
    folder.mkdir()
    for name in ("clip_a.mp4", "clip_b.mp4", "clip_c.mp4"):
        (folder / name).symlink_to(SAMPLE_FOOTAGE / name)
    result = run_cli(str(folder), "--preset", "promo", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    edl = Edl.from_dict(json.loads((tmp_path / "out" / "silent_promo.edl.json").read_text()))
    assert all(s.audio and not s.line and s.sound_span == (s.src_in, s.src_out)
               for s in edl.segments)  # fmt: skip
    edits = audio_edits(edl)
    ratios = click_ratios(decoded(tmp_path / "out" / "silent_promo.mp4"), AUDIO_RATE, edits)
    assert len(ratios) >= len(edl.segments) - 1
    assert max(ratios) < CLICK_RATIO, max(ratios)


def test_each_segment_plays_its_own_sound_in_sync(out_dir):
    """The delivered sound under each segment is the planned mix (its source's sound with
    the music), sample for sample after the master (gain, limiter) and AAC: correlation at
    zero lag, and less a frame either way."""
    edl = edl_of(out_dir, "trailer")
    sound = decoded(out_dir.path("trailer", ".mp4")).mean(axis=1)
    media = {s: probe(Path(s)) for s in {seg.source for seg in edl.segments}}
    planned = mix_audio(edl, media).mean(axis=1)
    frame = round(AUDIO_RATE / edl.fps)
    checked = 0
    for seg in edl.segments:
        if seg.duration < 0.8 or not seg.audio:
            continue
        a, b = round((seg.out_in + 0.2) * AUDIO_RATE), round((seg.out_out - 0.2) * AUDIO_RATE)
        at = {lag: np.corrcoef(sound[a:b], planned[a + lag : b + lag])[0, 1]
              for lag in (-frame, 0, frame)}  # fmt: skip
        assert at[0] > 0.9 and at[0] > max(at[-frame], at[frame]), (seg.source, seg.src_in, at)
        checked += 1
    assert checked >= 3


def test_music_ducks_under_the_dialogue_by_12_db_or_more(out_dir):
    """Measured on the music stem as the output plays it: its level inside the dialogue the
    edit uses against its level in the gaps between lines (a second or more)."""
    edl = json.loads(out_dir.path("trailer", ".edl.json").read_text())
    depth = ducking_depth(edl)
    assert depth is not None and depth >= 12.0, depth


def test_a_music_file_is_cut_on_its_beats_and_ducked_under_the_lines(tmp_path):
    """``--music FILE`` with a generated drum track whose beats are known: autocut finds
    them, cuts the montage on them, and plays the music at least 12 dB lower under the
    lines than between them (on the stems); the output is still mastered."""
    music, true_beats, _ = music_file(tmp_path)
    out = tmp_path / "out"
    result = run_cli(str(SAMPLE_FOOTAGE), "--preset", "teaser", "--music", str(music),
                     "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    edl = json.loads((out / "footage_teaser.edl.json").read_text())
    entry = edl["sound"]["music"]
    assert entry["source"] == str(music.resolve())
    found = np.asarray(entry["beats"])
    truth = np.asarray([t for t in true_beats if t < edl["duration"]])
    assert len(found) >= 0.9 * len(truth)
    assert np.all(np.abs(found[:, None] - truth[None, :]).min(axis=1) <= 0.07)
    near, cuts = beat_share(edl, list(true_beats))
    assert cuts >= 4 and near >= 0.9 * cuts, (near, cuts)
    depth = ducking_depth(edl)
    assert depth is not None and depth >= 12.0, depth
    integrated, peak, _ = ebur128(out / "footage_teaser.mp4")
    assert integrated == pytest.approx(-14.0, abs=1.0) and peak <= -1.0, (integrated, peak)


def test_trailer_climax_cuts_at_least_30_times_a_minute(out_dir):
    """Measured on the rendered video: cuts the shot detector finds in the last act."""
    edl = edl_of(out_dir, "trailer")
    climax = [s for s in edl.segments if s.act == "climax"]
    paces = {p.act: p for p in act_paces(edl)}
    assert climax and paces["climax"].cuts_per_minute >= 30
    start, end = climax[0].out_in, climax[-1].out_out
    analysis = analyse_file(out_dir.path("trailer", ".mp4"), use_cache=False)
    found = [analysis.times[c] for c in analysis.cuts if start - 0.05 <= analysis.times[c] < end]
    # shots in the act = cuts inside it + the one it opens with
    assert (len(found) + 1) / (end - start) * 60 >= 30


@pytest.mark.parametrize("preset", PRESETS)
def test_no_dull_black_or_transition_footage(out_dir, preset):
    """Every source frame an output shows lies in a shot labelled interesting and outside
    every fade and dissolve (the labels come with the sample footage)."""
    by_file = {clip["file"]: clip for clip in TRUTH["clips"]}
    for seg in edl_of(out_dir, preset).segments:
        clip = by_file[Path(seg.source).name]
        label = np.empty(clip["frame_count"], dtype=object)
        for shot in clip["shots"]:
            label[shot["start_frame"] : shot["end_frame"]] = shot["label"]
        for gradual in clip["gradual"]:
            label[gradual["start_frame"] : gradual["end_frame"] + 1] = "transition"
        frames = range(round(seg.src_in * 30), round(seg.src_out * 30))
        assert set(label[list(frames)]) == {"interesting"}, (seg.source, seg.src_in)


def test_rendered_frames_are_the_planned_source_frames(out_dir):
    """The video shows what the EDL says, so the checks on the EDL hold for the pictures:
    the middle frame of every third segment matches the planned source frame, laid out as
    planned, better than the source frames around it (encoding noise aside)."""
    edl = edl_of(out_dir, "trailer")
    frames = luma_frames(out_dir.path("trailer", ".mp4"))
    for seg in edl.segments[::3]:
        k = len(seg.frames) // 2  # the middle of the segment: no transition there
        shown = frames[round(seg.out_in * edl.fps) + k].astype(int)
        reader = SourceReader(probe(Path(seg.source)))
        try:
            diffs = {}
            for dk in (-2, -1, 0, 1, 2):
                picture = reader.picture(seg.src_in + (k + dk) / edl.fps)
                diffs[dk] = float(np.abs(shown - laid_out(picture, seg.frames[k], edl)[0]).mean())
        finally:
            reader.close()
        assert diffs[0] < 6.0, (seg.source, diffs)
        assert diffs[0] <= min(diffs.values()) + 0.05, (seg.source, diffs)


@pytest.mark.parametrize("preset", PRESETS)
def test_card_text_stays_inside_the_safe_box(out_dir, preset):
    """White text and the coloured button show on the cards, and only inside the safe box
    (the card background is darkened well below text brightness)."""
    edl = edl_of(out_dir, preset)
    x, y, w, h = safe_box(edl.width, edl.height)
    path = out_dir.path(preset, ".mp4")
    wanted = {round((c.out_in + c.out_out) / 2 * edl.fps) for c in edl.cards}
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index not in wanted:
                continue
            yuv = frame.to_ndarray(format="yuv420p")
            luma = yuv[: edl.height]
            red = cv2.resize(yuv[edl.height + edl.height // 4 :].reshape(edl.height // 2, -1),
                             (edl.width, edl.height), interpolation=cv2.INTER_NEAREST)  # fmt: skip
            writing = (luma > 200) | (red > 190)
            assert writing.sum() > 500, (preset, index)
            outside = writing.copy()
            outside[y : y + h, x : x + w] = False
            assert not outside.any(), (preset, index, np.argwhere(outside)[:3])


def test_cover_is_a_rendered_frame_with_a_face(out_dir):
    edl = edl_of(out_dir, "trailer")
    cover = cv2.imread(str(out_dir.path("trailer", ".jpg")))
    assert cover.shape == (1920, 1080, 3)
    index = int(np.floor(edl.cover_time * edl.fps + 1e-6))
    shown = luma_frames(out_dir.path("trailer", ".mp4"))[index]
    luma = from_rgb(cv2.cvtColor(cover, cv2.COLOR_BGR2RGB))[0][0]
    assert np.abs(luma.astype(int) - shown).mean() < 6.0
    seg = next(s for s in edl.segments if s.out_in <= edl.cover_time < s.out_out)
    analysis = analyse_file(Path(seg.source))
    src_frame = int(np.searchsorted(analysis.times, seg.src_in + edl.cover_time - seg.out_in))
    assert (analysis.face_boxes[:, 0].astype(int) == src_frame).any()


def test_dry_run_plans_the_same_edl_and_renders_nothing(out_dir, tmp_path):
    target = tmp_path / "dry"
    first = run_cli(str(SAMPLE_FOOTAGE), "--preset", "trailer", "-o", str(target), "--dry-run")
    again = run_cli(str(SAMPLE_FOOTAGE), "--preset", "trailer", "-o", str(target), "--dry-run")
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    assert "climax" in first.stdout and "lint:" in first.stdout
    assert not target.exists()
    edl = edl_of(out_dir, "trailer")
    assert f"{edl.duration:.2f} s" in first.stdout


def test_variants_open_differently(tmp_path):
    result = run_cli(
        str(SAMPLE_FOOTAGE), "--preset", "promo", "-o", str(tmp_path), "--dry-run",
        "--variants", "3", "--seed", "5",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("footage_promo_v")[1:]
    assert len(blocks) == 3
    hooks = {
        next(line for line in b.splitlines() if " hook " in line).split(",")[0] for b in blocks
    }
    assert len(hooks) == 3


SMALL_PRESET = """name = "small"
description = "a short, small promo"
duration = 6.0
[output]
width = 540
height = 960
[hook]
max_length = 1.5
[cards]
title = 1.0
end = 1.5
call_to_action = "Follow for part two"
[[acts]]
name = "run"
share = 1.0
first_shot = 1.2
last_shot = 0.9
"""


def test_logo_and_text_stay_inside_the_scaled_safe_box(tmp_path):
    """A user preset at 540x960 with a logo: whatever the logo and the cards add to the
    picture (the difference from the same output without them) lies inside the safe box
    scaled to that size."""
    preset = tmp_path / "small.toml"
    preset.write_text(SMALL_PRESET)
    logo = np.zeros((120, 300, 4), np.uint8)
    squares = (np.indices((100, 280)) // 20).sum(axis=0) % 2 == 1
    logo[10:110, 10:290, :3] = np.where(squares, 255, 0)[..., None]  # black and white squares
    logo[10:110, 10:290, 3] = 255  # opaque, in a transparent border
    cv2.imwrite(str(tmp_path / "logo.png"), logo)
    plain, branded = tmp_path / "plain", tmp_path / "branded"
    for out, extra in (
        (plain, ["--title", " "]),
        (branded, ["--logo", str(tmp_path / "logo.png")]),
    ):
        result = run_cli(str(SAMPLE_FOOTAGE), "--preset", str(preset), "-o", str(out), *extra)
        assert result.returncode == 0, result.stderr
    edl = Edl.from_dict(json.loads((branded / "footage_small.edl.json").read_text()))
    assert edl.overlays and edl.overlays[0].kind == "logo"
    a = luma_frames(plain / "footage_small.mp4")
    b = luma_frames(branded / "footage_small.mp4")
    assert len(a) == len(b) == 180
    x, y, w, h = safe_box(540, 960)
    changed_frames = 0
    for fa, fb in zip(a, b):
        changed = np.abs(fa.astype(int) - fb) > 40
        changed_frames += bool(changed.any())
        changed[y : y + h, x : x + w] = False
        assert not changed.any()
    assert changed_frames == 180  # the logo is on every frame
