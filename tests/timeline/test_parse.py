"""parse_draft: the SPEC example reads into typed values; a bad draft names every problem by its path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.timeline import (
    AudioSegment,
    Draft,
    DraftInvalid,
    TextSegment,
    TrackKind,
    Transition,
    VideoSegment,
    draft_to_json,
    parse_draft,
)


def problems(data: object, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(DraftInvalid) as caught:
        parse_draft(data, **kwargs)
    return [(p.field, p.problem) for p in caught.value.problems]


def paths(data: object, **kwargs: Any) -> list[str]:
    return [field for field, _ in problems(data, **kwargs)]


def draft_with(segments: dict[int, list[dict[str, Any]]] | None = None, **meta: Any) -> dict[str, Any]:
    """A minimal valid draft: one track of each kind (t[0] video, t[1] audio, t[2] text)."""
    sg: dict[int, list[dict[str, Any]]] = {0: [], 1: [], 2: []} | (segments or {})
    return {"v": 1, "m": {"w": 1920, "h": 1080, "fps": 30} | meta,
            "t": [{"id": "v", "tt": 0, "sg": sg[0]}, {"id": "a", "tt": 1, "sg": sg[1]}, {"id": "x", "tt": 7, "sg": sg[2]}]}


def seg(ident: str, start: int, duration: int, **m: Any) -> dict[str, Any]:
    return {"id": ident, "s": start, "d": duration, "m": m}


# --- the SPEC example


def test_spec_example_reads_into_typed_values(spec_draft: Draft) -> None:
    assert (spec_draft.version, spec_draft.duration_ms) == (1, 10000)
    assert (spec_draft.width, spec_draft.height, spec_draft.fps, spec_draft.aspect) == (1920, 1080, 30, "16:9")
    video, music, title = spec_draft.tracks
    assert [t.kind for t in spec_draft.tracks] == [TrackKind.VIDEO, TrackKind.AUDIO, TrackKind.TEXT]
    assert [t.name for t in spec_draft.tracks] == ["Video", "BGM", "Title"]
    assert video.segments == (VideoSegment("s1", 0, 10000, "<media_id>", fit="cover", motion="zoom_in",
                                           label="city timelapse"),)
    assert music.segments == (AudioSegment("s2", 0, 10000, "bgm:lofi", volume=0.35, fade_out_ms=1000,
                                           label="Lo-fi"),)
    (text,) = title.segments
    assert text == TextSegment("s3", 0, 3000, "Urban Dreams", pos="center", size=96, fade_in_ms=300)
    assert (text.color, text.box, text.font, text.fade_out_ms) == ("#FFFFFF", False, None, 0)
    assert isinstance(music.segments[0], AudioSegment)
    assert music.segments[0].bgm_style == "lofi"


def test_spec_example_round_trips_exactly(spec_json: dict[str, Any], spec_draft: Draft) -> None:
    out = draft_to_json(spec_draft)
    assert out == spec_json
    assert json.loads(json.dumps(out)) == spec_json


def test_values_are_immutable(spec_draft: Draft) -> None:
    with pytest.raises(AttributeError):
        spec_draft.width = 1080  # type: ignore[misc]
    assert isinstance(spec_draft.tracks, tuple)
    assert isinstance(spec_draft.tracks[0].segments, tuple)


def test_unknown_keys_are_kept_at_every_level(spec_json: dict[str, Any]) -> None:
    spec_json["project"] = {"title": "City", "tags": ["neon", 1]}
    spec_json["m"]["bg"] = "#000000"
    spec_json["t"][0]["locked"] = True
    spec_json["t"][0]["m"]["muted"] = False
    spec_json["t"][0]["sg"][0]["speed"] = 1.5
    spec_json["t"][0]["sg"][0]["m"]["opacity"] = 0.5
    spec_json["t"][0]["sg"][0]["m"]["transition"] = {"type": "fade", "d": 500, "ease": "in_out"}
    draft = parse_draft(spec_json)
    segment = draft.tracks[0].segments[0]
    assert draft.extra_outer == {"project": {"title": "City", "tags": ("neon", 1)}}
    assert draft.extra == {"bg": "#000000"}
    assert (draft.tracks[0].extra, draft.tracks[0].extra_outer) == ({"muted": False}, {"locked": True})
    assert segment.extra == {"opacity": 0.5}
    assert segment.extra_outer == {"speed": 1.5}
    assert isinstance(segment, VideoSegment)
    assert segment.transition == Transition("fade", 500, {"ease": "in_out"})
    assert draft_to_json(draft) == spec_json


def test_extras_are_frozen(spec_json: dict[str, Any]) -> None:
    spec_json["project"] = {"tags": ["neon"]}
    draft = parse_draft(spec_json)
    spec_json["project"]["tags"].append("changed")  # the caller's data stays the caller's
    assert draft_to_json(draft)["project"] == {"tags": ["neon"]}
    with pytest.raises(TypeError):
        draft.extra_outer["project"]["x"] = 1  # type: ignore[index]


def test_null_optional_fields_read_as_absent_and_round_trip() -> None:
    data = draft_with({0: [seg("s1", 0, 1000, src="m", label=None, transition=None)],
                       2: [seg("s2", 0, 1000, text="Hi", font=None)]}, ar=None)
    data["d"] = None
    draft = parse_draft(data)
    assert draft.duration_ms is None
    assert draft.aspect is None
    assert draft_to_json(draft) == data


def test_defaults_are_written_only_when_given() -> None:
    data = draft_with({1: [seg("s1", 0, 1000, src="bgm:ambient")],
                       2: [seg("s2", 0, 1000, text="Hi", color="#FFFFFF", size=64, box=False)]})
    assert draft_to_json(parse_draft(data)) == data


# --- every problem, with its path


def test_a_bad_draft_lists_every_problem_with_its_path() -> None:
    bad = {
        "v": 2,
        "d": 700000,
        "m": {"w": 2048, "h": 1080, "fps": 0, "ar": "square"},
        "t": [
            {"id": "v1", "tt": 0, "m": {"name": 5}, "sg": [
                {"id": "s1", "s": -5, "d": 1000, "m": {"src": "gone", "fit": "stretch", "motion": "spin"}},
                {"id": "s2", "s": 0, "d": "long", "m": {"src": "m1", "transition": {"type": "wipe", "d": 0}}},
                {"id": "s3", "s": 500, "d": 1000, "m": {"src": "m1", "in": -1}},
            ]},
            {"id": "a1", "tt": 1, "sg": [
                {"id": "s4", "s": 0, "d": 1000, "m": {"src": "bgm:polka", "volume": 1.5, "fade_in": 800,
                                                      "fade_out": 800, "loop": "yes"}},
            ]},
            {"id": "x1", "tt": 7, "sg": [
                {"id": "s4", "s": 0, "d": 1000, "m": {"text": "", "color": "red", "pos": [1.5, -1],
                                                      "size": 0, "box": "blue"}},
                {"id": "s6", "s": 0, "d": 2000, "m": {"pos": "middle"}},
            ]},
            {"id": "q1", "tt": 3, "sg": []},
            "not a track",
        ],
    }
    assert paths(bad, media_ids={"m1"}) == [
        "v",
        "d",
        "m.w",
        "m.fps",
        "m.ar",
        "t[0].m.name",
        "t[0].sg[0].s",
        "t[0].sg[0].m.src",
        "t[0].sg[0].m.fit",
        "t[0].sg[0].m.motion",
        "t[0].sg[1].d",
        "t[0].sg[1].m.transition.type",
        "t[0].sg[1].m.transition.d",
        "t[0].sg[2].m.in",
        "t[1].sg[0].m.src",
        "t[1].sg[0].m.volume",
        "t[1].sg[0].m.fade_out",
        "t[1].sg[0].m.loop",
        "t[2].sg[0].id",
        "t[2].sg[0].m.text",
        "t[2].sg[0].m.size",
        "t[2].sg[0].m.color",
        "t[2].sg[0].m.pos",
        "t[2].sg[0].m.box",
        "t[2].sg[1].m.text",
        "t[2].sg[1].m.pos",
        "t[2].sg[1].s",
        "t[3].tt",
        "t[4]",
    ]


def test_problem_messages_name_the_value() -> None:
    found = dict(problems(draft_with({0: [seg("s1", 0, 1000, src="m1"), seg("s2", 500, 1000, src="m1")]},
                                     w=2048, fps=61)))
    assert found["m.w"] == "2048: must be at most 1920 px"
    assert found["m.fps"] == "61: must be 1 to 60 frames per second"
    assert found["t[0].sg[1].s"] == '"s2" (500-1500 ms) overlaps "s1" (0-1000 ms)'


def test_draft_invalid_is_an_invalid_request() -> None:
    with pytest.raises(InvalidRequest, match=r"^v: is required"):
        parse_draft({"m": {"w": 1920, "h": 1080, "fps": 30}, "t": []})


@pytest.mark.parametrize("data", [None, [], "draft", 3])
def test_a_draft_is_an_object(data: object) -> None:
    assert paths(data) == ["draft"]


def test_required_keys() -> None:
    assert paths({}) == ["v", "m", "t"]
    assert paths({"v": 1, "m": {}, "t": [{}]}) == ["m.w", "m.h", "m.fps", "t[0].id", "t[0].tt", "t[0].sg"]
    assert paths(draft_with({0: [{}], 1: [seg("s1", 0, 1)], 2: [{"id": "s2", "s": 0, "d": 1}]})) == [
        "t[0].sg[0].id", "t[0].sg[0].s", "t[0].sg[0].d", "t[0].sg[0].m",
        "t[1].sg[0].m.src", "t[2].sg[0].m",
    ]


# --- one rule at a time


@pytest.mark.parametrize(("w", "h"), [(1920, 1080), (1080, 1920), (1080, 1080), (1440, 1080), (1080, 1440),
                                      (1280, 720), (64, 64), (1920, 800)])
def test_sizes_within_1920_by_1080_either_way_up(w: int, h: int) -> None:
    parse_draft(draft_with(w=w, h=h))


@pytest.mark.parametrize(("w", "h", "path"), [
    (2048, 1080, "m.w"), (1080, 2048, "m.h"), (1440, 1440, "m.h"), (1200, 1920, "m.w"),
    (1921, 1080, "m.w"), (1919, 1080, "m.w"), (62, 64, "m.w"), (0, 1080, "m.w"), (1920.0, 1080, "m.w"),
])
def test_sizes_refused(w: Any, h: int, path: str) -> None:
    assert paths(draft_with(w=w, h=h)) == [path]


@pytest.mark.parametrize(("fps", "ok"), [(1, True), (30, True), (60, True), (0, False), (61, False),
                                         (29.97, False), (True, False), ("30", False)])
def test_fps_is_a_whole_number_from_1_to_60(fps: object, ok: bool) -> None:
    data = draft_with(fps=fps)
    if ok:
        parse_draft(data)
    else:
        assert paths(data) == ["m.fps"]


@pytest.mark.parametrize(("ar", "ok"), [("16:9", True), ("1920:1080", True), ("9:16", False), ("x", False),
                                        ("0:9", False), (169, False)])
def test_aspect_label_must_match_the_size(ar: object, ok: bool) -> None:
    data = draft_with(ar=ar)
    if ok:
        parse_draft(data)
    else:
        assert paths(data) == ["m.ar"]


def test_version_is_1() -> None:
    data = draft_with()
    data["v"] = 2
    assert problems(data) == [("v", "2: unsupported version; this frameloom reads version 1")]


@pytest.mark.parametrize(("d", "ok"), [(1, True), (600000, True), (600001, False), (0, False), (-1, False),
                                       (1.5, False)])
def test_draft_duration_up_to_ten_minutes(d: object, ok: bool) -> None:
    data = draft_with() | {"d": d}
    if ok:
        parse_draft(data)
    else:
        assert paths(data) == ["d"]


def test_segments_end_within_the_draft_duration() -> None:
    data = draft_with({2: [seg("s1", 9000, 2000, text="late")]}) | {"d": 10000}
    assert problems(data) == [("t[2].sg[0].d", "ends at 11000 ms, after the draft's end (d = 10000 ms)")]
    data["d"] = 11000
    parse_draft(data)


def test_without_d_segments_end_within_ten_minutes() -> None:
    parse_draft(draft_with({1: [seg("s1", 0, 600000, src="bgm:lofi")]}))
    assert paths(draft_with({1: [seg("s1", 1, 600000, src="bgm:lofi")]})) == ["t[1].sg[0].d"]


def test_touching_segments_do_not_overlap_and_order_is_free() -> None:
    parse_draft(draft_with({0: [seg("s2", 1000, 1000, src="m"), seg("s1", 0, 1000, src="m")]}))


def test_each_overlap_is_reported_once_at_the_later_segment() -> None:
    data = draft_with({0: [seg("a", 0, 5000, src="m"), seg("b", 1000, 1000, src="m"),
                           seg("c", 3000, 1000, src="m"), seg("d", 5000, 1000, src="m")]})
    assert paths(data) == ["t[0].sg[1].s", "t[0].sg[2].s"]


def test_overlaps_are_per_track() -> None:
    parse_draft(draft_with({0: [seg("s1", 0, 1000, src="m")], 2: [seg("s2", 0, 1000, text="Hi")]}))


def test_ids_are_unique_per_kind_of_thing() -> None:
    data = draft_with({0: [seg("s1", 0, 1000, src="m")], 2: [seg("s1", 0, 1000, text="x")]})
    assert problems(data) == [("t[2].sg[0].id", 'duplicate segment id "s1" (also at t[0].sg[0])')]
    data = draft_with()
    data["t"][1]["id"] = "v"
    assert problems(data) == [("t[1].id", 'duplicate track id "v" (also at t[0])')]


def test_media_ids_are_checked_when_known() -> None:
    data = draft_with({0: [seg("s1", 0, 1000, src="img_1")], 1: [seg("s2", 0, 1000, src="song")]})
    parse_draft(data)
    parse_draft(data, media_ids=["img_1", "song"])
    assert problems(data, media_ids=["img_1"]) == [("t[1].sg[0].m.src", '"song": unknown media id')]


def test_built_in_music_styles() -> None:
    data = draft_with({1: [seg("s1", 0, 1000, src="bgm:jazz")]})
    assert paths(data) == ["t[1].sg[0].m.src"]
    parse_draft(data, bgm_styles=["jazz"])
    assert paths(draft_with({0: [seg("s1", 0, 1000, src="bgm:lofi")]})) == ["t[0].sg[0].m.src"]


@pytest.mark.parametrize(("volume", "ok"), [(0, True), (0.35, True), (1, True), (-0.1, False), (1.01, False),
                                            ("35%", False), (None, False), (float("nan"), False)])
def test_volume_is_0_to_1(volume: object, ok: bool) -> None:
    data = draft_with({1: [seg("s1", 0, 1000, src="bgm:lofi", volume=volume)]})
    if ok:
        parse_draft(data)
    else:
        assert paths(data) == ["t[1].sg[0].m.volume"]


@pytest.mark.parametrize(("color", "ok"), [("#FFFFFF", True), ("#ff8800", True), ("#FFF", False),
                                           ("FFFFFF", False), ("white", False), ("#GGGGGG", False), (None, False)])
def test_colours_are_hex_rrggbb(color: object, ok: bool) -> None:
    data = draft_with({2: [seg("s1", 0, 1000, text="Hi", color=color, box=color if ok else True)]})
    if ok:
        parse_draft(data)
    else:
        assert paths(data) == ["t[2].sg[0].m.color"]


@pytest.mark.parametrize(("pos", "ok"), [
    ("top", True), ("center", True), ("bottom", True), ([0.5, 0.9], True), ([0, 1], True),
    ([960, 540], True), ([1920, 1080], True), ([1.5, 0.5], True),
    ("middle", False), ([0.5], False), ([0.5, "1"], False), ([-0.1, 0.5], False),
    ([1921, 10], False), ([10, 1081], False), ({"x": 1}, False), (None, False),
])
def test_text_positions(pos: object, ok: bool) -> None:
    data = draft_with({2: [seg("s1", 0, 1000, text="Hi", pos=pos)]})
    if ok:
        assert draft_to_json(parse_draft(data)) == data
    else:
        assert paths(data) == ["t[2].sg[0].m.pos"]


def test_fades_fit_in_their_segment() -> None:
    parse_draft(draft_with({2: [seg("s1", 0, 1000, text="Hi", fade_in=500, fade_out=500)]}))
    assert paths(draft_with({2: [seg("s1", 0, 1000, text="Hi", fade_in=1001)]})) == ["t[2].sg[0].m.fade_in"]
    assert paths(draft_with({2: [seg("s1", 0, 1000, text="Hi", fade_out=-1)]})) == ["t[2].sg[0].m.fade_out"]


def test_transition_fits_in_its_segment() -> None:
    ok = seg("s1", 0, 1000, src="m", transition={"type": "crossfade", "d": 1000})
    parse_draft(draft_with({0: [ok]}))
    too_long = seg("s1", 0, 1000, src="m", transition={"type": "fade", "d": 1001})
    assert paths(draft_with({0: [too_long]})) == ["t[0].sg[0].m.transition.d"]
    assert paths(draft_with({0: [seg("s1", 0, 1000, src="m", transition="fade")]})) == ["t[0].sg[0].m.transition"]


def test_integers_are_not_booleans_or_floats() -> None:
    assert paths(draft_with({0: [{"id": "s1", "s": True, "d": 1000.0, "m": {"src": "m"}}]})) == [
        "t[0].sg[0].s", "t[0].sg[0].d",
    ]


def test_a_track_of_unknown_type_still_has_its_segments_checked() -> None:
    data = draft_with()
    data["t"].append({"id": "z", "tt": 2, "sg": [{"id": "s1", "s": -1, "d": 5, "m": {"anything": 1}}]})
    assert paths(data) == ["t[3].tt", "t[3].sg[0].s"]
