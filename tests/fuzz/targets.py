"""Fuzz targets (issue 14, part 3): each takes the fuzzer's bytes and raises only on a real bug.

What each may answer is its contract: the draft parser ``DraftInvalid`` (and a draft it takes
survives its own JSON unchanged); the type sniffer one of the supported formats or ``None``,
and the probe ``UnsupportedMedia`` or ``TooLarge``; the URL guard ``InvalidRequest`` (an address
carrying a private IPv4 address is never allowed); the chat planner a plan, never an exception.
``run.py`` drives them with atheris; ``test_fuzz.py`` replays the seeds and every crash kept.
"""

from __future__ import annotations

import ipaddress
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from frameloom.agent import Plan, PlanContext, plan
from frameloom.domain.errors import InvalidRequest, TooLarge, UnsupportedMedia
from frameloom.domain.media import SUPPORTED_FORMATS
from frameloom.services.fetch import address_allowed, embedded_ipv4, parse_import_url
from frameloom.services.probe import HEAD_BYTES, ProbeLimits, probe_file, sniff
from frameloom.timeline import DraftInvalid, draft_to_json, parse_draft

LIMITS = ProbeLimits(max_pixels=4_000_000, max_bytes=1 << 20)
_SCRATCH = Path(tempfile.gettempdir()) / f"frameloom-fuzz-{os.getpid()}.bin"


def draft(data: bytes) -> None:
    """``parse_draft`` on any JSON: a draft or ``DraftInvalid``; a draft it takes reads back equal."""
    try:
        document = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):  # not JSON, or nested past Python's parser (the API bounds depth first)
        return
    try:
        parsed = parse_draft(document)
    except DraftInvalid:
        return
    again = parse_draft(json.loads(json.dumps(draft_to_json(parsed))))
    assert again == parsed, "a draft changed on its way through its own JSON"


def upload_type(data: bytes) -> None:
    """``sniff`` names a supported format or nothing; ``probe_file`` refuses with 4001/4002 or
    reads a format of the supported list within the pixel limit."""
    fmt = sniff(data[:HEAD_BYTES])
    assert fmt is None or fmt in SUPPORTED_FORMATS, fmt
    _SCRATCH.write_bytes(data)
    try:
        probe = probe_file(_SCRATCH, LIMITS)
    except (UnsupportedMedia, TooLarge):
        return
    assert probe.format in SUPPORTED_FORMATS
    if probe.width is not None and probe.height is not None:
        assert probe.width * probe.height <= LIMITS.max_pixels
    assert probe.duration_ms is None or probe.duration_ms >= 0


def url_guard(data: bytes) -> None:
    """The first byte picks the part: an IPv6 address, an IPv4 address, or a URL string."""
    if not data:
        return
    mode, rest = data[0] % 3, data[1:]
    if mode == 0 and len(rest) >= 16:
        _address(ipaddress.IPv6Address(rest[:16]))
    elif mode == 1 and len(rest) >= 4:
        _address(ipaddress.IPv4Address(rest[:4]))
    elif mode == 2:
        try:
            url = parse_import_url(rest.decode("utf-8", "replace"))
        except InvalidRequest:
            return
        assert url.scheme in ("http", "https")
        assert url.host


def _address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    allowed = address_allowed(address, [])
    private = [inner for inner in embedded_ipv4(address) if not inner.is_global or inner.is_multicast]
    assert not (allowed and private), f"{address} carries {private[0]} and was allowed"
    if not embedded_ipv4(address):
        assert allowed == (address.is_global and not address.is_multicast)


def chat_planner(data: bytes) -> None:
    """``plan`` on any text, in each language setting: a plan, never an exception."""
    text = data.decode("utf-8", "replace")
    for language in (None, "en", "zh"):
        result = plan(text, PlanContext(language=language))
        assert isinstance(result, Plan)
        assert result.calls or result.reply_hint


TARGETS: dict[str, Callable[[bytes], None]] = {
    "draft": draft, "upload_type": upload_type, "url_guard": url_guard, "chat_planner": chat_planner,
}
