"""The web studio (SPEC section 9): ``GET /`` serves the page, ``GET /static/...`` its files.

The files live in ``frameloom/web/static/``: plain ES modules and hand-written
CSS, no build step. ``index.html`` carries the server's facts the page needs
(package version for ``X-Skill-Version``, the upload limit in bytes and the
supported formats) in ``data-`` attributes of ``<html>``, filled in here.

Caching: every answer has an ``ETag`` and ``Cache-Control: no-cache``, so a
browser revalidates (a 304 with no body) and never runs a stale module after an
upgrade (the file names carry no hash). The page's Content-Security-Policy
allows nothing but this server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frameloom import __version__
from frameloom.api.deps import SettingsDep
from frameloom.domain.errors import NotFound
from frameloom.domain.media import SUPPORTED_FORMATS

router = APIRouter(tags=["web"], include_in_schema=False)

STATIC_DIR = Path(str(files("frameloom") / "web" / "static"))
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")


@dataclass(frozen=True)
class Asset:
    """A file's bytes as sent, its media type and its strong ``ETag``."""

    body: bytes
    media_type: str
    etag: str


def _asset(body: bytes, media_type: str) -> Asset:
    return Asset(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@cache
def _static(name: str) -> Asset:
    """The file ``name`` under ``STATIC_DIR``; ``NotFound`` for anything else (no dot files, no ``..``)."""
    path = (STATIC_DIR / name).resolve()
    media_type = MEDIA_TYPES.get(path.suffix)
    if (media_type is None or not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file()
            or any(part.startswith(".") for part in Path(name).parts)):
        raise NotFound("static file", name)
    return _asset(path.read_bytes(), media_type)


@cache
def _index(upload_max_bytes: int) -> Asset:
    """``index.html`` with the server's facts in place of its ``{{...}}`` marks."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for mark, value in (("version", __version__), ("upload_max_bytes", str(upload_max_bytes)),
                        ("formats", " ".join(SUPPORTED_FORMATS))):
        html = html.replace("{{" + mark + "}}", escape(value, quote=True))
    return _asset(html.encode("utf-8"), MEDIA_TYPES[".html"])


def _send(request: Request, asset: Asset, *, page: bool = False) -> Response:
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if page:
        headers["Content-Security-Policy"] = CSP
        headers["Referrer-Policy"] = "same-origin"
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/")
def studio(request: Request, settings: SettingsDep) -> Response:
    """The studio page."""
    return _send(request, _index(settings.upload_max_bytes), page=True)


@router.get("/static/{name:path}")
def static(name: str, request: Request) -> Response:
    """A file of the page (JS, CSS, images); 1002 for a name that is not one."""
    return _send(request, _static(name))
