"""JSON -> draft -> JSON is lossless: a seeded sweep over generated valid drafts.

A table-free stand-in for a hypothesis property test (hypothesis is not a
dependency): 300 drafts with every optional key present or not, defaults
spelled out or left implicit, nulls, and unknown keys at every level.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from frameloom.timeline import draft_to_json, parse_draft

SIZES = [(1920, 1080, "16:9"), (1080, 1920, "9:16"), (1080, 1080, "1:1"), (1440, 1080, "4:3"), (1280, 720, None)]


def maybe(rng: random.Random, out: dict[str, Any], key: str, *values: Any) -> None:
    """Set ``key`` to one of ``values`` about half the time."""
    if rng.random() < 0.5:
        out[key] = rng.choice(values)


def unknown(rng: random.Random, out: dict[str, Any]) -> dict[str, Any]:
    if rng.random() < 0.3:
        out[f"x_{rng.randrange(100)}"] = rng.choice([None, True, 3, 2.5, "s", [1, {"a": [None]}], {"k": {}}])
    return out


def video_m(rng: random.Random, d: int) -> dict[str, Any]:
    m: dict[str, Any] = {"src": rng.choice(["img_1", "vid_2", "shot:0"])}
    maybe(rng, m, "in", 0, 1500)
    maybe(rng, m, "fit", "cover", "contain")
    maybe(rng, m, "motion", "none", "zoom_in", "ken_burns", "pan_left")
    maybe(rng, m, "transition", None, {"type": "fade", "d": min(d, 400)}, {"type": "crossfade", "d": d})
    maybe(rng, m, "label", None, "wide shot", "城市")
    return m


def audio_m(rng: random.Random, d: int) -> dict[str, Any]:
    m: dict[str, Any] = {"src": rng.choice(["bgm:lofi", "bgm:cinematic", "song_1"])}
    maybe(rng, m, "volume", 0, 0.35, 1, 1.0)
    maybe(rng, m, "fade_in", 0, d // 3)
    maybe(rng, m, "fade_out", 0, d // 3)
    maybe(rng, m, "loop", True, False)
    maybe(rng, m, "label", "Lo-fi", None)
    return m


def text_m(rng: random.Random, d: int) -> dict[str, Any]:
    m: dict[str, Any] = {"text": rng.choice(["Urban Dreams", "城市之梦", "two\nlines"])}
    maybe(rng, m, "font", None, "Noto Sans")
    maybe(rng, m, "size", 64, 96, 12)
    maybe(rng, m, "color", "#FFFFFF", "#ff8800")
    maybe(rng, m, "pos", "top", "center", "bottom", [0.5, 0.9], [0, 1], [640, 360], [12.5, 300])
    maybe(rng, m, "box", True, False, "#000000")
    maybe(rng, m, "fade_in", 0, d // 2)
    maybe(rng, m, "fade_out", 0, d // 2)
    return m


BODIES = {0: video_m, 1: audio_m, 7: text_m}


def generated(rng: random.Random) -> dict[str, Any]:
    w, h, ar = rng.choice(SIZES)
    meta = unknown(rng, {"w": w, "h": h, "fps": rng.choice([24, 30, 60])})
    if ar:
        meta["ar"] = ar
    tracks, n = [], 0
    for t in range(rng.randrange(5)):
        kind = rng.choice([0, 1, 7])
        segments, start = [], rng.randrange(3) * 500
        for _ in range(rng.randrange(4)):
            n += 1
            d = rng.choice([1, 700, 2000, 4000])
            segments.append(unknown(rng, {"id": f"s{n}", "s": start, "d": d, "m": unknown(rng, BODIES[kind](rng, d))}))
            start += d + rng.choice([0, 0, 250])
        track: dict[str, Any] = {"id": f"t{t}", "tt": kind, "sg": segments}
        maybe(rng, track, "m", {}, {"name": "Layer"}, {"name": None}, {"name": "BGM", "solo": False})
        tracks.append(unknown(rng, track))
    draft = unknown(rng, {"v": 1, "m": meta, "t": tracks})
    maybe(rng, draft, "d", None, 60000, 600000)
    return draft


@pytest.mark.parametrize("seed", range(3))
def test_generated_drafts_round_trip(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        data = generated(rng)
        draft = parse_draft(data)
        assert draft_to_json(draft) == data
        assert parse_draft(json.loads(json.dumps(draft_to_json(draft), ensure_ascii=False))) == draft
