"""The sample footage generator: decoded media must agree with its ground truth."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from skimage import data as skdata
from skimage.feature import Cascade

from fixtures import generate as gen

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "fixtures" / "footage"
OUTPUT_NAMES = {
    "clip_a.mp4",
    "clip_b.mp4",
    "clip_c.mp4",
    "clip_d.mp4",
    "sample.srt",
    "ground_truth.json",
}

# Frame differences are mean absolute differences of 0-255 RGB values, measured on frames
# decoded at half size (640x360).
CUT_MIN_DIFF = 20.0  # a hard cut changes the picture a lot ...
STEADY_MAX_DIFF = 8.0  # ... consecutive frames inside a shot change it little
FACE_MIN_CORR = 0.9


@dataclass
class Decoded:
    frame_count: int = 0
    sizes: set[tuple[int, int]] = field(default_factory=set)
    diffs: list[float] = field(default_factory=list)  # diffs[i]: frame i-1 -> i (nan for i=0)
    means: list[float] = field(default_factory=list)
    maxes: list[int] = field(default_factory=list)
    full: dict[int, np.ndarray] = field(default_factory=dict)  # full-size RGB of sampled frames
    sample_rate: int = 0
    channels: int = 0
    audio: np.ndarray | None = None  # (channels, samples) float in [-1, 1]


def _gradual_frames(clip: dict) -> set[int]:
    return {f for g in clip["gradual"] for f in range(g["start_frame"], g["end_frame"] + 1)}


def _face_sample_frames(clip: dict) -> list[int]:
    """A few frames of every face/two_shot shot, away from gradual transitions."""
    gradual = _gradual_frames(clip)
    picks = []
    for shot in clip["shots"]:
        if shot["faces"] == 0:
            continue
        a, b = shot["start_frame"], shot["end_frame"]
        for f in (a + 1, (a + b) // 2, b - 2):
            if f not in gradual:
                picks.append(f)
    return picks


def _decode(path: Path, keep: set[int]) -> Decoded:
    out = Decoded()
    chunks = []
    prev = None
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        out.sample_rate = audio.rate
        out.channels = audio.channels
        for frame in container.decode(video, audio):
            if isinstance(frame, av.AudioFrame):
                chunks.append(frame.to_ndarray().astype(np.float64))
                continue
            out.sizes.add((frame.width, frame.height))
            small = frame.to_ndarray(format="rgb24", width=640, height=360).astype(np.int16)
            out.diffs.append(float("nan") if prev is None else float(np.abs(small - prev).mean()))
            out.means.append(float(small.mean()))
            out.maxes.append(int(small.max()))
            if out.frame_count in keep:
                out.full[out.frame_count] = frame.to_ndarray(format="rgb24")
            prev = small
            out.frame_count += 1
    out.audio = np.concatenate(chunks, axis=1)
    return out


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("footage")
    gen.generate(out)
    return out


@pytest.fixture(scope="module")
def truth(footage: Path) -> dict:
    return json.loads((footage / gen.GROUND_TRUTH_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def decoded(footage: Path, truth: dict) -> dict[str, Decoded]:
    return {
        clip["file"]: _decode(footage / clip["file"], set(_face_sample_frames(clip)))
        for clip in truth["clips"]
    }


def _iou(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / (aw * ah + bw * bh - inter)


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float64)


def _face_corr(frame: np.ndarray, box: list[int]) -> float:
    """Correlation of the frame inside ``box`` with the astronaut face (either orientation)."""
    x, y, w, h = box
    got = _gray(frame[y : y + h, x : x + w]).ravel()
    best = -1.0
    for mirrored in (False, True):
        ref = cv2.resize(gen.face_reference(mirrored), (w, h), interpolation=cv2.INTER_AREA)
        best = max(best, float(np.corrcoef(got, _gray(ref).ravel())[0, 1]))
    return best


# --------------------------------------------------------------------------- ground truth


def test_ground_truth_header_and_totals(truth: dict) -> None:
    assert truth["version"] == 1
    assert truth["generator"] == "fixtures.generate"
    assert isinstance(truth["seed"], int)
    assert (truth["fps"], truth["width"], truth["height"]) == (30, 1280, 720)
    files = [c["file"] for c in truth["clips"]]
    assert files == ["clip_a.mp4", "clip_b.mp4", "clip_c.mp4", "clip_d.mp4"]
    total = sum(c["duration"] for c in truth["clips"])
    assert 56.0 <= total <= 60.0
    kinds = [s["kind"] for c in truth["clips"] for s in c["shots"]]
    for kind, least in {"face": 3, "two_shot": 2, "motion": 3, "dull": 2, "black": 2}.items():
        assert kinds.count(kind) >= least, kind
    types = [g["type"] for c in truth["clips"] for g in c["gradual"]]
    assert "fade" in types and "dissolve" in types


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_ground_truth_is_consistent(truth: dict, index: int) -> None:
    clip = truth["clips"][index]
    n = clip["frame_count"]
    assert clip["duration"] == pytest.approx(n / 30)
    assert len(clip["faces"]) == n

    shots = clip["shots"]
    assert [s["index"] for s in shots] == list(range(len(shots)))
    assert shots[0]["start_frame"] == 0 and shots[-1]["end_frame"] == n
    for before, after in itertools.pairwise(shots):
        assert before["end_frame"] == after["start_frame"]
    expected_faces = {"face": 1, "two_shot": 2, "motion": 0, "dull": 0, "black": 0}
    for s in shots:
        assert s["start_frame"] < s["end_frame"]
        interesting = s["kind"] in ("face", "two_shot", "motion")
        assert s["label"] == ("interesting" if interesting else "dull")
        sound = "dialogue" if clip["speech"] else "loud" if interesting else "quiet"
        assert s["audio"] == sound
        assert s["faces"] == expected_faces[s["kind"]]
        for f in range(s["start_frame"], s["end_frame"]):
            assert len(clip["faces"][f]) == s["faces"], (s, f)

    gradual = _gradual_frames(clip)
    starts = {s["start_frame"] for s in shots[1:]}
    cut_frames = [c["frame"] for c in clip["cuts"]]
    for c in clip["cuts"]:
        assert c["time"] == pytest.approx(c["frame"] / 30)
        assert c["frame"] in starts and c["frame"] not in gradual
    for g in clip["gradual"]:
        assert g["type"] in ("fade", "dissolve")
        assert 0 < g["start_frame"] < g["end_frame"] < n
    # Every shot boundary is either a hard cut or the inside/end of a gradual transition.
    for start in starts:
        assert (start in cut_frames) != (start in gradual or start - 1 in gradual), start

    for boxes in clip["faces"]:
        for x, y, w, h in boxes:
            assert x >= 0 and y >= 0 and x + w <= 1280 and y + h <= 720
            assert 140 <= w <= 260 and 0.9 <= h / w <= 1.3


def test_two_shot_faces_are_too_far_apart_for_one_vertical_window(truth: dict) -> None:
    seen = 0
    for clip in truth["clips"]:
        for shot in clip["shots"]:
            if shot["kind"] != "two_shot":
                continue
            for f in range(shot["start_frame"], shot["end_frame"]):
                (ax, _, aw, _), (bx, _, bw, _) = clip["faces"][f]
                assert abs((ax + aw / 2) - (bx + bw / 2)) >= 700
                assert max(ax + aw, bx + bw) - min(ax, bx) > 405  # a 9:16 window is 405 wide
                seen += 1
    assert seen > 0


def test_face_box_constant_matches_a_face_detector() -> None:
    detector = Cascade(skdata.lbp_frontal_face_cascade_filename())
    found = detector.detect_multi_scale(
        img=skdata.astronaut(), scale_factor=1.1, step_ratio=1, min_size=(60, 60),
        max_size=(300, 300),
    )  # fmt: skip
    boxes = [(d["c"], d["r"], d["width"], d["height"]) for d in found]
    assert max(_iou(gen.FACE_BOX, b) for b in boxes) >= 0.6


# --------------------------------------------------------------------------- decoded media


def test_output_directory_holds_exactly_the_outputs(footage: Path) -> None:
    assert {p.name for p in footage.iterdir()} == OUTPUT_NAMES


def test_decoded_frames_match_ground_truth(truth: dict, decoded: dict[str, Decoded]) -> None:
    for clip in truth["clips"]:
        got = decoded[clip["file"]]
        assert got.frame_count == clip["frame_count"]
        assert got.sizes == {(1280, 720)}


def test_audio_is_48k_stereo_and_as_long_as_the_video(
    truth: dict, decoded: dict[str, Decoded]
) -> None:
    for clip in truth["clips"]:
        got = decoded[clip["file"]]
        assert got.sample_rate == 48_000
        assert got.channels == 2
        assert got.audio is not None
        assert got.audio.shape[1] / 48_000 == pytest.approx(clip["duration"], abs=0.05)


def test_audio_level_follows_the_shots(truth: dict, decoded: dict[str, Decoded]) -> None:
    target = {"loud": gen.LOUD_DBFS, "quiet": gen.QUIET_DBFS}
    for clip in truth["clips"]:
        audio = decoded[clip["file"]].audio
        assert audio is not None
        gradual = _gradual_frames(clip)
        for shot in clip["shots"]:
            if shot["audio"] == "dialogue":
                continue  # test_dialogue_is_heard_where_the_ground_truth_says
            frames = [f for f in range(shot["start_frame"], shot["end_frame"]) if f not in gradual]
            a = int((frames[0] / 30 + 0.15) * 48_000)
            b = int(((frames[-1] + 1) / 30 - 0.15) * 48_000)
            rms = np.sqrt(np.mean(audio[:, a:b] ** 2))
            assert 20 * np.log10(rms) == pytest.approx(target[shot["audio"]], abs=3.0), shot


def test_speech_ground_truth_is_consistent(truth: dict) -> None:
    lines = [line for clip in truth["clips"] for line in clip["speech"]]
    assert len(lines) >= 6 and {line["speaker"] for line in lines} == {"A", "B"}
    for clip in truth["clips"]:
        ends = [0.0]
        for line in clip["speech"]:
            assert ends[-1] < line["start"] < line["end"] < clip["duration"]  # in order, apart
            ends.append(line["end"])
            spans = line["spans"]
            assert spans[0][0] >= line["start"] - 0.011 and spans[-1][1] <= line["end"]
            assert all(a < b for a, b in spans)
            assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
            starts = [t for _, t in line["words"]]
            assert starts[0] == line["start"] and starts == sorted(starts)
            assert starts[-1] < line["end"]
            assert len(line["text"].split()) >= len(starts)


def test_dialogue_is_heard_where_the_ground_truth_says(
    truth: dict, decoded: dict[str, Decoded]
) -> None:
    """Inside the speech spans the dialogue is on top of the bed; between lines only the
    music and room tone remain, 10 dB under it."""
    from fixtures import dialogue

    clip = next(c for c in truth["clips"] if c["speech"])
    audio = decoded[clip["file"]].audio
    assert audio is not None
    power = np.mean(audio**2, axis=0)  # both channels (the music differs between them)
    t = np.arange(len(power)) / 48_000
    spans = [span for line in clip["speech"] for span in line["spans"]]
    inside = np.zeros(len(power), bool)
    near = np.zeros(len(power), bool)
    for a, b in spans:
        inside |= (t >= a + 0.05) & (t < b - 0.05)
        near |= (t >= a - 0.15) & (t < b + 0.15)
    speech_db = 10 * np.log10(np.mean(power[inside]))
    bed_db = 10 * np.log10(np.mean(power[~near]))
    music_and_room = 10 * np.log10(
        10 ** (dialogue.MUSIC_DBFS / 10) + 10 ** (dialogue.ROOM_DBFS / 10)
    )
    assert bed_db == pytest.approx(music_and_room, abs=2.0)
    with_speech = 10 * np.log10(10 ** (dialogue.SPEECH_DBFS / 10) + 10 ** (music_and_room / 10))
    assert speech_db == pytest.approx(with_speech, abs=2.5)


def test_hard_cuts_are_sharp_and_shots_are_steady(truth: dict, decoded: dict[str, Decoded]) -> None:
    cut_diffs, steady_diffs = [], []
    for clip in truth["clips"]:
        diffs = decoded[clip["file"]].diffs
        gradual = _gradual_frames(clip)
        cut_diffs += [diffs[c["frame"]] for c in clip["cuts"]]
        for shot in clip["shots"]:
            for f in range(shot["start_frame"] + 1, shot["end_frame"]):
                if f not in gradual and f - 1 not in gradual:
                    steady_diffs.append(diffs[f])
        # a gradual transition is never one big jump
        for g in clip["gradual"]:
            inside = diffs[g["start_frame"] : g["end_frame"] + 2]
            assert max(inside) < CUT_MIN_DIFF, g
    assert len(cut_diffs) >= 8
    assert min(cut_diffs) >= CUT_MIN_DIFF
    assert max(steady_diffs) <= STEADY_MAX_DIFF
    assert min(cut_diffs) > 3 * max(steady_diffs)


def test_fade_darkens_steadily_into_black(truth: dict, decoded: dict[str, Decoded]) -> None:
    fades = 0
    for clip in truth["clips"]:
        means = decoded[clip["file"]].means
        for g in clip["gradual"]:
            if g["type"] != "fade":
                continue
            fades += 1
            run = means[g["start_frame"] - 1 : g["end_frame"] + 2]
            assert all(a > b for a, b in itertools.pairwise(run)), run
            assert run[-1] <= 1.0
    assert fades >= 1


def test_black_shots_decode_to_black(truth: dict, decoded: dict[str, Decoded]) -> None:
    for clip in truth["clips"]:
        got = decoded[clip["file"]]
        for shot in clip["shots"]:
            frames = range(shot["start_frame"], shot["end_frame"])
            if shot["kind"] == "black":
                assert max(got.means[f] for f in frames) <= 1.0
                assert max(got.maxes[f] for f in frames) <= 10
            else:
                assert min(got.means[f] for f in frames if f not in _gradual_frames(clip)) > 15


def test_face_boxes_hold_the_astronaut_face(truth: dict, decoded: dict[str, Decoded]) -> None:
    checked = 0
    for clip in truth["clips"]:
        got = decoded[clip["file"]]
        for f in _face_sample_frames(clip):
            frame = got.full[f]
            for x, y, w, h in clip["faces"][f]:
                corr = _face_corr(frame, [x, y, w, h])
                assert corr >= FACE_MIN_CORR, (clip["file"], f, corr)
                # the same check fails for a box half a face to the side
                shifted = [x + w // 2 if x + w + w // 2 <= 1280 else x - w // 2, y, w, h]
                assert _face_corr(frame, shifted) < FACE_MIN_CORR - 0.3
                checked += 1
    assert checked >= 15


def test_a_face_detector_agrees_with_the_boxes(truth: dict, decoded: dict[str, Decoded]) -> None:
    detector = Cascade(skdata.lbp_frontal_face_cascade_filename())
    for clip in truth["clips"]:
        got = decoded[clip["file"]]
        for f in _face_sample_frames(clip)[::2]:
            for x, y, w, h in clip["faces"][f]:
                x0, y0 = max(0, x - w), max(0, y - h)
                region = got.full[f][y0 : y + 2 * h, x0 : x + 2 * w]
                found = detector.detect_multi_scale(
                    img=region, scale_factor=1.1, step_ratio=1,
                    min_size=(int(0.6 * w), int(0.6 * w)), max_size=(int(1.6 * w), int(1.6 * w)),
                )  # fmt: skip
                boxes = [(d["c"] + x0, d["r"] + y0, d["width"], d["height"]) for d in found]
                assert boxes, (clip["file"], f)
                assert max(_iou((x, y, w, h), b) for b in boxes) >= 0.5, (clip["file"], f)


def test_subtitles_are_valid_srt_within_clip_a(footage: Path, truth: dict) -> None:
    text = (footage / gen.SUBTITLES_NAME).read_text(encoding="utf-8")
    blocks = text.strip().split("\n\n")
    assert len(blocks) >= 3
    stamp = r"(\d\d):(\d\d):(\d\d),(\d\d\d)"
    previous_end = 0.0
    duration = truth["clips"][0]["duration"]
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        assert lines[0] == str(number)
        m = re.fullmatch(f"{stamp} --> {stamp}", lines[1])
        assert m, lines[1]
        v = [int(g) for g in m.groups()]
        start = v[0] * 3600 + v[1] * 60 + v[2] + v[3] / 1000
        end = v[4] * 3600 + v[5] * 60 + v[6] + v[7] / 1000
        assert previous_end <= start < end <= duration
        assert lines[2:] and all(line.strip() for line in lines[2:])
        previous_end = end


# --------------------------------------------------------------------------- reproducibility


def test_second_run_is_identical(footage: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "fixtures.generate", "--out", str(again)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    for name in sorted(OUTPUT_NAMES):
        assert (again / name).read_bytes() == (footage / name).read_bytes(), name


def test_ground_truth_function_matches_the_written_file(footage: Path) -> None:
    written = (footage / gen.GROUND_TRUTH_NAME).read_text(encoding="utf-8")
    assert written == gen.ground_truth_text()


def test_committed_footage_matches_the_generator(footage: Path, truth: dict) -> None:
    committed = COMMITTED / gen.GROUND_TRUTH_NAME
    assert committed.is_file(), "run `python -m fixtures.generate` and commit fixtures/footage"
    assert committed.read_bytes() == (footage / gen.GROUND_TRUTH_NAME).read_bytes()
    assert (COMMITTED / gen.SUBTITLES_NAME).read_bytes() == (
        footage / gen.SUBTITLES_NAME
    ).read_bytes()
    for clip in truth["clips"]:
        with av.open(str(COMMITTED / clip["file"])) as container:
            assert container.streams.video[0].frames == clip["frame_count"]
            assert container.streams.audio[0].rate == 48_000
