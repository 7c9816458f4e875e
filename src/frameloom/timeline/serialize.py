"""Draft to JSON: the short-key document of SPEC section 5.

A key is written when the source JSON had it (``given``) or its value differs
from the default, so ``draft_to_json(parse_draft(x)) == x`` for every valid
``x``, and a draft built in code comes out with no noise.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

from frameloom.timeline.jsonvalue import JsonObject, thaw
from frameloom.timeline.model import (
    AudioSegment,
    Draft,
    Segment,
    TextSegment,
    Track,
    Transition,
    VideoSegment,
)

# JSON key in ``m`` -> attribute, per segment type, in the order they are written.
_M_KEYS: dict[type, tuple[tuple[str, str], ...]] = {
    VideoSegment: (("src", "src"), ("in", "in_ms"), ("fit", "fit"), ("motion", "motion"),
                   ("transition", "transition"), ("label", "label")),
    AudioSegment: (("src", "src"), ("volume", "volume"), ("fade_in", "fade_in_ms"),
                   ("fade_out", "fade_out_ms"), ("loop", "loop"), ("label", "label")),
    TextSegment: (("text", "text"), ("font", "font"), ("size", "size"), ("color", "color"), ("pos", "pos"),
                  ("box", "box"), ("fade_in", "fade_in_ms"), ("fade_out", "fade_out_ms")),
}


def draft_to_json(draft: Draft) -> dict[str, Any]:
    """The draft as plain ``dict`` / ``list`` JSON, ready for ``json.dumps``."""
    meta = _with_extra(draft.extra, {"w": draft.width, "h": draft.height, "fps": draft.fps})
    if draft.aspect is not None or "ar" in draft.given:
        meta["ar"] = draft.aspect
    out = _with_extra(draft.extra_outer, {"v": draft.version})
    if draft.duration_ms is not None or "d" in draft.given:
        out["d"] = draft.duration_ms
    out["m"] = meta
    out["t"] = [_track_json(track) for track in draft.tracks]
    return out


def segment_to_json(segment: Segment) -> dict[str, Any]:
    """One segment as its short-key JSON object."""
    defaults = {f.name: f.default for f in fields(segment)}
    meta = _with_extra(segment.extra, {})
    for key, attr in _M_KEYS[type(segment)]:
        value = getattr(segment, attr)
        if key in segment.given or defaults[attr] is MISSING or value != defaults[attr]:
            meta[key] = _value_json(value)
    return _with_extra(
        segment.extra_outer, {"id": segment.id, "s": segment.start_ms, "d": segment.duration_ms, "m": meta}
    )


def _track_json(track: Track) -> dict[str, Any]:
    out = _with_extra(track.extra_outer, {"id": track.id, "tt": int(track.kind)})
    meta = _with_extra(track.extra, {})
    if track.name is not None or "name" in track.given:
        meta["name"] = track.name
    if meta or "m" in track.given:
        out["m"] = meta
    out["sg"] = [segment_to_json(segment) for segment in track.segments]
    return out


def _value_json(value: object) -> Any:
    """A field value as JSON: a transition as its object, a point as ``[x, y]``."""
    if isinstance(value, Transition):
        return _with_extra(value.extra, {"type": value.kind, "d": value.duration_ms})
    if isinstance(value, tuple):
        return list(value)
    return value


def _with_extra(extra: JsonObject, known: dict[str, Any]) -> dict[str, Any]:
    """Unknown keys first, then the known ones (which win should both name a key)."""
    out: dict[str, Any] = thaw(extra)
    out.update(known)
    return out
