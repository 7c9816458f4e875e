"""Titles that stay clear: for a table of prompts and every aspect, the title's
box (as the compositor places it) covers the main subject's box in no frame it
shows over, and lies inside the aspect's safe zone."""

from __future__ import annotations

import numpy as np
import pytest

from frameloom.domain.video import VideoRequest
from frameloom.render.compositor import prepare_text
from frameloom.timeline import TextSegment, TrackKind
from frameloom.video.framing import needs_scrim, place, safe_area
from frameloom.video.text_to_video import draft_for, film_for, subject_boxes

ASPECTS = {"16:9": (384, 216), "9:16": (216, 384), "1:1": (288, 288), "4:5": (256, 320)}
PROMPTS = ("a fox reading a book in a forest at sunset", "a knight riding a horse in a field",
           "a cat sleeping on a sofa in a room", "a dog running on a beach")


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_title_covers_no_main_subject(prompt: str, aspect: str) -> None:
    check_clear(prompt, aspect, 3.0)  # the default: over the wide shot


@pytest.mark.parametrize("aspect", ASPECTS)
def test_a_title_over_the_whole_film_covers_the_subject_in_no_shot(aspect: str) -> None:
    check_clear(PROMPTS[0], aspect, 12.0)  # over the wide, medium and close shots and their crossfades


def check_clear(prompt: str, aspect: str, seconds: float) -> None:
    width, height = ASPECTS[aspect]
    request = VideoRequest(prompt=prompt, seconds=12, seed=2, width=width, height=height, title="Urban Dreams",
                           title_seconds=seconds)
    film = film_for(request)
    draft = draft_for(request, film)
    (track,) = [t for t in draft.tracks if t.kind == TrackKind.TEXT]
    (seg,) = track.segments
    assert isinstance(seg, TextSegment)
    layer = prepare_text(seg, draft, width, height).overlay
    title = (layer.x, layer.y, layer.x + layer.luma.shape[1], layer.y + layer.luma.shape[0])
    boxes = subject_boxes(film, 0, seg.duration_ms)
    assert len(boxes) >= seconds * 10, "every 100 ms of the title, in each shot on screen"
    for box in boxes:
        assert overlap(title, box) == 0, f"title {title} over the subject {box}"
    x0, y0, x1, y1 = safe_area(width, height)
    assert x0 - 2 <= title[0]
    assert title[2] <= x1 + 2
    assert y0 - 2 <= title[1]
    assert title[3] <= y1 + 2


def test_the_vertical_safe_zone_keeps_the_phone_bands_clear() -> None:
    x0, y0, _x1, y1 = safe_area(1080, 1920)
    assert (y0, 1920 - y1) == pytest.approx((0.14 * 1920, 0.35 * 1920)), "Reels: 358 px top, 896 px bottom of 2560"
    assert x0 == pytest.approx(0.06 * 1080)
    assert safe_area(1920, 1080) == pytest.approx((96, 54, 1824, 1026)), "title safe: 90 %"


def test_a_title_moves_off_a_subject_and_shrinks_when_it_must() -> None:
    centred = place((400, 100), 1920, 1080, [])
    assert centred.scale == 1
    assert centred.cx == 960
    blocked = place((400, 100), 1920, 1080, [(0, 0, 1920, 700)])
    assert blocked.box[1] >= 700
    assert blocked.scale == 1
    tight = place((1600, 400), 1920, 1080, [(0, 0, 1920, 650)])
    assert tight.box[1] >= 650
    assert tight.scale < 1


def test_the_treatment_follows_the_picture_under_the_title() -> None:
    dark = np.full((40, 200), 40, np.uint8)
    bright = np.full((40, 200), 200, np.uint8)
    busy = np.tile(np.array([20, 220], np.uint8), (40, 100))
    assert not needs_scrim(dark)
    assert needs_scrim(bright)
    assert needs_scrim(busy)
