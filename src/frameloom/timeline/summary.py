"""The one-line timeline text the agent shows after every turn (SPEC section 5).

    Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)

Times are seconds with at most one decimal (``1.5s``, rounded half up);
segments of one track are joined with ``, ``; a track shows at most
``MAX_SHOWN`` segments and then ``+N more``.
"""

from __future__ import annotations

from frameloom.timeline.model import AudioSegment, Draft, Segment, TextSegment, Track, TrackKind, VideoSegment

MAX_SHOWN = 5
MAX_TEXT_CHARS = 40
_KIND_NAMES = {TrackKind.VIDEO: "Video", TrackKind.AUDIO: "Audio", TrackKind.TEXT: "Text"}


def summary(draft: Draft) -> str:
    """``Timeline (N tracks): 1. <name>: <segment> (<start>-<end>s) ...``."""
    count = len(draft.tracks)
    head = f"Timeline ({count} track{'' if count == 1 else 's'})"
    if not draft.tracks:
        return f"{head}: empty"
    return f"{head}: " + " ".join(f"{i}. {_track_text(track)}" for i, track in enumerate(draft.tracks, 1))


def seconds_text(ms: int) -> str:
    """Milliseconds as seconds for people: ``10000`` -> ``10``, ``1250`` -> ``1.3``."""
    tenths = (ms + 50) // 100
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def _track_text(track: Track) -> str:
    name = track.name.strip() if track.name and track.name.strip() else _KIND_NAMES[track.kind]
    if not track.segments:
        return f"{name}: (empty)"
    ordered = sorted(track.segments, key=lambda seg: seg.start_ms)
    parts = [_segment_text(seg) for seg in ordered[:MAX_SHOWN]]
    if len(ordered) > MAX_SHOWN:
        parts.append(f"+{len(ordered) - MAX_SHOWN} more")
    return f"{name}: " + ", ".join(parts)


def _segment_text(segment: Segment) -> str:
    span = f"{seconds_text(segment.start_ms)}-{seconds_text(segment.end_ms)}s"
    if isinstance(segment, TextSegment):
        return f"{_quoted(segment.text)} ({span})"
    if isinstance(segment, AudioSegment):
        # percent rounded half up, so 0.355 shows as 36%, like a volume knob
        details = f", {int(segment.volume * 100 + 0.5)}%" + (", loop" if segment.loop else "")
        return f"{segment.label or segment.src} ({span}{details})"
    assert isinstance(segment, VideoSegment)
    return f"{segment.label or segment.src} ({span})"


def _quoted(text: str) -> str:
    """The text on one line in double quotes, cut to ``MAX_TEXT_CHARS`` with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) > MAX_TEXT_CHARS:
        flat = flat[: MAX_TEXT_CHARS - 1].rstrip() + "…"
    return f'"{flat}"'
