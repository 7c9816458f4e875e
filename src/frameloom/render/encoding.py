"""Encoding overlapped with composing: a thread of its own, fed through a bounded queue.

libx264 and PyAV's ``encode`` run without the GIL, so while the encoder works
on frame n the compositor draws frame n + 1 in the calling thread. The queue
holds ``DEPTH`` frames (3 MB each at 1080p in I420): enough to smooth the
two sides' jitter, small enough to keep memory flat. Frames are copied into
``av.VideoFrame``s before they are queued, so the compositor may reuse its
buffer at once. Muxing happens on the encoder thread only (the container is
not shared between threads). An error on that thread is raised in the
caller at its next frame or at ``finish``.

The composing thread keeps its priority. It once ran 10 nice steps lower
while it fed the encoder (libx264's frame threads wait on one another, and
one preempted stalls the rest); once frames were composed in I420 that lost:
the whole 30 s text-to-video command took 0.1-0.8 s longer niced in 7 of 7
alternating pairs (docs/VIDEO.md).
"""

from __future__ import annotations

import queue
import threading
from typing import Any

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from frameloom.render.frames import Array

DEPTH = 6
_POLL_S = 0.1
Job = tuple[VideoStream, av.VideoFrame] | tuple[AudioStream, av.AudioFrame]


class EncodeThread:
    """Encode and mux ``(stream, frame)`` pairs in order on one thread."""

    def __init__(self, container: av.container.OutputContainer) -> None:
        self.container = container
        self.jobs: queue.Queue[Job | None] = queue.Queue(DEPTH)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="frameloom-encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is not None:
                continue  # failed: drain until the end so that the caller never blocks
            try:
                packets = _encode(job)
                for packet in packets:
                    self.container.mux(packet)
            except BaseException as exc:  # handed to the caller's thread, raised there
                self.error = exc

    def put(self, job: Job) -> None:
        """Queue ``(stream, frame)``; waits while the queue is full."""
        while True:
            self._raise()
            try:
                self.jobs.put(job, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until every queued frame is encoded and muxed; raise the thread's error, if any."""
        self._stop()
        self._raise()

    def _stop(self) -> None:
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()

    def abandon(self) -> None:
        """Stop without raising (the caller is already failing)."""
        self.error = self.error or RuntimeError("abandoned")
        self._stop()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def i420_frame(frame: Array) -> av.VideoFrame:
    """An I420 frame (``(h * 3 // 2, w) uint8``, as ``cv2`` lays it out) as an ``av.VideoFrame``.
    When FFmpeg's planes have no row padding (widths that are multiples of 64 px, 1080p's) the
    planes are filled straight from the array: a third of ``from_ndarray``'s time (bench/video.py section 5)."""
    frame = np.ascontiguousarray(frame)
    rows, width = frame.shape
    height = rows * 2 // 3
    out = av.VideoFrame(width, height, "yuv420p")
    y, u, v = out.planes
    if y.line_size != width or u.line_size * 2 != width or height % 2:
        return av.VideoFrame.from_ndarray(frame, format="yuv420p")
    flat, luma = frame.reshape(-1), width * height
    # any contiguous buffer is taken; the stubs say bytes
    y.update(flat[:luma])  # type: ignore[arg-type]
    u.update(flat[luma:luma + luma // 4])  # type: ignore[arg-type]
    v.update(flat[luma + luma // 4:])  # type: ignore[arg-type]
    return out


def _encode(job: Job) -> list[av.Packet[Any]]:
    if isinstance(job[0], VideoStream):
        assert isinstance(job[1], av.VideoFrame)
        return job[0].encode(job[1])
    assert isinstance(job[1], av.AudioFrame)
    return job[0].encode(job[1])
