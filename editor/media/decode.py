"""The analysis decode stream: every frame of a file, small, upright, with its true time.

One pass of this stream feeds every analysis signal (shots, frame statistics, and later faces,
motion and audio), so a file is decoded once for all of them. Frames are shrunk in C (OpenCV,
or the decoder's own scaler), turned upright according to the rotation metadata, and carry
their presentation time in seconds from the first frame, which is what variable-frame-rate
input needs.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import av
import cv2
import numpy as np

from editor.errors import AutocutError
from editor.media.container import PacketDecoder, open_input
from editor.media.probe import Media

ANALYSIS_DECODER_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}
"""Decoder shortcuts for analysis only: skipping the deblocking filter and allowing the
decoder's fast paths change pixels by a few levels at full size and nothing visible at
analysis size, and make H.264/HEVC decoding about 1.5-2x faster. Never used for rendering."""


@dataclass(frozen=True)
class Frame:
    """One analysis frame: 0-based decode index, seconds from the first frame, BGR pixels."""

    index: int
    time: float
    image: np.ndarray


def analysis_size(media: Media, width: int) -> tuple[int, int]:
    """Display-oriented analysis size (width, height): ``width`` wide, even, aspect kept."""
    width = min(width, media.width) // 2 * 2
    height = max(2, round(media.height * width / media.width / 2) * 2)
    return width, height


AUDIO_RATE = 16000
"""Sample rate (Hz, mono) at which analysis hears a file: plenty for loudness and speech."""

AudioSink = Callable[[np.ndarray, float], None]
"""Takes mono float32 samples at :data:`AUDIO_RATE` and the time of the first one, in seconds
from the first video frame (negative for sound before the first picture)."""


PREFETCH_BYTES = 32 << 20
"""Decoded pictures held ahead of the analysis at most (ten 1080p frames, two of 4K)."""


def decoder_threads(cores: int) -> int:
    """Threads of the analysis's video decoder, given the cores this process may use: one
    (no frame threading) on two cores or fewer, else libav's own choice (0: one a core and
    one more).

    The analysis keeps two threads busy of its own, the decoder and the signals beside it.
    Frame threading costs the decoder about a fifth more CPU (the 60 s 1080p clip: 4.5 s
    instead of 3.7 s); with cores to spare it still ends sooner, on two cores that CPU is
    taken from the signals, and the whole analysis ends later."""
    return 1 if cores <= 2 else 0


_processes = 1


def share_cores(processes: int) -> None:
    """Say that ``processes`` processes (this one among them) analyse at once on this
    machine, so that each decoder counts only its share of the cores."""
    global _processes
    _processes = max(1, processes)


def usable_cores() -> int:
    """Cores this process may use: those it may run on, shared among :func:`share_cores`."""
    if hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count() or 1
    return max(1, count // _processes)


def analysis_frames(media: Media, width: int, audio: AudioSink | None = None) -> Iterator[Frame]:
    """Decode ``media`` once, yielding upright BGR frames ``width`` wide (the caller's
    analysis size, see :func:`analysis_size`) in presentation order.

    With ``audio``, the first audio stream is decoded in the same pass (packets are read
    once, in file order) and handed to ``audio`` as it comes, from a thread of its own.

    Pictures are decoded in a thread of their own, a few ahead of the consumer
    (:data:`PREFETCH_BYTES`), and shrunk in the consumer's thread: decoding, sound and the
    consumer's signals each keep a core busy instead of waiting on one another, and all of
    them spend their time in C code that lets the others run.
    """
    out_w, out_h = analysis_size(media, width)
    upright = media.rotation in (90, -90)
    # The scaler works on coded (stored) pictures; rotate after scaling, which is cheap.
    scale_w, scale_h = (out_h, out_w) if upright else (out_w, out_h)
    turns = {0: 0, 90: 1, -90: -1, 180: 2}[media.rotation]
    depth = max(2, min(16, PREFETCH_BYTES // max(1, media.width * media.height * 3 // 2)))
    hear = _AudioReader(audio, media.start_time) if audio and media.audio else None
    pictures = prefetch(_decode_pictures(media, hear), depth)
    try:
        for index, time, frame, heard in pictures:
            if hear is not None:
                # As if the sound were decoded in line: every sound packet read before this
                # picture is heard before the picture is analysed, so a shot settled at this
                # picture has its whole sound (whatever the sound thread's pace).
                hear.wait_heard(heard)
            image = small_bgr(frame, scale_w, scale_h)
            if turns:
                image = np.ascontiguousarray(np.rot90(image, turns))
            yield Frame(index=index, time=time, image=image)
    finally:
        pictures.close()
        if hear is not None:
            hear.stop()


def prefetch(items: Iterator, depth: int) -> Iterator:
    """Yield what ``items`` yields, producing it in a background thread up to ``depth``
    items ahead. An exception in the producer is raised in the consumer; a consumer that
    stops early stops the producer."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put((done, None))
        except BaseException as exc:  # handed to the consumer, raised there
            slots.put((done, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="autocut-decode", daemon=True)
    worker.start()
    try:
        while True:
            item, error = slots.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                slots.get_nowait()
            worker.join(timeout=0.05)


def _decode_pictures(
    media: Media, hear: _AudioReader | None
) -> Iterator[tuple[int, float, av.VideoFrame, int]]:
    """``(index, seconds from the first frame, picture, sound packets read before it)`` of
    every decoded frame of :func:`analysis_frames`, decoded in the calling thread; the first
    audio stream's packets go to ``hear``."""
    try:
        with open_input(media.path) as container:
            stream = container.streams.video[0]
            threads = decoder_threads(usable_cores())
            if threads != 1:
                stream.thread_type = "AUTO"
            stream.codec_context.thread_count = threads
            stream.codec_context.options = ANALYSIS_DECODER_OPTIONS
            sound = container.streams.audio[0] if hear and container.streams.audio else None
            time_base = stream.time_base
            first_pts = None
            index = 0
            fed = 0
            decoder = PacketDecoder(media.path)
            for packet in container.demux(*[s for s in (stream, sound) if s is not None]):
                if packet.stream is not stream:
                    hear.feed(packet)
                    fed += 1
                    continue
                for frame in decoder.frames(packet):
                    pts = frame.pts if frame.pts is not None else frame.dts
                    if first_pts is None:
                        first_pts = pts or 0
                    time = (
                        float((pts - first_pts) * time_base)
                        if pts is not None
                        else index / media.fps
                    )
                    yield index, time, frame, fed
                    index += 1
            if hear is not None:
                hear.close()
    except av.FFmpegError as exc:
        raise AutocutError(media.path, f"decoding failed ({exc})") from None


AUDIO_CHUNK = 4096
"""Samples handed to the sink at a time (a quarter second): the same samples as the
decoder's own frames of about 20 ms would give, in a twelfth of the calls."""


class _AudioReader:
    """Decodes audio packets to mono float samples at :data:`AUDIO_RATE` for a sink, in a
    thread of its own (the picture decoder is the analysis's longest thread on two cores).

    A broken audio packet costs its own samples, never the video analysis: sound is one
    signal among many. An error of the sink itself is raised by :meth:`close`.
    """

    def __init__(self, sink: AudioSink, start_time: float) -> None:
        self._sink = sink
        self._start = start_time
        self._resampler = av.AudioResampler(
            format="flt", layout="mono", rate=AUDIO_RATE, frame_size=AUDIO_CHUNK
        )
        self._next: float | None = None
        self._packets: queue.SimpleQueue[av.Packet | None] = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._stopping = False
        self._heard = 0  # packets done with
        self._ended = False
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="autocut-sound", daemon=True)
        self._thread.start()

    def feed(self, packet: av.Packet) -> None:
        """Queue ``packet`` (a packet of size 0 ends the stream: the resampler is flushed).
        Raises what the sink raised, if it has."""
        if self._failure is not None:
            raise self._failure
        self._packets.put(packet)

    def wait_heard(self, count: int) -> None:
        """Wait until the first ``count`` packets fed are heard (or the thread has ended)."""
        with self._progress:
            self._progress.wait_for(lambda: self._heard >= count or self._ended)

    def close(self) -> None:
        """Wait until every packet fed is heard; raise what the sink raised, if anything."""
        self._packets.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        """End the thread without hearing what is still queued (decoding stopped early, or
        done: then there is nothing left)."""
        self._stopping = True
        self._packets.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            while (packet := self._packets.get()) is not None and not self._stopping:
                self._decode(packet)
                with self._progress:
                    self._heard += 1
                    self._progress.notify_all()
        except BaseException as exc:  # raised by close(), in the decoding thread
            self._failure = exc
        finally:
            with self._progress:
                self._ended = True
                self._progress.notify_all()

    def _decode(self, packet: av.Packet) -> None:
        try:
            frames = packet.decode()
            for frame in frames:
                if frame.time is not None and self._next is None:
                    self._next = float(frame.time) - self._start
                for out in self._resampler.resample(frame):
                    self._emit(out)
            if packet.size == 0:  # end of stream: what the resampler still holds
                for out in self._resampler.resample(None):
                    self._emit(out)
        except av.FFmpegError:
            return

    def _emit(self, frame: av.AudioFrame) -> None:
        samples = frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)
        start = self._next if self._next is not None else 0.0
        self._sink(samples, start)
        self._next = start + len(samples) / AUDIO_RATE


