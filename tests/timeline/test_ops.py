"""The typed edit ops: what each does to a draft, how targets resolve, and what each refuses."""

from __future__ import annotations

from typing import Any

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.media import MediaKind
from frameloom.timeline import (
    AudioSegment,
    Draft,
    DraftInvalid,
    TextSegment,
    TrackKind,
    VideoSegment,
    draft_to_json,
    empty_draft,
    find_segment,
    find_track,
    summary,
)
from frameloom.timeline.ops import (
    AddMusic,
    AddTitle,
    MediaFacts,
    Move,
    PlaceMedia,
    Remove,
    SetAspect,
    SetDuration,
    SetTitle,
    SetVolume,
    Trim,
    apply_ops,
    resolve,
)

MEDIA = {
    "<media_id>": MediaFacts(MediaKind.VIDEO, 12000, "city.mp4"),
    "med_clip": MediaFacts(MediaKind.VIDEO, 4000, "clip.mp4"),
    "med_photo": MediaFacts(MediaKind.IMAGE, None, "beach.jpg"),
    "med_song": MediaFacts(MediaKind.AUDIO, 2000, "song.mp3"),
}


def fields(exc: pytest.ExceptionInfo[InvalidRequest]) -> list[str]:
    return [p.field for p in exc.value.problems]


def segment(draft: Draft, segment_id: str) -> Any:
    return find_segment(draft, segment_id)[1]


# --- titles -----------------------------------------------------------------------------------


def test_add_title_goes_on_the_title_track_for_3_s_fading_in_and_out(spec_draft: Draft) -> None:
    draft = AddTitle("Night Shift", start_ms=5000).apply(spec_draft)
    added = find_track(draft, "x1").segments[-1]
    assert isinstance(added, TextSegment)
    assert (added.text, added.start_ms, added.duration_ms, added.pos) == ("Night Shift", 5000, 3000, "center")
    assert (added.size, added.fade_in_ms, added.fade_out_ms) == (96, 300, 300)


def test_a_title_near_the_end_runs_to_the_end(spec_draft: Draft) -> None:
    draft = AddTitle("The End", start_ms=9000).apply(spec_draft)
    assert find_track(draft, "x1").segments[-1].duration_ms == 1000


def test_a_title_that_overlaps_the_first_goes_on_a_new_text_track(spec_draft: Draft) -> None:
    draft = AddTitle("Subtitle", pos="bottom").apply(spec_draft)
    new = draft.tracks[-1]
    assert (new.id, new.kind, new.name, len(new.segments)) == ("x2", TrackKind.TEXT, "Title", 1)


def test_a_title_on_an_empty_draft_lasts_3_s() -> None:
    draft = AddTitle("Hello").apply(empty_draft())
    assert summary(draft) == 'Timeline (1 track): 1. Title: "Hello" (0-3s)'


def test_a_title_size_follows_the_short_side() -> None:
    title = AddTitle("Hi").apply(empty_draft("1:1")).tracks[0].segments[0]
    assert isinstance(title, TextSegment)
    assert title.size == 96
    given = AddTitle("Hi", size=40).apply(empty_draft()).tracks[0].segments[0]
    assert isinstance(given, TextSegment)
    assert given.size == 40


def test_set_title_changes_the_last_title(spec_draft: Draft) -> None:
    draft = SetTitle(text="Urban Nights", pos="top", start_ms=1000, duration_ms=400).apply(spec_draft)
    title = segment(draft, "s3")
    assert (title.text, title.pos, title.start_ms, title.duration_ms) == ("Urban Nights", "top", 1000, 400)
    assert title.fade_in_ms + title.fade_out_ms <= 400


