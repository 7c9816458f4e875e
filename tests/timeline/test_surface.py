"""The package surface: what ``frameloom.timeline`` exports, and that it stays pure."""

from __future__ import annotations

import subprocess
import sys

import frameloom.timeline as timeline


def test_public_surface_is_pinned() -> None:
    assert set(timeline.__all__) == {
        "BGM_STYLES", "DRAFT_ASPECTS", "DRAFT_VERSION", "MAX_DURATION_MS",
        "Active", "AudioSegment", "Draft", "DraftInvalid", "JsonObject", "JsonValue", "Segment", "TextPos",
        "TextSegment", "Track", "TrackKind", "Transition", "VideoSegment",
        "active_at", "add_segment", "add_track", "check_structure", "draft_to_json", "duration_ms",
        "empty_draft", "find_segment", "find_track", "fit_duration", "is_fraction_point", "move_segment",
        "next_id", "parse_draft", "point_px", "remove_segment", "remove_track", "replace_segment",
        "seconds_text", "segment_to_json", "set_aspect", "set_duration", "summary", "trim_segment", "validate",
    }


def test_the_timeline_imports_only_the_domain() -> None:
    code = ("import sys, frameloom.timeline; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('frameloom.'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert {m.split(".")[1] for m in loaded} <= {"domain", "timeline"}