def small_bgr(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """``frame`` scaled down to ``width`` x ``height`` BGR.

    For 4:2:0 pictures (nearly all video) the three planes are shrunk directly by OpenCV,
    first by skipping pixels down to about twice the target size and then by averaging, and
    only the small result is converted to BGR: about 1.5x faster than converting the full
    picture. Other formats go through the decoder library's scaler.
    """
    if frame.format.name not in ("yuv420p", "yuvj420p") or frame.width < 2 * width:
        return frame.to_ndarray(width=width, height=height, format="bgr24", interpolation="AREA")
    skip = max(1, frame.width // (2 * width))
    luma = plane_array(frame, 0, frame.width)[::skip, ::skip]
    u = plane_array(frame, 1, frame.width // 2)[::skip, ::skip]
    v = plane_array(frame, 2, frame.width // 2)[::skip, ::skip]
    half = (width // 2, height // 2)
    i420 = np.concatenate(
        [
            cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA).reshape(-1),
            cv2.resize(u, half, interpolation=cv2.INTER_AREA).reshape(-1),
            cv2.resize(v, half, interpolation=cv2.INTER_AREA).reshape(-1),
        ]
    ).reshape(height * 3 // 2, width)
    return cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)


def plane_array(frame: av.VideoFrame, index: int, width: int) -> np.ndarray:
    """Plane ``index`` of ``frame`` as a (height, width) uint8 view, without copying."""
    plane = frame.planes[index]
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, :width]
