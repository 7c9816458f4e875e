"""summary: the one-line timeline text, exactly as SPEC section 5 shows it."""

from __future__ import annotations

import pytest

from frameloom.timeline import (
    AudioSegment,
    Draft,
    TextSegment,
    Track,
    TrackKind,
    VideoSegment,
    empty_draft,
    seconds_text,
    summary,
)


def test_spec_example(spec_draft: Draft) -> None:
    assert summary(spec_draft) == (
        'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) '
        '3. Title: "Urban Dreams" (0-3s)'
    )


@pytest.mark.parametrize(("ms", "text"), [
    (0, "0"), (1000, "1"), (1500, "1.5"), (1250, "1.3"), (1249, "1.2"), (999, "1"), (50, "0.1"), (49, "0"),
    (90000, "90"), (600000, "600"),
])
def test_seconds_have_at_most_one_decimal(ms: int, text: str) -> None:
    assert seconds_text(ms) == text


def test_several_segments_on_a_track_in_start_order() -> None:
    shots = (VideoSegment("b", 2500, 2500, "m2", label="medium"), VideoSegment("a", 0, 2500, "m1", label="wide"),
             VideoSegment("c", 5000, 3000, "m3"))
    draft = Draft(1, None, 1920, 1080, 30, tracks=(Track("v1", TrackKind.VIDEO, "Video", shots),))
    assert summary(draft) == "Timeline (1 track): 1. Video: wide (0-2.5s), medium (2.5-5s), m3 (5-8s)"


def test_long_tracks_show_five_segments_then_a_count() -> None:
    words = tuple(TextSegment(f"w{i}", i * 1000, 1000, f"word {i}") for i in range(7))
    draft = Draft(1, None, 1920, 1080, 30, tracks=(Track("x1", TrackKind.TEXT, "Captions", words),))
    assert summary(draft).endswith('"word 3" (3-4s), "word 4" (4-5s), +2 more')


def test_unnamed_tracks_use_their_kind_and_audio_shows_volume_and_loop() -> None:
    music = AudioSegment("s1", 0, 30000, "bgm:ambient", volume=1.0, loop=True)
    caption = TextSegment("s2", 1000, 2000, "A  very long caption\nthat goes on and on past forty characters")
    draft = Draft(1, None, 1920, 1080, 30, tracks=(
        Track("a1", TrackKind.AUDIO, segments=(music,)), Track("x1", TrackKind.TEXT, " ", (caption,)),
        Track("v1", TrackKind.VIDEO),
    ))
    assert summary(draft) == (
        'Timeline (3 tracks): 1. Audio: bgm:ambient (0-30s, 100%, loop) '
        '2. Text: "A very long caption that goes on and on…" (1-3s) 3. Video: (empty)'
    )


def test_empty_timeline() -> None:
    assert summary(empty_draft()) == "Timeline (0 tracks): empty"


def test_chinese_text_is_kept() -> None:
    title = TextSegment("s1", 0, 3000, "城市之梦")
    draft = Draft(1, None, 1920, 1080, 30, tracks=(Track("x1", TrackKind.TEXT, "标题", (title,)),))
    assert summary(draft) == 'Timeline (1 track): 1. 标题: "城市之梦" (0-3s)'
