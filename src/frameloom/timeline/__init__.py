"""The draft (timeline) model: typed values, parsing with JSON-path problems,
the one-line summary and pure edits (SPEC section 5).

Pure: no I/O, imports only ``frameloom.domain``. Times are integer ms, sizes px.

    draft = parse_draft(json.loads(body), media_ids=session_media)   # raises DraftInvalid
    draft = add_segment(draft, "x1", TextSegment("s9", 0, 3000, "Hello"))
    draft = set_aspect(draft, "9:16")
    summary(draft)          # 'Timeline (3 tracks): 1. Video: ...'
    draft_to_json(draft)    # the short-key JSON again
"""

from frameloom.timeline.edit import (
    DRAFT_ASPECTS,
    add_segment,
    add_track,
    empty_draft,
    fit_duration,
    move_segment,
    next_id,
    remove_segment,
    remove_track,
    replace_segment,
    set_aspect,
    set_duration,
    trim_segment,
)
from frameloom.timeline.errors import DraftInvalid
from frameloom.timeline.jsonvalue import JsonObject, JsonValue
from frameloom.timeline.model import (
    BGM_STYLES,
    DRAFT_VERSION,
    MAX_DURATION_MS,
    AudioSegment,
    Draft,
    Segment,
    TextPos,
    TextSegment,
    Track,
    TrackKind,
    Transition,
    VideoSegment,
    is_fraction_point,
    point_px,
)
from frameloom.timeline.parse import check_structure, parse_draft, validate
from frameloom.timeline.query import Active, active_at, duration_ms, find_segment, find_track
from frameloom.timeline.serialize import draft_to_json, segment_to_json
from frameloom.timeline.summary import seconds_text, summary

__all__ = [
    "BGM_STYLES",
    "DRAFT_ASPECTS",
    "DRAFT_VERSION",
    "MAX_DURATION_MS",
    "Active",
    "AudioSegment",
    "Draft",
    "DraftInvalid",
    "JsonObject",
    "JsonValue",
    "Segment",
    "TextPos",
    "TextSegment",
    "Track",
    "TrackKind",
    "Transition",
    "VideoSegment",
    "active_at",
    "add_segment",
    "add_track",
    "check_structure",
    "draft_to_json",
    "duration_ms",
    "empty_draft",
    "find_segment",
    "find_track",
    "fit_duration",
    "is_fraction_point",
    "move_segment",
    "next_id",
    "parse_draft",
    "point_px",
    "remove_segment",
    "remove_track",
    "replace_segment",
    "seconds_text",
    "segment_to_json",
    "set_aspect",
    "set_duration",
    "summary",
    "trim_segment",
    "validate",
]
