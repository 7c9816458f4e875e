"""duration_ms and active_at: what a compositor asks of a draft."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.timeline import (
    AudioSegment,
    Draft,
    TextSegment,
    Track,
    TrackKind,
    Transition,
    VideoSegment,
    active_at,
    duration_ms,
    find_segment,
    find_track,
    is_fraction_point,
    point_px,
)

A = VideoSegment("a", 0, 4000, "m1")
B = VideoSegment("b", 4000, 4000, "m2", in_ms=1000, transition=Transition("crossfade", 1000))
C = VideoSegment("c", 9000, 1000, "m3", transition=Transition("fade", 500))
OVERLAY = VideoSegment("o", 2000, 2000, "logo", fit="contain")
TITLE = TextSegment("t", 0, 3000, "Hello")
MUSIC = AudioSegment("m", 0, 10000, "bgm:lofi", volume=0.35)

DRAFT = Draft(1, None, 1920, 1080, 30, tracks=(
    Track("x1", TrackKind.TEXT, segments=(TITLE,)),
    Track("v1", TrackKind.VIDEO, segments=(A, B, C)),
    Track("a1", TrackKind.AUDIO, segments=(MUSIC,)),
    Track("v2", TrackKind.VIDEO, segments=(OVERLAY,)),
))


def ids(t_ms: int, **kwargs: Sequence[TrackKind]) -> list[str]:
    return [active.segment.id for active in active_at(DRAFT, t_ms, **kwargs)]


def test_duration_follows_content_unless_d_is_set() -> None:
    assert duration_ms(DRAFT) == 10000
    assert duration_ms(Draft(1, 12000, 1920, 1080, 30, tracks=DRAFT.tracks)) == 12000
    assert duration_ms(Draft(1, None, 1920, 1080, 30)) == 0


def test_layers_are_video_tracks_in_order_then_text() -> None:
    assert ids(0) == ["a", "t"]
    assert ids(2500) == ["a", "o", "t"]
    assert ids(3000) == ["a", "o"]  # segments are half-open: the title ends at 3000
    assert ids(8500) == []  # a gap shows nothing
    assert ids(10000) == []


def test_audio_on_request() -> None:
    assert ids(5000, kinds=(TrackKind.AUDIO,)) == ["m"]


def test_local_time_and_crossfade_state() -> None:
    (active,) = active_at(DRAFT, 4250, kinds=(TrackKind.VIDEO,))
    assert (active.segment, active.local_ms, active.outgoing) == (B, 250, A)
    assert active.outgoing_ms == 4250  # A plays on past its end under the blend
    assert active.blend == 0.25
    (after,) = active_at(DRAFT, 5000, kinds=(TrackKind.VIDEO,))
    assert (after.outgoing, after.blend) == (None, 1.0)


def test_fade_blends_from_black_with_no_outgoing_segment() -> None:
    (active,) = active_at(DRAFT, 9100, kinds=(TrackKind.VIDEO,))
    assert (active.segment, active.outgoing) == (C, None)
    assert active.blend == pytest.approx(0.2)


def test_find_names_what_is_missing() -> None:
    assert find_track(DRAFT, "a1").segments == (MUSIC,)
    assert find_segment(DRAFT, "b") == (DRAFT.tracks[1], B)
    with pytest.raises(InvalidRequest, match=r"track_id: no track 'zz' in the draft \(tracks: x1, v1, a1, v2\)"):
        find_track(DRAFT, "zz")
    with pytest.raises(InvalidRequest, match="segment_id: no segment 'zz'"):
        find_segment(DRAFT, "zz")


@pytest.mark.parametrize(("point", "px"), [((0.5, 0.5), (960, 540)), ((1, 0), (1920, 0)),
                                           ((960, 100), (960, 100)), ((1.5, 0.5), (1.5, 0.5))])
def test_points_are_fractions_when_both_within_0_1(point: tuple[float, float], px: tuple[float, float]) -> None:
    assert point_px(point, 1920, 1080) == px
    assert is_fraction_point(point) == (point == (0.5, 0.5) or point == (1, 0))
