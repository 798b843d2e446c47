"""The analysis cache: hits skip probing and decoding, anything doubtful is recomputed."""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import editor.analysis.analyze
import editor.analysis.cache as cache
import editor.media.decode
from editor.analysis.cache import analyse_file, cache_location, from_plain, to_plain
from editor.analysis.model import Analysis
from editor.errors import AutocutError
from tests.conftest import SAMPLE_FOOTAGE, run_cli

CLIP = SAMPLE_FOOTAGE / "clip_a.mp4"
OTHER_CLIP = SAMPLE_FOOTAGE / "clip_c.mp4"
LONG_AGO = 1_600_000_000


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AUTOCUT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def fresh() -> Analysis:
    """clip_a analysed without the cache: what every cached result must equal."""
    return analyse_file(CLIP, use_cache=False)


@pytest.fixture(scope="module")
def primed_template(tmp_path_factory) -> Path:
    """A cache folder that already holds clip_a's entry (made once for the module)."""
    folder = tmp_path_factory.mktemp("primed") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOCUT_CACHE_DIR", str(folder))
        analyse_file(CLIP)
    return folder


@pytest.fixture
def primed(cache_dir, primed_template) -> Path:
    """This test's cache folder, holding clip_a's entry."""
    shutil.copytree(primed_template, cache_dir)
    return cache_dir


def assert_same_analysis(a: Analysis, b: Analysis, *, same_path: bool = True) -> None:
    """Field by field (arrays by value and dtype), whatever fields Analysis has."""
    assert type(a) is type(b)
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, field.name
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), field.name
        elif field.name == "media" and not same_path:
            assert dataclasses.replace(x, path=y.path) == y
        else:
            assert x == y, field.name


