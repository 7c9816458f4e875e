"""Frames handed to the encoder: I420 arrays become the same ``av.VideoFrame`` by either path,
and the thread that composes them yields the CPU to the encoder's threads while it does."""

from __future__ import annotations

import os
import sys
import threading

import av
import numpy as np
import pytest

from frameloom.render.encoding import COMPOSER_NICE, i420_frame, yielding_to_encoder


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920), (642, 360), (64, 2)])
def test_an_i420_array_becomes_the_frame_from_ndarray_would_make(width: int, height: int) -> None:
    frame = np.random.default_rng(width).integers(0, 256, (height * 3 // 2, width), dtype=np.uint8)
    made = i420_frame(frame)
    assert (made.width, made.height, made.format.name) == (width, height, "yuv420p")
    assert np.array_equal(made.to_ndarray(format="yuv420p"), frame)
    assert np.array_equal(made.to_ndarray(format="yuv420p"),
                          av.VideoFrame.from_ndarray(frame, format="yuv420p").to_ndarray(format="yuv420p"))


def test_a_view_that_is_not_contiguous_is_taken_too() -> None:
    wide = np.random.default_rng(1).integers(0, 256, (1620, 3840), dtype=np.uint8)
    assert np.array_equal(i420_frame(wide[:, ::2]).to_ndarray(format="yuv420p"), wide[:, ::2])


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_the_composing_thread_yields_to_the_encoder_and_gets_its_priority_back() -> None:
    seen: dict[str, int] = {}

    def compose() -> None:
        tid = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, tid)
        with yielding_to_encoder():
            seen["during"] = os.getpriority(os.PRIO_PROCESS, tid)
            seen["process"] = os.getpriority(os.PRIO_PROCESS, os.getpid())
        seen["after"] = os.getpriority(os.PRIO_PROCESS, tid)

    thread = threading.Thread(target=compose)
    thread.start()
    thread.join()
    assert seen["during"] == min(19, seen["before"] + COMPOSER_NICE)
    assert seen["process"] == seen["before"], "only the composing thread, not the process"
    if os.geteuid() == 0:  # giving the priority back needs the privilege to raise it
        assert seen["after"] == seen["before"]
