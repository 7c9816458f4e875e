"""Fixtures for the timeline tests: the SPEC section 5 example, fresh for each test."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from frameloom.timeline import Draft, parse_draft

SPEC_EXAMPLE: dict[str, Any] = {
    "v": 1, "d": 10000,
    "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"},
    "t": [
        {"id": "v1", "tt": 0, "m": {"name": "Video"},
         "sg": [{"id": "s1", "s": 0, "d": 10000,
                 "m": {"src": "<media_id>", "label": "city timelapse", "fit": "cover", "motion": "zoom_in"}}]},
        {"id": "a1", "tt": 1, "m": {"name": "BGM"},
         "sg": [{"id": "s2", "s": 0, "d": 10000,
                 "m": {"src": "bgm:lofi", "label": "Lo-fi", "volume": 0.35, "fade_out": 1000}}]},
        {"id": "x1", "tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "s3", "s": 0, "d": 3000,
                 "m": {"text": "Urban Dreams", "pos": "center", "size": 96, "fade_in": 300}}]},
    ],
}


@pytest.fixture
def spec_json() -> dict[str, Any]:
    """The SPEC example as ``json.loads`` gives it; a copy the test may change."""
    return copy.deepcopy(SPEC_EXAMPLE)


@pytest.fixture
def spec_draft(spec_json: dict[str, Any]) -> Draft:
    return parse_draft(spec_json, media_ids={"<media_id>"})
