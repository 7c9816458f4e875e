"""Request bodies read as streams, with limits: multipart files straight to disk, small JSON bodies.

A multipart upload never sits whole in memory: each ``file`` part is written
chunk by chunk to its own staging file as it arrives, and the request stops
with 4002 as soon as one part passes the limit. Other fields are ignored
(bounded to 64 KiB each). On any failure every staging file is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from frameloom.domain.errors import InvalidRequest, TooLarge
from frameloom.services.uploads import Staged

MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 20
_BOUNDARY = re.compile(rb"^[0-9A-Za-z'()+_,./:=? -]{1,70}$")  # RFC 2046's characters and length


class _PartWriter:
    """python-multipart callbacks that route each ``file`` part into a staging file."""

    def __init__(self, new_path: Callable[[], Path], max_bytes: int) -> None:
        self.new_path = new_path
        self.max_bytes = max_bytes
        self.files: list[Staged] = []
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._out: IO[bytes] | None = None
        self._written = 0
        self.closed = False  # the closing boundary was seen

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.on_part_begin, "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value, "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished, "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end, "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._headers = {}
        self._written = 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if options.get(b"name") != b"file":
            return
        if len(self.files) >= MAX_FILES:
            raise InvalidRequest.of("file", f"at most {MAX_FILES} files per upload")
        path = self.new_path()
        name = options.get(b"filename", b"upload").decode("utf-8", "replace")
        self.files.append(Staged(path, name))
        self._out = path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._written += end - start
        if self._out is None:
            if self._written > MAX_FIELD_BYTES:
                raise TooLarge(f"a form field over {MAX_FIELD_BYTES} bytes", MAX_FIELD_BYTES)
            return
        if self._written > self.max_bytes:
            raise TooLarge(f"file: more than {self.max_bytes} bytes", self.max_bytes)
        self._out.write(data[start:end])

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def on_end(self) -> None:
        self.closed = True

    def discard(self) -> None:
        self.on_part_end()
        for item in self.files:
            item.path.unlink(missing_ok=True)


async def receive_files(request: Request, new_path: Callable[[], Path], max_bytes: int) -> list[Staged]:
    """Stream a ``multipart/form-data`` body's ``file`` parts to staging files; ``TooLarge`` past ``max_bytes``.

    A body that is not well-formed multipart (a bad boundary, a broken or endless header,
    no closing boundary) is ``InvalidRequest`` on ``body``; every staged file is removed then.
    """
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidRequest.of("body", "multipart/form-data without a boundary")
    if not _BOUNDARY.match(boundary):
        raise InvalidRequest.of("Content-Type", "the boundary must be 1 to 70 of RFC 2046's characters")
    writer = _PartWriter(new_path, max_bytes)
    parser = MultipartParser(boundary, writer.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if not writer.closed:
            raise InvalidRequest.of("body", "malformed multipart body: it ends before its closing boundary")
        writer.on_part_end()
    except MultipartParseError as exc:
        writer.discard()
        raise InvalidRequest.of("body", f"malformed multipart body: {exc}"[:200]) from None
    except BaseException:
        writer.discard()
        raise
    return writer.files


async def read_small_body(request: Request, limit: int) -> bytes:
    """The whole body when it is at most ``limit`` bytes; ``TooLarge`` otherwise (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"body: {declared} bytes; at most {limit}", limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"body: more than {limit} bytes", limit)
    return bytes(body)