def forbid_reading_footage(monkeypatch) -> None:
    """From here on, probing or decoding any file fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the footage was read")

    monkeypatch.setattr(cache, "probe", refuse)
    monkeypatch.setattr(editor.analysis.analyze, "analyze", refuse)
    monkeypatch.setattr(editor.analysis.analyze, "analysis_frames", refuse)
    monkeypatch.setattr(editor.media.decode, "analysis_frames", refuse)


def settled_copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    os.utime(target, (LONG_AGO, LONG_AGO))
    return target


@pytest.fixture
def no_settling(monkeypatch):
    """Index files however recently they changed (tests cannot make a file's ctime old)."""
    monkeypatch.setattr(cache, "SETTLE_SECONDS", 0.0)


def test_second_run_is_a_hit_without_probing_or_decoding(cache_dir, fresh, monkeypatch):
    first = analyse_file(CLIP)
    assert_same_analysis(first, fresh)
    forbid_reading_footage(monkeypatch)
    second = analyse_file(CLIP)
    assert_same_analysis(second, fresh)


def test_hit_on_a_settled_file_does_not_read_it(primed, fresh, tmp_path, monkeypatch, no_settling):
    video = settled_copy(CLIP, tmp_path / "video.mp4")
    analyse_file(video)  # hashed and indexed
    forbid_reading_footage(monkeypatch)
    monkeypatch.setattr(cache, "_sha256_of", lambda path: pytest.fail("the file was hashed"))
    assert_same_analysis(analyse_file(video), fresh, same_path=False)


def test_round_trip_keeps_every_field_and_takes_the_path_given(
    primed, fresh, tmp_path, monkeypatch
):
    forbid_reading_footage(monkeypatch)
    elsewhere = tmp_path / "renamed.mp4"
    shutil.copyfile(CLIP, elsewhere)
    hit = analyse_file(elsewhere)
    assert hit.media.path == elsewhere
    assert_same_analysis(hit, fresh, same_path=False)
    assert fresh.transitions and fresh.media.audio  # the fields worth checking are filled in


def test_shot_boundaries_alone_come_from_a_full_entry_but_never_stand_in_for_one(
    primed, cache_dir, fresh, monkeypatch
):
    """``autocut scenes`` needs only the shots: a full analysis in the cache answers it;
    measured alone they match the full analysis's, and a later full request is not served
    them."""
    with monkeypatch.context() as patch:
        forbid_reading_footage(patch)
        served = analyse_file(CLIP, scope="shots")
    assert served.scope == "full"
    assert_same_analysis(served, fresh)
    other = cache_dir.parent / "other-cache"
    monkeypatch.setenv("AUTOCUT_CACHE_DIR", str(other))
    alone = analyse_file(CLIP, scope="shots")
    assert alone.scope == "shots"
    assert (alone.cuts, alone.shots, alone.transitions) == (
        fresh.cuts,
        fresh.shots,
        fresh.transitions,
    )
    np.testing.assert_array_equal(alone.times, fresh.times)
    assert alone.brightness.size == 0 and alone.face_boxes.size == 0
    full = analyse_file(CLIP)
    assert full.scope == "full"
    assert_same_analysis(full, fresh)


def test_changed_file_at_the_same_path_is_a_miss(primed, tmp_path):
    video = settled_copy(CLIP, tmp_path / "video.mp4")
    before = analyse_file(video)
    settled_copy(OTHER_CLIP, video)
    after = analyse_file(video)
    assert_same_analysis(after, analyse_file(OTHER_CLIP, use_cache=False), same_path=False)
    assert before.cuts != after.cuts


def test_same_size_and_restored_mtime_still_rehashes(cache_dir, tmp_path, no_settling):
    """Content rewritten in place, size kept and mtime put back: ctime gives it away."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"a" * 1000)
    os.utime(path, (LONG_AGO, LONG_AGO))
    root = cache.cache_dir()
    first = cache._content_hash(root, path)
    assert str(path.resolve()) in (root / "index.json").read_text()
    assert first is not None and cache._content_hash(root, path) == first
    os.utime(path, (LONG_AGO, LONG_AGO))
    with path.open("r+b") as file:
        file.write(b"b")
    os.utime(path, (LONG_AGO, LONG_AGO))
    assert cache._content_hash(root, path) not in (None, first)


def test_a_file_changed_just_before_hashing_is_not_indexed(cache_dir, tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"a" * 1000)
    root = cache.cache_dir()
    assert cache._content_hash(root, path) is not None
    assert not (root / "index.json").exists()


def _entry_files(cache_dir: Path) -> tuple[Path, Path]:
    (json_path,) = (cache_dir / "analysis").glob("*.json")
    return json_path, json_path.with_suffix(".npz")


@pytest.mark.parametrize(
    "damage",
    ["garbage json", "truncated npz", "missing npz", "swapped npz", "unknown field"],
)
def test_corrupt_entry_is_a_miss_and_is_rewritten(primed, fresh, damage, monkeypatch):
    json_path, npz_path = _entry_files(primed)
    if damage == "garbage json":
        json_path.write_text("{not json")
    elif damage == "truncated npz":
        npz_path.write_bytes(npz_path.read_bytes()[:100])
    elif damage == "missing npz":
        npz_path.unlink()
    elif damage == "swapped npz":
        np.savez(npz_path, a0=np.zeros(3), a1=np.zeros(3), a2=np.zeros(3))
    else:  # an entry written when Analysis had other fields
        json_path.write_text(json_path.read_text().replace('"cuts":', '"old_cuts":'))
    calls = []
    real = editor.analysis.analyze.analyze
    monkeypatch.setattr(
        editor.analysis.analyze, "analyze", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    assert_same_analysis(analyse_file(CLIP), fresh)
    assert calls == [1]
    forbid_reading_footage(monkeypatch)
    assert_same_analysis(analyse_file(CLIP), fresh)


def test_no_cache_neither_reads_nor_writes(primed, monkeypatch):
    json_path, _ = _entry_files(primed)
    json_path.write_text("{not json")
    calls = []
    real = editor.analysis.analyze.analyze
    monkeypatch.setattr(
        editor.analysis.analyze, "analyze", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    analyse_file(CLIP, use_cache=False)
    assert calls == [1]
    assert json_path.read_text() == "{not json"


@pytest.mark.parametrize("command", ["scenes", "main"])
def test_no_cache_flag_writes_nothing(cache_dir, command, tmp_path):
    if command == "scenes":
        args = ["scenes", str(CLIP), "--json", "--no-cache"]
    else:
        preset = tmp_path / "short.toml"
        preset.write_text(
            'name = "short"\ndescription = "5 s"\nduration = 5.0\n[cards]\ntitle = 0\nend = 1.5\n'
        )
        args = [str(CLIP), "--preset", str(preset), "--dry-run", "--no-cache"]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert not cache_dir.exists() or not any(cache_dir.rglob("*"))


def test_cli_second_run_uses_the_cache(cache_dir):
    first = run_cli("scenes", str(CLIP), "--json")
    assert first.returncode == 0, first.stderr
    assert len(list((cache_dir / "analysis").glob("*.npz"))) == 1
    second = run_cli("scenes", str(CLIP), "--json")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout


def test_unusable_cache_folder_means_no_cache(tmp_path, monkeypatch, fresh):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("AUTOCUT_CACHE_DIR", str(blocker / "cache"))
    assert_same_analysis(analyse_file(CLIP), fresh)


def test_errors_are_not_cached(cache_dir, tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_text("this is not a video\n")
    for _ in range(2):
        with pytest.raises(AutocutError, match="not a readable video"):
            analyse_file(fake)
    assert not list((cache_dir / "analysis").glob("*"))


# -- serialisation follows the dataclasses, so new fields need nothing from the cache --------


@dataclass(frozen=True)
class Face:
    frame: int
    box: tuple[int, int, int, int]
    landmarks: np.ndarray
    name: str | None = None


@dataclass(frozen=True)
class RicherAnalysis(Analysis):
    faces: tuple[Face, ...] = ()
    loudness: np.ndarray | None = None
    pitch: np.ndarray | None = None
    tags: dict[str, float] = dataclasses.field(default_factory=dict)
    score: float = 0.0


def test_new_fields_round_trip_without_changes_to_the_cache(fresh):
    richer = RicherAnalysis(
        **{f.name: getattr(fresh, f.name) for f in dataclasses.fields(Analysis)},
        faces=(
            Face(3, (1, 2, 30, 40), np.arange(10, dtype=np.float32).reshape(5, 2), "anna"),
            Face(4, (2, 2, 30, 40), np.zeros((5, 2), np.float32)),
        ),
        loudness=np.linspace(-60, 0, fresh.frame_count),
        tags={"nan": float("nan"), "one": 1.0},
        score=2,
    )
    arrays: dict[str, np.ndarray] = {}
    back = from_plain(RicherAnalysis, to_plain(richer, arrays), arrays)
    assert back.faces[0].name == "anna" and back.faces[1].name is None
    for a, b in zip(richer.faces, back.faces):
        assert (a.frame, a.box) == (b.frame, b.box)
        assert isinstance(b.box, tuple)
        assert np.array_equal(a.landmarks, b.landmarks) and b.landmarks.dtype == np.float32
    assert np.array_equal(back.loudness, richer.loudness) and back.pitch is None
    assert np.isnan(back.tags["nan"]) and back.tags["one"] == 1.0
    assert back.score == 2.0 and isinstance(back.score, float)
    assert_same_analysis(
        Analysis(**{f.name: getattr(back, f.name) for f in dataclasses.fields(Analysis)}), fresh
    )


def test_object_arrays_are_refused():
    with pytest.raises(TypeError):
        to_plain(np.array([object()]), {})


def test_cache_location_per_platform(tmp_path):
    home = Path("/home/ann")
    assert cache_location({}, "linux", home) == home / ".cache" / "autocut"
    assert cache_location({"XDG_CACHE_HOME": "/x/c"}, "linux", home) == Path("/x/c/autocut")
    assert cache_location({"XDG_CACHE_HOME": "rel"}, "linux", home) == home / ".cache/autocut"
    assert cache_location({}, "darwin", home) == home / "Library" / "Caches" / "autocut"
    local = {"LOCALAPPDATA": str(tmp_path)}
    assert cache_location(local, "win32", home) == tmp_path / "autocut" / "Cache"
    mine = {"AUTOCUT_CACHE_DIR": str(tmp_path / "mine"), "XDG_CACHE_HOME": "/x/c"}
    for platform in ("linux", "darwin", "win32"):
        assert cache_location(mine, platform, home) == tmp_path / "mine"
