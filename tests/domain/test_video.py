"""The text-to-video request: its defaults, and every bad field named before anything is drawn or charged."""

from __future__ import annotations

from typing import Any

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import MAX_SEED, random_seed
from frameloom.domain.video import MAX_TITLE_CHARS, MUSIC_STYLES, VideoRequest


def test_defaults_are_eight_seconds_of_1080p30_by_the_compose_engine_with_no_title() -> None:
    req = VideoRequest(prompt="a fox")
    assert (req.seconds, req.width, req.height, req.fps) == (8.0, 1920, 1080, 30)
    assert (req.title, req.title_seconds, req.engine, req.music) == (None, 3.0, None, None)


def test_the_music_styles_of_the_spec() -> None:
    assert MUSIC_STYLES == ("lofi", "ambient", "upbeat", "cinematic")


@pytest.mark.parametrize("title", ["Urban Dreams", "城市之梦", "x" * MAX_TITLE_CHARS])
def test_a_title_in_any_script_up_to_200_characters_is_taken(title: str) -> None:
    assert VideoRequest(prompt="a fox", title=title, engine="compose").title == title


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"seconds": 0.5}, "seconds"),
        ({"seconds": 301}, "seconds"),
        ({"seconds": float("nan")}, "seconds"),
        ({"fps": 0}, "fps"),
        ({"fps": 61}, "fps"),
        ({"music": "polka"}, "music"),
        ({"music_volume": 1.5}, "music_volume"),
        ({"title": "x" * (MAX_TITLE_CHARS + 1)}, "title"),
        ({"title": "  "}, "title"),
        ({"title_seconds": 0}, "title_seconds"),
        ({"title_seconds": float("inf")}, "title_seconds"),
        ({"engine": "dall-e"}, "engine"),
        ({"engine": "nope"}, "engine"),
        ({"prompt": " "}, "prompt"),
        ({"width": 100}, "size"),
        ({"seed": MAX_SEED + 1}, "seed"),
    ],
)
def test_bad_fields_are_named(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"prompt": "a fox", **kwargs}
    with pytest.raises(InvalidRequest) as caught:
        VideoRequest(**args)
    assert [p.field for p in caught.value.problems] == [field]


def test_an_engine_that_cannot_make_video_is_refused_naming_the_one_that_can() -> None:
    with pytest.raises(InvalidRequest) as caught:
        VideoRequest(prompt="a fox", engine="dalle")
    assert str(caught.value) == ("engine: 'dalle' cannot make a video; text to video draws with compose, diffusers, "
                                 "openai")


def test_random_seeds_are_in_range_and_vary() -> None:
    seeds = {random_seed() for _ in range(20)}
    assert all(0 <= s <= MAX_SEED for s in seeds)
    assert len(seeds) > 1
