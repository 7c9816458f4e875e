"""The state's summary line comes from the timeline package."""

from __future__ import annotations

from frameloom.services.sessions import EMPTY_DRAFT, summarize


def test_an_empty_draft_reads_empty() -> None:
    assert summarize(EMPTY_DRAFT) == "Timeline (0 tracks): empty"


def test_a_draft_with_tracks_reads_as_the_spec_says() -> None:
    draft = {"v": 1, "d": 10000, "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"}, "t": [
        {"id": "x1", "tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "s3", "s": 0, "d": 3000, "m": {"text": "Urban Dreams", "pos": "center", "size": 96}}]}]}
    assert summarize(draft) == 'Timeline (1 track): 1. Title: "Urban Dreams" (0-3s)'
