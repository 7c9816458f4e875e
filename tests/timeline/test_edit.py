"""Edits: each returns a new, checked draft and leaves the old one as it was."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.timeline import (
    DRAFT_ASPECTS,
    AudioSegment,
    Draft,
    DraftInvalid,
    Segment,
    TextSegment,
    Track,
    TrackKind,
    Transition,
    VideoSegment,
    add_segment,
    add_track,
    draft_to_json,
    duration_ms,
    empty_draft,
    find_segment,
    find_track,
    fit_duration,
    move_segment,
    next_id,
    parse_draft,
    remove_segment,
    remove_track,
    replace_segment,
    set_aspect,
    set_duration,
    summary,
    trim_segment,
)


def segment(draft: Draft, segment_id: str) -> Segment:
    return find_segment(draft, segment_id)[1]


def problem_paths(exc: pytest.ExceptionInfo[DraftInvalid]) -> list[str]:
    return [p.field for p in exc.value.problems]


# --- a new draft


@pytest.mark.parametrize(("aspect", "size"), [("16:9", (1920, 1080)), ("9:16", (1080, 1920)),
                                              ("1:1", (1080, 1080)), ("4:3", (1440, 1080)), ("3:4", (1080, 1440))])
def test_empty_draft_keeps_a_1080_short_side(aspect: str, size: tuple[int, int]) -> None:
    draft = empty_draft(aspect, fps=25)
    assert ((draft.width, draft.height), draft.fps, draft.aspect, draft.tracks) == (size, 25, aspect, ())
    assert draft.duration_ms is None
    assert draft_to_json(draft) == {"v": 1, "m": {"w": size[0], "h": size[1], "fps": 25, "ar": aspect}, "t": []}


def test_empty_draft_refuses_what_a_draft_cannot_be() -> None:
    with pytest.raises(InvalidRequest, match="aspect: unknown aspect '21:9'"):
        empty_draft("21:9")
    with pytest.raises(DraftInvalid, match=r"m\.fps"):
        empty_draft(fps=120)


def test_next_id_skips_ids_in_use(spec_draft: Draft) -> None:
    assert next_id(spec_draft, "s") == "s4"
    assert next_id(spec_draft, "v") == "v2"
    assert next_id(empty_draft(), "x") == "x1"


# --- tracks


def test_add_track_on_top_or_at_a_layer(spec_draft: Draft) -> None:
    on_top = add_track(spec_draft, Track("x2", TrackKind.TEXT, "Captions"))
    assert [t.id for t in on_top.tracks] == ["v1", "a1", "x1", "x2"]
    below = add_track(spec_draft, Track("v0", TrackKind.VIDEO, "Background"), index=0)
    assert [t.id for t in below.tracks] == ["v0", "v1", "a1", "x1"]
    assert [t.id for t in spec_draft.tracks] == ["v1", "a1", "x1"]  # the old draft is untouched


def test_add_track_refuses_a_taken_id(spec_draft: Draft) -> None:
    with pytest.raises(DraftInvalid, match='duplicate track id "a1"') as caught:
        add_track(spec_draft, Track("a1", TrackKind.AUDIO))
    assert problem_paths(caught) == ["t[3].id"]


def test_remove_track(spec_draft: Draft) -> None:
    draft = remove_track(spec_draft, "a1")
    assert summary(draft) == 'Timeline (2 tracks): 1. Video: city timelapse (0-10s) 2. Title: "Urban Dreams" (0-3s)'
    with pytest.raises(InvalidRequest, match="track_id: no track 'a1'"):
        remove_track(draft, "a1")


# --- segments


def test_add_segment_goes_in_start_order(spec_draft: Draft) -> None:
    first = add_segment(spec_draft, "x1", TextSegment("s5", 7000, 3000, "The end", pos="bottom"))
    draft = add_segment(first, "x1", TextSegment("s4", 4000, 2000, "Night falls"))
    assert [s.id for s in find_track(draft, "x1").segments] == ["s3", "s4", "s5"]
    assert summary(draft).endswith('3. Title: "Urban Dreams" (0-3s), "Night falls" (4-6s), "The end" (7-10s)')


def test_add_segment_refuses_an_overlap_naming_both(spec_draft: Draft) -> None:
    with pytest.raises(DraftInvalid, match=r'"s4" \(2000-4000 ms\) overlaps "s3" \(0-3000 ms\)') as caught:
        add_segment(spec_draft, "x1", TextSegment("s4", 2000, 2000, "Too soon"))
    assert problem_paths(caught) == ["t[2].sg[1].s"]


def test_add_segment_refuses_the_wrong_kind_and_an_unknown_track(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest, match="segment: a TextSegment cannot go on video track 'v1'"):
        add_segment(spec_draft, "v1", TextSegment("s4", 0, 1000, "x"))
    with pytest.raises(InvalidRequest, match="track_id: no track 'x9'"):
        add_segment(spec_draft, "x9", TextSegment("s4", 0, 1000, "x"))


def test_add_segment_refuses_values_out_of_range(spec_draft: Draft) -> None:
    with pytest.raises(DraftInvalid, match="colour") as caught:
        add_segment(remove_track(spec_draft, "a1"), "x1", TextSegment("s4", 4000, 1000, "x", color="red"))
    assert problem_paths(caught) == ["t[1].sg[1].m.color"]


def test_add_segment_refuses_a_segment_past_the_end(spec_draft: Draft) -> None:
    with pytest.raises(DraftInvalid, match=r"ends at 12000 ms, after the draft's end \(d = 10000 ms\)"):
        add_segment(spec_draft, "x1", TextSegment("s4", 9000, 3000, "Late"))


def test_remove_segment_keeps_its_track(spec_draft: Draft) -> None:
    draft = remove_segment(spec_draft, "s3")
    assert find_track(draft, "x1").segments == ()
    with pytest.raises(InvalidRequest, match="segment_id: no segment 's3'"):
        remove_segment(draft, "s3")


def test_replace_segment_changes_one_value(spec_draft: Draft) -> None:
    _, music = find_segment(spec_draft, "s2")
    assert isinstance(music, AudioSegment)
    draft = replace_segment(spec_draft, replace(music, volume=0.5))
    assert "BGM: Lo-fi (0-10s, 50%)" in summary(draft)
    with pytest.raises(DraftInvalid, match="volume"):
        replace_segment(spec_draft, replace(music, volume=2.0))


def test_move_segment(spec_draft: Draft) -> None:
    draft = move_segment(spec_draft, "s3", 7000)
    assert (segment(draft, "s3").start_ms, segment(draft, "s3").duration_ms) == (7000, 3000)
    with pytest.raises(DraftInvalid, match="after the draft's end"):
        move_segment(spec_draft, "s3", 8000)


def test_move_segment_to_another_track_of_its_kind(spec_draft: Draft) -> None:
    draft = add_track(spec_draft, Track("x2", TrackKind.TEXT, "Captions"))
    moved = move_segment(draft, "s3", 1000, track_id="x2")
    assert (find_track(moved, "x1").segments, [s.id for s in find_track(moved, "x2").segments]) == ((), ["s3"])
    with pytest.raises(InvalidRequest, match="cannot go on audio track"):
        move_segment(draft, "s3", 0, track_id="a1")


def test_trim_by_source_in_and_out(spec_draft: Draft) -> None:
    draft = trim_segment(spec_draft, "s1", in_ms=2000, out_ms=6000)
    trimmed = segment(draft, "s1")
    assert isinstance(trimmed, VideoSegment)
    assert (trimmed.start_ms, trimmed.in_ms, trimmed.duration_ms) == (0, 2000, 4000)


def test_trim_by_duration_shrinks_fades_to_fit(spec_draft: Draft) -> None:
    draft = trim_segment(spec_draft, "s2", duration_ms=800)  # fade_out was 1000 ms
    music = segment(draft, "s2")
    assert isinstance(music, AudioSegment)
    assert (music.duration_ms, music.fade_in_ms, music.fade_out_ms) == (800, 0, 800)


def test_trim_refusals(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest, match="in_ms: only video segments"):
        trim_segment(spec_draft, "s3", in_ms=100)
    with pytest.raises(InvalidRequest, match="out_ms: give out_ms or duration_ms, not both"):
        trim_segment(spec_draft, "s1", out_ms=100, duration_ms=100)
    with pytest.raises(InvalidRequest, match=r"out_ms: 1000 ms: must be after the in-point \(2000 ms\)"):
        trim_segment(spec_draft, "s1", in_ms=2000, out_ms=1000)
    with pytest.raises(InvalidRequest, match="duration_ms: 0 ms"):
        trim_segment(spec_draft, "s1", duration_ms=0)
    with pytest.raises(DraftInvalid, match="after the draft's end"):
        trim_segment(spec_draft, "s1", duration_ms=10001)


# --- length


def test_set_duration_sets_d_only(spec_draft: Draft) -> None:
    assert set_duration(spec_draft, 12000).duration_ms == 12000
    assert "d" not in draft_to_json(set_duration(spec_draft, None))
    with pytest.raises(DraftInvalid) as caught:
        set_duration(spec_draft, 5000)
    assert problem_paths(caught) == ["t[0].sg[0].d", "t[1].sg[0].d"]


def test_fit_duration_longer_stretches_what_reached_the_end(spec_draft: Draft) -> None:
    draft = fit_duration(spec_draft, 15000)
    assert duration_ms(draft) == 15000
    assert summary(draft) == ('Timeline (3 tracks): 1. Video: city timelapse (0-15s) 2. BGM: Lo-fi (0-15s, 35%) '
                              '3. Title: "Urban Dreams" (0-3s)')


def test_fit_duration_shorter_cuts_and_drops(spec_draft: Draft) -> None:
    draft = add_segment(spec_draft, "x1", TextSegment("s4", 7000, 2000, "Later"))
    short = fit_duration(draft, 2500)
    assert summary(short) == ('Timeline (3 tracks): 1. Video: city timelapse (0-2.5s) '
                              '2. BGM: Lo-fi (0-2.5s, 35%) 3. Title: "Urban Dreams" (0-2.5s)')
    music = segment(short, "s2")
    assert isinstance(music, AudioSegment)
    assert music.fade_out_ms == 1000  # the ending keeps its fade


def test_fit_duration_of_shots_extends_only_the_last() -> None:
    shots = (VideoSegment("a", 0, 4000, "m1"),
             VideoSegment("b", 4000, 4000, "m2", transition=Transition("crossfade", 1000)))
    draft = add_track(empty_draft(), Track("v1", TrackKind.VIDEO, segments=shots))
    longer = fit_duration(draft, 10000)
    assert [(s.start_ms, s.end_ms) for s in find_track(longer, "v1").segments] == [(0, 4000), (4000, 10000)]
    shorter = fit_duration(draft, 4500)
    last = segment(shorter, "b")
    assert isinstance(last, VideoSegment)
    assert (last.duration_ms, last.transition) == (500, Transition("crossfade", 500))


def test_fit_duration_range() -> None:
    with pytest.raises(InvalidRequest, match="duration_ms: 0 ms"):
        fit_duration(empty_draft(), 0)
    with pytest.raises(InvalidRequest, match="duration_ms: 600001 ms"):
        fit_duration(empty_draft(), 600001)


# --- aspect


def test_set_aspect_refits_every_layer(spec_json: dict[str, Any]) -> None:
    spec_json["t"].append({"id": "x2", "tt": 7, "sg": [
        {"id": "s4", "s": 3000, "d": 2000, "m": {"text": "px", "pos": [1440, 810], "size": 48}},
        {"id": "s5", "s": 5000, "d": 2000, "m": {"text": "frac", "pos": [0.25, 0.75]}},
    ]})
    draft = parse_draft(spec_json)
    vertical = set_aspect(draft, "9:16")
    assert (vertical.width, vertical.height, vertical.aspect) == (1080, 1920, "9:16")
    px, frac = find_track(vertical, "x2").segments
    assert isinstance(px, TextSegment)
    assert isinstance(frac, TextSegment)
    assert (px.pos, px.size) == ((810, 1440), 48)  # same place in the frame, same size on the short side
    assert (frac.pos, frac.size) == ((0.25, 0.75), 64)
    video = segment(vertical, "s1")
    assert isinstance(video, VideoSegment)
    assert (video.fit, video.motion) == ("cover", "zoom_in")
    assert set_aspect(vertical, "16:9") == draft


def test_set_aspect_scales_text_from_a_smaller_frame() -> None:
    small = parse_draft({"v": 1, "m": {"w": 1280, "h": 720, "fps": 30}, "t": [
        {"id": "x1", "tt": 7, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": "Hi", "size": 48,
                                                                           "pos": [640, 700]}}]}]})
    square = set_aspect(small, "1:1")
    title = segment(square, "s1")
    assert isinstance(title, TextSegment)
    assert (title.size, title.pos) == (72, (540, 1050))


def test_set_aspect_names_the_choices(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest, match="aspect: unknown aspect 'vertical'; use one of 16:9, 9:16"):
        set_aspect(spec_draft, "vertical")
    assert DRAFT_ASPECTS == ("16:9", "9:16", "1:1", "4:3", "3:4")


def test_every_edit_output_parses_back_the_same(spec_draft: Draft) -> None:
    draft = set_aspect(fit_duration(add_segment(spec_draft, "x1", TextSegment("s4", 4000, 1000, "x")), 12000), "4:3")
    assert parse_draft(draft_to_json(draft)) == draft
