"""``GET /files/<key>``: signed, expiring download links, with ``Range`` requests (players seek).

One byte range per request (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``) is
answered with 206 and ``Content-Range``; a range past the end with 416 and
``Content-Range: bytes */size``; several ranges or a malformed header with the
whole file (200), as RFC 9110 allows.

The bytes go through this route whatever the storage (local disk or S3): links stay signed and
expiring, and object storage need not be reachable by users (docs/storage.md).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from frameloom.api.deps import SignerDep, StorageDep
from frameloom.domain.media import CONTENT_TYPES
from frameloom.store.storage import check_key

router = APIRouter(tags=["files"])
CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for one satisfiable range; ``None`` for no usable range.

    Raises ``ValueError`` when the range cannot be satisfied (416).
    """
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise ValueError("range starts past the end")
    return start, end


def _chunks(reader: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    with reader as fh:
        fh.seek(start)
        left = length
        while left > 0:
            data = fh.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data


def _content_type(key: str) -> str:
    suffix = key.rsplit(".", 1)[-1].lower() if "." in key else ""
    return CONTENT_TYPES.get("jpg" if suffix == "jpeg" else suffix, "application/octet-stream")


@router.get("/files/{key:path}")
def download(
    key: str,
    request: Request,
    storage: StorageDep,
    signer: SignerDep,
    exp: Annotated[str | None, Query()] = None,
    sig: Annotated[str | None, Query()] = None,
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> Response:
    """The file behind a link handed out by the API; 403 when the link is bad or expired."""
    signer.verify(check_key(key), exp, sig)
    reader = storage.open(key)  # one reader for the size and the bytes: on S3, one HEAD and one ranged GET
    try:
        size = reader.seek(0, io.SEEK_END)
        headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
        try:
            wanted = parse_range(range_header, size)
        except ValueError:
            reader.close()
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        start, end = wanted if wanted is not None else (0, size - 1)
        length = max(0, end - start + 1)
        headers["Content-Length"] = str(length)
        status = 200
        if wanted is not None:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        media_type = _content_type(key)
        if request.method == "HEAD":
            reader.close()
            return Response(status_code=status, headers=headers, media_type=media_type)
        return StreamingResponse(_chunks(reader, start, length), status_code=status, headers=headers,
                                 media_type=media_type)
    except BaseException:
        reader.close()
        raise


router.add_api_route("/files/{key:path}", download, methods=["HEAD"], include_in_schema=False)
