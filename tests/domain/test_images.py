from __future__ import annotations

from typing import Any

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import MAX_PROMPT_CHARS, MAX_SEED, ImageRequest


def test_defaults_are_one_1080p_image() -> None:
    req = ImageRequest(prompt="a fox")
    assert (req.width, req.height, req.n, req.seed) == (1920, 1080, 1, 0)


def test_seeds_are_consecutive_and_wrap() -> None:
    assert ImageRequest(prompt="x", seed=5, n=3).seeds() == [5, 6, 7]
    assert ImageRequest(prompt="x", seed=MAX_SEED, n=2).seeds() == [MAX_SEED, 0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": " \n\t"}, "prompt"),
        ({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}, "prompt"),
        ({"width": 100}, "size"),
        ({"height": 4096}, "size"),
        ({"n": 0}, "n"),
        ({"n": 5}, "n"),
        ({"seed": -1}, "seed"),
        ({"seed": MAX_SEED + 1}, "seed"),
        ({"strength": 1.5}, "strength"),
    ],
)
def test_invalid_fields_are_named(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"prompt": "a fox", **kwargs}
    with pytest.raises(InvalidRequest) as exc:
        ImageRequest(**args)
    assert [p.field for p in exc.value.problems] == [field]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidRequest) as exc:
        ImageRequest(prompt="", width=10, n=9)
    assert [p.field for p in exc.value.problems] == ["prompt", "size", "n"]


def test_max_length_prompt_is_accepted() -> None:
    assert ImageRequest(prompt="x" * MAX_PROMPT_CHARS).prompt
