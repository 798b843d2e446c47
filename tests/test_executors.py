"""Other executors (--workers, --executor dask) make what a run in one process makes: the
same EDLs byte for byte, the same files and summary, even when a worker dies mid-task."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from editor.batch.executors import ATTEMPTS, LocalExecutor
from editor.errors import AutocutError
from tests.conftest import SERIES_EXPORTS


def _die_once(marker: str, value: int) -> int:
    """Kills the worker process it runs in, the first time only."""
    if not Path(marker).exists():
        Path(marker).write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    return value * 2


def _die_always(value: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return value


def _square(value: int) -> int:
    time.sleep(0.2)
    return value * value


def _wait_all(executor, tasks) -> None:
    left = list(tasks)
    while left:
        for task in executor.wait(left):
            left.remove(task)


def test_a_local_worker_that_dies_has_its_tasks_run_again(tmp_path):
    executor = LocalExecutor(2)
    try:
        tasks = [executor.submit(_square, n) for n in range(4)]
        tasks.append(executor.submit(_die_once, str(tmp_path / "marker"), 21))
        _wait_all(executor, tasks)
        assert [t.result() for t in tasks] == [0, 1, 4, 9, 42]
        assert tasks[-1].attempts == 2
        doomed = executor.submit(_die_always, 1)
        _wait_all(executor, [doomed])
        with pytest.raises(AutocutError, match=f"died under it {ATTEMPTS} times"):
            doomed.result()
        assert executor.submit(_square, 3).result() == 9  # the executor still works
    finally:
        executor.close()


def _kill_a_worker_mid_render(run: subprocess.Popen, killed: list[int]) -> None:
    """SIGKILL the first worker process seen running an encoder (mid-render)."""
    parent = psutil.Process(run.pid)
    while run.poll() is None:
        try:
            for child in parent.children(recursive=True):
                if "ffmpeg" in child.name().lower() and child.ppid() != run.pid:
                    worker = psutil.Process(child.ppid())
                    worker.send_signal(signal.SIGKILL)
                    killed.append(worker.pid)
                    return
        except psutil.Error:
            pass
        time.sleep(0.02)


def _made(out: Path) -> dict[str, str]:
    """Every EDL and hand-off file below ``out`` with its text, and every other file's
    name."""
    return {
        str(p.relative_to(out)): p.read_text() if p.suffix in (".json", ".otio", ".edl") else ""
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in ("summary.json", "manifest.json", "report.html")
    }


@pytest.mark.parametrize("executor", [["--workers", "2"], ["--executor", "dask", "--workers", "2"]])
def test_other_executors_make_the_same_edls_with_a_worker_killed_mid_render(
    series_run, tmp_path, executor
):
    series, serial, serial_result = series_run
    out = tmp_path / "out"
    command = [sys.executable, "-m", "editor", str(series), "--each", "file", "--preset",
               str(serial.parent / "short.toml"), "-o", str(out), *SERIES_EXPORTS,
               *executor]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: list[int] = []
    killer = threading.Thread(target=_kill_a_worker_mid_render, args=(run, killed))
    killer.start()
    stdout, stderr = run.communicate(timeout=900)
    killer.join()
    assert killed, "a worker was killed while it rendered"
    assert run.returncode == serial_result.returncode == 1
    assert "Traceback" not in stderr
    (line,) = stderr.splitlines()
    assert "ep03.mp4" in line and "not a readable video" in line
    assert _made(out) == _made(serial)  # same files, EDLs byte-identical, no leftovers
    ours = json.loads((out / "summary.json").read_text())
    theirs = json.loads((serial / "summary.json").read_text())
    assert [(e["episode"], e["status"], len(e["outputs"])) for e in ours["episodes"]] == [
        (e["episode"], e["status"], len(e["outputs"])) for e in theirs["episodes"]
    ]
    assert "3 of 4 episodes made, 3 outputs, 1 failed" in stdout.splitlines()


def test_workers_end_with_a_run_killed_outright(series_run, tmp_path):
    """SIGKILL leaves the run no chance to stop its workers: they end by themselves, and
    write nothing more into the output folder."""
    series, serial, _ = series_run
    out = tmp_path / "out"
    command = [sys.executable, "-m", "editor", str(series), "--each", "file", "--preset",
               str(serial.parent / "short.toml"), "-o", str(out), "--workers", "2"]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(run.pid)
    workers: list[psutil.Process] = []
    while run.poll() is None and len(workers) < 2:
        with contextlib.suppress(psutil.Error):  # (a process may end as it is looked at)
            workers = [p for p in parent.children() if "spawn_main" in " ".join(p.cmdline())]
        time.sleep(0.02)
    assert len(workers) == 2, "the run started its two workers"
    run.send_signal(signal.SIGKILL)
    run.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=60)  # a guard against a hang only
    assert not alive, [p.pid for p in alive]
