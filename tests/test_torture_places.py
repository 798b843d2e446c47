"""Hostile places and moments through the real CLI: outputs that cannot be written, a disk that
fills up, Ctrl-C and SIGTERM mid-run, two runs into one folder, folders of good and bad files.
Each ends in a correct output or one line and a non-zero exit, and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pty
import resource
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from fixtures.torture import long_file
from tests.conftest import assert_clean_failure, run_cli
from tests.test_torture_media import SHORT, assert_video


@pytest.fixture
def good(torture) -> Path:
    return torture["silent"]


def made(out: Path, stem: str) -> Path:
    """The main job's video in ``out`` for an input named ``stem``, checked complete."""
    video = out / f"{stem}_short.mp4"
    assert_video(video, *SHORT)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    return video


@contextlib.contextmanager
def tmpfs(where: Path, *options: str):
    """A small tmpfs mounted at ``where`` (skips where this machine does not allow mounts)."""
    where.mkdir(parents=True, exist_ok=True)
    opts = ",".join(["size=4m", *options])
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_output_under_a_file(tmp_path, good, short_preset):
    (tmp_path / "notes").write_text("x")
    result = run_cli(str(good), "--preset", str(short_preset), "-o", str(tmp_path / "notes/out"))
    assert_clean_failure(result, tmp_path / "none", "notes/out", "cannot be written")


def test_output_naming_an_existing_file(tmp_path, good, short_preset):
    (tmp_path / "notes").write_text("x")
    result = run_cli(str(good), "--preset", str(short_preset), "-o", str(tmp_path / "notes"))
    assert_clean_failure(result, tmp_path / "none", "notes", "is a file, not a folder")
    assert (tmp_path / "notes").read_text() == "x"


def test_new_folder_on_a_read_only_file_system(tmp_path, good, short_preset):
    with tmpfs(tmp_path / "ro", "ro"):
        out = tmp_path / "ro" / "new"
        result = run_cli(str(good), "--preset", str(short_preset), "-o", str(out))
        assert_clean_failure(result, out, "ro/new", "read-only file system")


def test_reframe_output_naming_a_folder(tmp_path, good):
    (tmp_path / "folder").mkdir()
    result = run_cli("reframe", str(good), "-o", str(tmp_path / "folder"))
    assert_clean_failure(result, tmp_path / "folder", "folder", "give a file name")


