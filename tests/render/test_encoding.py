"""Frames handed to the encoder: I420 arrays become the same ``av.VideoFrame`` by either path."""

from __future__ import annotations

import av
import numpy as np
import pytest

from frameloom.render.encoding import i420_frame


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