def test_set_title_on_something_that_is_not_text_is_refused(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        SetTitle(target="s1", text="x").apply(spec_draft)
    assert fields(exc) == ["target"]


def test_set_title_needs_a_change() -> None:
    with pytest.raises(InvalidRequest):
        SetTitle()


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: AddTitle("  "), "text"),
        (lambda: AddTitle("x" * 501), "text"),
        (lambda: AddTitle("x", start_ms=-1), "start_ms"),
        (lambda: AddTitle("x", start_ms=1.5), "start_ms"),  # type: ignore[arg-type]
        (lambda: AddTitle("x", duration_ms=0), "duration_ms"),
        (lambda: AddTitle("x", pos="left"), "pos"),  # type: ignore[arg-type]
        (lambda: AddTitle("x", size=0), "size"),
        (lambda: AddMusic(style="polka"), "style"),
        (lambda: AddMusic(style="lofi", media_id="med_song"), "media_id"),
        (lambda: AddMusic(volume=1.5), "volume"),
        (lambda: AddMusic(volume=float("nan")), "volume"),
        (lambda: SetVolume(), "volume"),
        (lambda: SetVolume(0.5, change="louder"), "volume"),
        (lambda: SetVolume(change="mute"), "change"),  # type: ignore[arg-type]
        (lambda: SetAspect("21:9"), "aspect"),
        (lambda: SetDuration(), "seconds"),
        (lambda: SetDuration(seconds=0), "seconds"),
        (lambda: SetDuration(seconds=601), "seconds"),
        (lambda: SetDuration(delta_s=0), "delta_s"),
        (lambda: Remove(""), "target"),
        (lambda: Move("s1", -5), "start_ms"),
        (lambda: Trim("s1"), "end_ms"),
        (lambda: Trim("s1", start_ms=5000, end_ms=4000), "end_ms"),
        (lambda: PlaceMedia(""), "media_id"),
        (lambda: PlaceMedia("m", fit="stretch"), "fit"),  # type: ignore[arg-type]
        (lambda: PlaceMedia("m", motion="spin"), "motion"),  # type: ignore[arg-type]
    ],
)
def test_each_op_checks_its_fields_when_built(make: Any, field: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        make()
    assert field in fields(exc)


# --- music and volume -------------------------------------------------------------------------


def test_add_music_spans_the_timeline_and_fades_out() -> None:
    draft = AddTitle("Hi", duration_ms=8000).apply(empty_draft())
    draft = AddMusic(style="ambient", volume=0.5).apply(draft)
    music = draft.tracks[-1]
    assert (music.kind, music.name) == (TrackKind.AUDIO, "BGM")
    seg = music.segments[0]
    assert isinstance(seg, AudioSegment)
    assert (seg.src, seg.start_ms, seg.duration_ms, seg.volume, seg.fade_out_ms) == ("bgm:ambient", 0, 8000, 0.5, 1000)


def test_add_music_replaces_the_music_in_place(spec_draft: Draft) -> None:
    draft = AddMusic().apply(spec_draft)
    assert [t.id for t in draft.tracks] == ["v1", "a1", "x1"]
    assert summary(draft).split(" 2. ")[1].startswith("BGM: Lo-fi (0-10s, 35%)")


def test_an_uploaded_song_loops_under_a_longer_timeline(spec_draft: Draft) -> None:
    draft = AddMusic(media_id="med_song", volume=0.2).apply(spec_draft, MEDIA)
    seg = find_track(draft, "a1").segments[0]
    assert isinstance(seg, AudioSegment)
    assert (seg.src, seg.loop, seg.label, seg.duration_ms) == ("med_song", True, "song.mp3", 10000)


@pytest.mark.parametrize("media_id", ["med_photo", "med_unknown"])
def test_music_must_be_a_sound_of_the_session(spec_draft: Draft, media_id: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        AddMusic(media_id=media_id).apply(spec_draft, MEDIA)
    assert fields(exc) == ["media_id"]


def test_music_on_an_empty_timeline_is_refused() -> None:
    with pytest.raises(InvalidRequest) as exc:
        AddMusic().apply(empty_draft())
    assert fields(exc) == ["draft"]


def test_volume_of_the_music_by_default(spec_draft: Draft) -> None:
    assert segment(SetVolume(0.8).apply(spec_draft), "s2").volume == 0.8
    assert segment(SetVolume(change="quieter").apply(spec_draft), "s2").volume == 0.21
    assert segment(SetVolume(change="louder").apply(spec_draft), "s2").volume == 0.58


def test_louder_stops_at_full_volume_and_says_so_there(spec_draft: Draft) -> None:
    loud = SetVolume(change="louder").apply(SetVolume(0.9).apply(spec_draft))
    assert segment(loud, "s2").volume == 1.0
    with pytest.raises(InvalidRequest) as exc:
        SetVolume(change="louder").apply(loud)
    assert fields(exc) == ["change"]


def test_volume_needs_audio(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        SetVolume(0.5, target="title").apply(spec_draft)
    assert fields(exc) == ["target"]
    with pytest.raises(InvalidRequest, match="no music"):
        SetVolume(0.5).apply(empty_draft())


# --- frame and length -------------------------------------------------------------------------


def test_set_aspect_keeps_a_1080_short_side(spec_draft: Draft) -> None:
    draft = SetAspect("9:16").apply(spec_draft)
    assert (draft.width, draft.height, draft.aspect) == (1080, 1920, "9:16")


def test_set_duration_stretches_what_reached_the_end(spec_draft: Draft) -> None:
    draft = SetDuration(seconds=15).apply(spec_draft)
    assert (draft.duration_ms, segment(draft, "s1").duration_ms, segment(draft, "s2").duration_ms) == (
        15000, 15000, 15000)
    assert segment(draft, "s3").duration_ms == 3000


def test_set_duration_by_a_delta_cuts_the_end(spec_draft: Draft) -> None:
    draft = SetDuration(delta_s=-4).apply(spec_draft)
    assert (draft.duration_ms, segment(draft, "s1").end_ms, segment(draft, "s2").end_ms) == (6000, 6000, 6000)


def test_set_duration_refuses_what_it_cannot_reach(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        SetDuration(delta_s=-10).apply(spec_draft)
    assert fields(exc) == ["delta_s"]
    with pytest.raises(InvalidRequest) as exc:
        SetDuration(seconds=5).apply(empty_draft())
    assert fields(exc) == ["seconds"]


# --- remove, move, trim -----------------------------------------------------------------------


def test_remove_the_music_removes_its_track(spec_draft: Draft) -> None:
    assert [t.id for t in Remove("music").apply(spec_draft).tracks] == ["v1", "x1"]


def test_removing_a_tracks_last_segment_removes_the_track(spec_draft: Draft) -> None:
    assert [t.id for t in Remove("title").apply(spec_draft).tracks] == ["v1", "a1"]


def test_removing_one_of_several_segments_keeps_the_track(spec_draft: Draft) -> None:
    draft = AddTitle("Second", start_ms=5000).apply(spec_draft)
    draft = Remove("title").apply(draft)
    assert [s.id for s in find_track(draft, "x1").segments] == ["s3"]


def test_move_keeps_the_length(spec_draft: Draft) -> None:
    title = segment(Move("title", 4000).apply(spec_draft), "s3")
    assert (title.start_ms, title.duration_ms) == (4000, 3000)


def test_move_onto_another_segment_is_a_draft_error(spec_draft: Draft) -> None:
    draft = AddTitle("Second", start_ms=5000).apply(spec_draft)
    with pytest.raises(DraftInvalid):
        Move("s3", 4000).apply(draft)


def test_trim_a_clip_moves_its_in_point_with_its_start(spec_draft: Draft) -> None:
    clip = segment(Trim("video", start_ms=2000, end_ms=7000).apply(spec_draft, MEDIA), "s1")
    assert isinstance(clip, VideoSegment)
    assert (clip.start_ms, clip.duration_ms, clip.in_ms) == (2000, 5000, 2000)


def test_trim_a_picture_just_starts_it_later() -> None:
    draft = PlaceMedia("med_photo").apply(empty_draft(), MEDIA)
    photo = segment(Trim("video", start_ms=1000).apply(draft, MEDIA), "s1")
    assert (photo.start_ms, photo.duration_ms, photo.in_ms) == (1000, 4000, 0)


def test_trim_only_cuts(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        Trim("title", end_ms=4000).apply(spec_draft)
    assert fields(exc) == ["end_ms"]


def test_a_track_with_several_segments_is_not_one_target(spec_draft: Draft) -> None:
    draft = AddTitle("Second", start_ms=5000).apply(spec_draft)
    with pytest.raises(InvalidRequest, match="name one of s3, s4") as exc:
        Move("x1", 0).apply(draft)
    assert fields(exc) == ["target"]


# --- placing media ----------------------------------------------------------------------------


def test_place_media_appends_after_the_last_video(spec_draft: Draft) -> None:
    draft = PlaceMedia("med_clip").apply(spec_draft, MEDIA)
    clip = find_track(draft, "v1").segments[-1]
    assert isinstance(clip, VideoSegment)
    assert (clip.src, clip.start_ms, clip.duration_ms, clip.motion, clip.label) == (
        "med_clip", 10000, 4000, "none", "clip.mp4")
    assert draft.duration_ms == 14000  # the fixed length grew to hold it


def test_placed_media_may_be_named_for_the_timeline() -> None:
    draft = PlaceMedia("med_photo", name="a fox at sunset").apply(empty_draft(), MEDIA)
    assert summary(draft) == "Timeline (1 track): 1. Video: a fox at sunset (0-5s)"
    with pytest.raises(InvalidRequest) as exc:
        PlaceMedia("med_photo", name=" ")
    assert fields(exc) == ["name"]


def test_a_picture_shows_5_s_with_a_slow_zoom() -> None:
    draft = PlaceMedia("med_photo").apply(empty_draft(), MEDIA)
    photo = draft.tracks[0].segments[0]
    assert isinstance(photo, VideoSegment)
    assert (draft.tracks[0].name, photo.duration_ms, photo.motion) == ("Video", 5000, "zoom_in")


def test_a_sound_goes_on_its_own_audio_track_not_the_music(spec_draft: Draft) -> None:
    draft = PlaceMedia("med_song", start_ms=1000).apply(spec_draft, MEDIA)
    track = draft.tracks[-1]
    assert (track.kind, track.name, track.segments[0].start_ms, track.segments[0].duration_ms) == (
        TrackKind.AUDIO, "Audio", 1000, 2000)


def test_placing_over_a_segment_uses_a_new_video_track(spec_draft: Draft) -> None:
    draft = PlaceMedia("med_clip", start_ms=0).apply(spec_draft, MEDIA)
    assert [(t.id, t.kind) for t in draft.tracks][-1] == ("v2", TrackKind.VIDEO)


def test_place_media_checks_the_media(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        PlaceMedia("med_nope").apply(spec_draft, MEDIA)
    assert fields(exc) == ["media_id"]
    with pytest.raises(InvalidRequest) as exc:
        PlaceMedia("med_clip", duration_ms=5000).apply(spec_draft, MEDIA)
    assert fields(exc) == ["duration_ms"]
    with pytest.raises(InvalidRequest) as exc:
        PlaceMedia("med_song", motion="zoom_in").apply(spec_draft, MEDIA)
    assert fields(exc) == ["motion"]


# --- references -------------------------------------------------------------------------------


def test_reference_words(spec_draft: Draft) -> None:
    draft = AddTitle("Later", start_ms=6000).apply(spec_draft)
    later = find_track(draft, "x1").segments[-1].id
    assert resolve(draft, "title").segment == segment(draft, later)
    assert resolve(draft, "text").segment == segment(draft, later)
    assert resolve(draft, "video").segment == segment(draft, "s1")
    assert resolve(draft, "music").track == find_track(draft, "a1")
    assert resolve(draft, "last").segment == segment(draft, later)
    assert resolve(draft, "a1").segment is None
    assert resolve(draft, "s2").track == find_track(draft, "a1")


@pytest.mark.parametrize("target", ["s99", "subtitles"])
def test_an_unresolvable_target_names_target(spec_draft: Draft, target: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        Remove(target).apply(spec_draft)
    assert fields(exc) == ["target"]


@pytest.mark.parametrize("word", ["title", "music", "video", "last"])
def test_a_word_with_nothing_to_name_is_refused(word: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        Remove(word).apply(empty_draft())
    assert fields(exc) == ["target"]


# --- several ops at once ----------------------------------------------------------------------


def test_apply_ops_is_one_change_with_the_labels_joined(spec_draft: Draft) -> None:
    draft, label = apply_ops(spec_draft, [AddTitle("Hi", start_ms=5000), SetAspect("9:16"), SetVolume(0.5)])
    assert label == "add title; set aspect 9:16; music volume 50%"
    assert (draft.aspect, segment(draft, "s2").volume) == ("9:16", 0.5)


def test_apply_ops_is_all_or_nothing_and_names_the_failing_op(spec_draft: Draft) -> None:
    before = draft_to_json(spec_draft)
    with pytest.raises(InvalidRequest) as exc:
        apply_ops(spec_draft, [SetAspect("1:1"), Remove("s42")])
    assert fields(exc) == ["ops[1].target"]
    assert draft_to_json(spec_draft) == before  # drafts are values: nothing was changed in place


def test_a_single_op_reports_its_own_field_names(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        apply_ops(spec_draft, [Remove("s42")])
    assert fields(exc) == ["target"]


def test_apply_ops_needs_an_op(spec_draft: Draft) -> None:
    with pytest.raises(InvalidRequest) as exc:
        apply_ops(spec_draft, [])
    assert fields(exc) == ["ops"]


@pytest.mark.parametrize(
    ("op", "label"),
    [
        (AddTitle("x"), "add title"),
        (SetTitle(text="y"), "edit title"),
        (AddMusic(), "add lofi music"),
        (AddMusic(media_id="m"), "add music"),
        (SetVolume(0.35), "music volume 35%"),
        (SetVolume(change="quieter"), "music quieter"),
        (SetVolume(0.2, target="a2"), "a2 volume 20%"),
        (SetAspect("9:16"), "set aspect 9:16"),
        (SetDuration(seconds=12.5), "set duration 12.5s"),
        (SetDuration(delta_s=-2), "shorter by 2s"),
        (Remove("music"), "remove music"),
        (Move("title", 1500), "move title to 1.5s"),
        (Trim("video", start_ms=1000, end_ms=4000), "trim video to 1-4s"),
        (Trim("video", end_ms=4000), "trim video end to 4s"),
        (PlaceMedia("m"), "add media"),
    ],
)
def test_labels_read_as_short_human_phrases(op: Any, label: str) -> None:
    assert op.label == label