def test_reframe_never_overwrites_its_source(tmp_path, good):
    source = tmp_path / "clip.mp4"
    shutil.copy(good, source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = run_cli("reframe", str(source), "-o", str(source))
    assert result.returncode == 1 and "would overwrite the input" in result.stderr
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_folder_used_for_input_and_output_never_feeds_on_itself(tmp_path, torture, short_preset):
    folder = tmp_path / "footage"
    folder.mkdir()
    for name in ("silent", "vp9"):
        shutil.copy(torture[name], folder)
    for _ in range(2):
        result = run_cli(str(folder), "--preset", str(short_preset), "-o", str(folder))
        assert result.returncode == 0, result.stderr
    edl = json.loads((folder / "footage_short.edl.json").read_text())
    sources = {Path(s["source"]).name for s in edl["segments"]}
    assert sources <= {"silent.mp4", "vp9.webm"}
    made(folder, "footage")


@pytest.mark.parametrize("how", ["file size limit", "full disk"])
def test_disk_filling_up_mid_render(tmp_path, good, short_preset, how):
    """The output does not fit: one line, no partial file; the next run with room works."""
    out = tmp_path / "out"
    args = [sys.executable, "-m", "editor", str(good), "--preset", str(short_preset)]
    with contextlib.ExitStack() as stack:
        limit = None
        if how == "full disk":
            stack.enter_context(tmpfs(out, "size=96k"))
        else:

            def limit():
                resource.setrlimit(resource.RLIMIT_FSIZE, (96_000, 96_000))

        result = subprocess.run([*args, "-o", str(out)], capture_output=True, text=True,
                                preexec_fn=limit, check=False, timeout=600)  # fmt: skip
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "cannot be written" in lines[0] or "disk" in lines[0] or "size" in lines[0]
        assert not [p for p in out.iterdir() if not p.name.startswith("lost+found")]
    result = run_cli(str(good), "--preset", str(short_preset), "-o", str(out))
    assert result.returncode == 0, result.stderr
    made(out, good.stem)


def _ctrl_c_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watched:
    """A CLI run with stderr on a terminal, so that its progress bars show which stage it is
    in; ``wait_for`` returns once a word has appeared there."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # bars' width
        self.text = ""
        # A run started in the background of a script inherits Ctrl-C ignored, and keeps
        # ignoring it as it should; the run here is meant to be a terminal's foreground job.
        self.proc = subprocess.Popen([sys.executable, "-m", "editor", *args],
                                     stdout=subprocess.DEVNULL, stderr=slave, env=env,
                                     preexec_fn=_ctrl_c_default)  # fmt: skip
        os.close(slave)
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    def _read(self, fd: int) -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(fd, 4096):
                self.text += chunk.decode(errors="replace")
        os.close(fd)

    def wait_for(self, word: str, seconds: float = 300) -> None:
        end = time.monotonic() + seconds
        while word not in self.text:
            assert self.proc.poll() is None, f"ended before {word!r}: {self.text[-500:]}"
            assert time.monotonic() < end, f"no {word!r} in {self.text[-500:]}"
            time.sleep(0.05)

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=120)
        self._reader.join(timeout=10)
        return code


@pytest.fixture(scope="module")
def two_minutes(tmp_path_factory) -> Path:
    """Long enough that analysis and rendering each take a few seconds."""
    return long_file(tmp_path_factory.mktemp("long") / "two minutes.mp4", 2)


@pytest.mark.parametrize(
    ("stage", "signum"),
    [("analyse", signal.SIGTERM), ("render", signal.SIGINT)],
    ids=["analyse-SIGTERM", "render-SIGINT"],
)  # each stage and each signal once: the four pairs cost two minutes of CI
def test_interrupted_run_leaves_nothing_and_a_rerun_works(tmp_path, two_minutes, signum, stage):
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "AUTOCUT_CACHE_DIR": str(tmp_path / "cache")}
    args = (str(two_minutes), "--preset", "teaser", "-o", str(out))
    run = Watched(*args, env=env)
    run.wait_for(stage)
    time.sleep(0.5)
    code = run.stop(signum)
    assert code == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], run.text[-500:]
    assert "Traceback" not in run.text
    assert "no partial output was kept" in run.text
    assert not out.exists() or not list(out.iterdir())
    assert not list(scratch.iterdir())
    rerun = subprocess.run([sys.executable, "-m", "editor", *args], capture_output=True,
                           text=True, env=env, check=False, timeout=900)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert_video(out / "two minutes_teaser.mp4", 1080, 1920, 30.0, 15.0)


def test_two_runs_into_one_folder_at_once(tmp_path, good, short_preset):
    out = tmp_path / "out"
    args = [
        sys.executable,
        "-m",
        "editor",
        str(good),
        "--preset",
        str(short_preset),
        "-o",
        str(out),
    ]
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    made(out, good.stem)


def test_folder_of_good_and_bad_files(tmp_path, torture, short_preset):
    folder, out = tmp_path / "mixed", tmp_path / "out"
    folder.mkdir()
    for name in ("silent", "zero_bytes", "vp9", "text", "no_index", "audio_only"):
        shutil.copy(torture[name], folder)
    result = run_cli(str(folder), "--preset", str(short_preset), "-o", str(out))
    assert result.returncode == 1, result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 4 and "Traceback" not in result.stderr
    for bad in ("zero_bytes.mp4", "notes.mp4", "no_index.mp4", "audio_only.mp4"):
        assert sum(bad in line for line in skipped) == 1
    made(out, "mixed")


def test_missing_path_among_good_inputs(tmp_path, torture, short_preset):
    out = tmp_path / "out"
    inputs = [str(torture["silent"]), str(tmp_path / "nowhere.mp4"), str(torture["vp9"])]
    result = run_cli(*inputs, "--preset", str(short_preset), "-o", str(out))
    assert result.returncode == 1
    assert "skipped" in result.stderr and "nowhere.mp4: no such file" in result.stderr
    made(out, "autocut")


def test_split_into_the_root_of_a_mount_point(tmp_path, good):
    with tmpfs(tmp_path / "mnt") as mnt:
        result = run_cli("scenes", str(good), "--split", str(mnt))
        assert result.returncode == 0, result.stderr
        shots = sorted(p for p in mnt.iterdir() if p.suffix == ".mp4")
        assert shots and all(p.stat().st_size > 0 for p in shots)
        assert not [p for p in mnt.iterdir() if p.name.startswith(".")]


def test_check_takes_a_folder(tmp_path, good, short_preset):
    out = tmp_path / "out"
    assert run_cli(str(good), "--preset", str(short_preset), "-o", str(out)).returncode == 0
    result = run_cli("check", str(out))
    assert "no such file" not in result.stderr
    assert f"{good.stem}_short.mp4" in result.stdout + result.stderr


def tree_rss(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        todo += children.get(pid, [])
    return total


def peak_rss(*args: str, env: dict[str, str]) -> int:
    """Run the CLI with ``args``; the peak of its process tree's resident memory."""
    proc = subprocess.Popen([sys.executable, "-m", "editor", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    assert proc.returncode == 0, proc.stderr.read().decode()
    return peak


@pytest.mark.skipif(
    os.environ.get("AUTOCUT_TORTURE_LONG") != "1" or not Path("/proc").is_dir(),
    reason="the 2-hour run takes several minutes: set AUTOCUT_TORTURE_LONG=1 (Linux)",
)
def test_memory_stays_flat_on_a_two_hour_file(tmp_path):
    """The main job's peak memory on 2 hours of footage is that of 10 minutes, under 1.5 GB."""
    peaks = {}
    for minutes in (10, 120):
        footage = long_file(tmp_path / f"{minutes} min.mp4", minutes)
        env = {**os.environ, "AUTOCUT_CACHE_DIR": str(tmp_path / f"cache{minutes}")}
        out = tmp_path / f"out{minutes}"
        peaks[minutes] = peak_rss(str(footage), "--preset", "teaser", "-o", str(out), env=env)
        footage.unlink()
    print(f"peak RSS: 10 min {peaks[10] / 1e6:.0f} MB, 2 h {peaks[120] / 1e6:.0f} MB")
    assert peaks[120] < 1.5e9
    assert peaks[120] < 1.3 * peaks[10]
