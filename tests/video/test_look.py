"""The fast frame path keeps the look: each shot's frames by tiles against the
reference path (every group drawn by skia over the whole frame, the neon's
glow blurred per frame, as before tiles), on fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest

from frameloom.domain.video import VideoRequest
from frameloom.video.text_to_video import film_for

PROMPTS = ("a futuristic city skyline at night with neon lights", "a fox reading a book in a forest at sunset",
           "a lighthouse by the sea in the rain", "a cabin in the mountains in the snow")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b) ** 2).mean())
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_tiles_draw_what_skia_drew(prompt: str) -> None:
    film = film_for(VideoRequest(prompt=prompt, seconds=12, seed=5, width=480, height=272))
    for index in range(len(film.shots)):
        fast, slow = film.player(index), film.player(index, reference=True)
        for ms in (0, 1300, 2600, 3966):
            a, b = fast.frame(ms), slow.frame(ms)
            diff = np.abs(a.astype(np.int16) - b).mean()
            assert diff < 2.0, f"shot {index} at {ms} ms: mean difference {diff:.2f} / 255"
            assert psnr(a, b) > 35, f"shot {index} at {ms} ms"


def test_the_reference_is_another_path() -> None:
    """Not the same code twice: the paths differ in their last bits somewhere."""
    film = film_for(VideoRequest(prompt=PROMPTS[0], seconds=4, seed=5, width=480, height=272))
    a, b = film.player(0).frame(500), film.player(0, reference=True).frame(500)
    assert not np.array_equal(a, b)
