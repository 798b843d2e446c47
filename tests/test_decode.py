"""The analysis decode stream: every picture once, the whole sound beside it, on the threads
a machine's cores call for."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import editor.media.decode as decode
from editor.media.decode import (
    AUDIO_CHUNK,
    AUDIO_RATE,
    analysis_frames,
    decoder_threads,
    share_cores,
    usable_cores,
)
from editor.media.probe import probe
from tests.conftest import SAMPLE_FOOTAGE


def sound_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "autocut-sound"]


def test_frame_threads_only_with_cores_to_spare():
    assert decoder_threads(1) == 1
    assert decoder_threads(2) == 1
    assert decoder_threads(3) == 0  # libav's own count
    assert decoder_threads(16) == 0


def test_worker_processes_share_the_cores(monkeypatch):
    monkeypatch.setattr(decode.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    try:
        assert usable_cores() == 8
        share_cores(4)
        assert usable_cores() == 2
        assert decoder_threads(usable_cores()) == 1
        share_cores(16)
        assert usable_cores() == 1
    finally:
        share_cores(1)


def test_every_picture_and_the_whole_sound_in_one_pass():
    media = probe(SAMPLE_FOOTAGE / "clip_a.mp4")
    heard: list[tuple[float, int]] = []
    frames = list(analysis_frames(media, 320, audio=lambda s, t: heard.append((t, len(s)))))
    assert [f.index for f in frames] == list(range(390))
    assert np.allclose([f.time for f in frames], np.arange(390) / 30, atol=1e-6)
    assert frames[0].image.shape == (180, 320, 3)
    starts = np.array([t for t, _ in heard])
    lengths = np.array([n for _, n in heard])
    # In order and back to back, covering the clip's 13 s of sound.
    assert np.allclose(starts[1:], starts[:-1] + lengths[:-1] / AUDIO_RATE, atol=1e-6)
    assert abs(starts[0]) < 0.05
    assert abs(lengths.sum() / AUDIO_RATE - media.duration) < 0.1
    assert not sound_threads()


def test_an_error_of_the_sound_sink_reaches_the_consumer():
    media = probe(SAMPLE_FOOTAGE / "clip_b.mp4")

    def sink(samples: np.ndarray, start: float) -> None:
        if start > 2.0:
            raise ValueError("sink broke")

    with pytest.raises(ValueError, match="sink broke"):
        for _ in analysis_frames(media, 320, audio=sink):
            pass
    assert not sound_threads()


def test_stopping_early_ends_the_decoding_and_sound_threads():
    media = probe(SAMPLE_FOOTAGE / "clip_d.mp4")
    frames = analysis_frames(media, 320, audio=lambda s, t: None)
    for frame in frames:
        if frame.index == 5:
            break
    frames.close()
    assert not sound_threads()
    assert not [t for t in threading.enumerate() if t.name == "autocut-decode"]


def test_each_picture_comes_with_the_sound_read_before_it_heard_even_when_hearing_is_slow():
    # Analysis settles shots as pictures come; their sound must be in by then.
    media = probe(SAMPLE_FOOTAGE / "clip_b.mp4")
    heard = [0.0]

    def slow_sink(samples: np.ndarray, start: float) -> None:
        time.sleep(0.05)  # 5x real time: pictures alone would run seconds ahead
        heard[0] = start + len(samples) / AUDIO_RATE

    lags = [f.time - heard[0] for f in analysis_frames(media, 320, audio=slow_sink)]
    assert max(lags) <= AUDIO_CHUNK / AUDIO_RATE + 0.05
