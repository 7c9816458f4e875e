"""Uploads and URL imports into a session (SPEC sections 3 and 7).

Files arrive in the staging folder (streamed, never whole in memory), are
probed from their content, then moved into storage and recorded in one
transaction. A request is all or nothing: on any failure every staged and
stored file of the request is removed, so nothing half-written stays behind.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.media import Probe
from frameloom.services.clock import Clock
from frameloom.services.fetch import Fetcher
from frameloom.services.links import LinkSigner
from frameloom.services.probe import ProbeLimits, probe_file
from frameloom.services.sessions import MediaView, media_view
from frameloom.settings import Settings
from frameloom.store import sessions as sessions_repo
from frameloom.store.db import Database
from frameloom.store.media import media_key, media_row, new_media_id
from frameloom.store.models import Media
from frameloom.store.storage import Storage

MAX_URLS = 10
MAX_FILENAME = 120
_UNSAFE = re.compile(r"[^\w.\- ]+")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Staged:
    """A received file waiting in the staging folder, with the name the sender gave."""

    path: Path
    filename: str


def new_staging_file(folder: Path) -> Path:
    """A fresh path in ``folder`` (made on first use), named after this process: ``<pid>-<random>.part``,
    so that a sweep can tell the files of a process that died from those of one still at work."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{os.getpid()}-{secrets.token_hex(12)}.part"


def _writer_gone(path: Path) -> bool:
    """True when the process named in ``path`` (``<pid>-...``) no longer exists on this machine."""
    pid = path.name.partition("-")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):  # someone else's process, or no pid at all
        return False
    return False


def sanitize_filename(name: str, fmt: str) -> str:
    """A safe display name: no folders, no control characters, the extension of the *content*."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:MAX_FILENAME] or "upload"
    return f"{stem}.{fmt}"


def storage_name(display: str) -> str:
    """The ASCII form of a display name used in storage keys and links."""
    stem, _, ext = display.rpartition(".")
    safe = _ASCII_UNSAFE.sub("_", stem).strip("._-")[:MAX_FILENAME] or "file"
    return f"{safe}.{ext}"


class UploadService:
    def __init__(self, db: Database, storage: Storage, signer: LinkSigner, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.storage = storage
        self.signer = signer
        self.clock = clock
        self.staging_dir = settings.staging_dir
        self.max_bytes = settings.upload_max_bytes
        self.limits = ProbeLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.upload_max_bytes)
        self.fetcher = Fetcher(settings.url_import_allowed_networks, settings.upload_max_bytes,
                               settings.url_import_timeout_s)

    def sweep_staging(self, older_than_s: float = 3600.0) -> int:
        """Remove staging files left by a process that died mid-upload; how many were removed.

        A file goes when the process named in it is gone (killed mid-upload), or when it
        is older than ``older_than_s`` (a pid reused since); uploads under way in another
        live process sharing the data folder are left alone.
        """
        if not self.staging_dir.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.staging_dir.glob("*.part"):
            try:
                stale = _writer_gone(path) or path.stat().st_mtime < cutoff
            except FileNotFoundError:  # its upload ended meanwhile
                continue
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def staging_path(self) -> Path:
        """A fresh path in the staging folder (see :func:`new_staging_file`)."""
        return new_staging_file(self.staging_dir)

    def check_session(self, who: Principal, session_id: str) -> None:
        """``NotFound`` unless the session exists and is the caller's (checked before any byte is read)."""
        with self.db.read() as session:
            sessions_repo.owned_session(session, who.account_id, session_id)

    def add_files(self, who: Principal, session_id: str, staged: list[Staged], base_url: str) -> list[MediaView]:
        """Probe, store and record the staged files (all or none); their media as the API shows them."""
        try:
            if not staged:
                raise InvalidRequest.of("file", "no file field in the upload")
            probes = [probe_file(item.path, self.limits) for item in staged]
            return self._store(who, session_id, staged, probes, "upload", base_url)
        finally:
            for item in staged:
                item.path.unlink(missing_ok=True)

    def import_urls(self, who: Principal, session_id: str, urls: list[str], base_url: str) -> list[MediaView]:
        """Download each URL through the SSRF guard, then as :meth:`add_files` (all or none)."""
        if not 1 <= len(urls) <= MAX_URLS:
            raise InvalidRequest.of("urls", f"give 1 to {MAX_URLS} URLs")
        self.check_session(who, session_id)
        staged: list[Staged] = []
        try:
            for i, url in enumerate(urls):
                fetched = self.fetcher.fetch(url, self.staging_path(), field=f"urls[{i}]")
                staged.append(Staged(fetched.path, fetched.filename))
            probes = [probe_file(item.path, self.limits) for item in staged]
            return self._store(who, session_id, staged, probes, "url", base_url)
        finally:
            for item in staged:
                item.path.unlink(missing_ok=True)

    def _store(
        self, who: Principal, session_id: str, staged: list[Staged], probes: list[Probe], source: str, base_url: str
    ) -> list[MediaView]:
        now = self.clock()
        rows: list[Media] = []
        stored: list[str] = []
        try:
            for item, probe in zip(staged, probes, strict=True):
                media_id = new_media_id()
                filename = sanitize_filename(item.filename, probe.format)
                key = media_key(media_id, storage_name(filename))
                size = self.storage.put_file(key, item.path)
                stored.append(key)
                rows.append(media_row(
                    media_id=media_id, account_id=who.account_id, session_id=session_id, fmt=probe.format,
                    filename=filename, size=size, width=probe.width, height=probe.height,
                    duration_ms=probe.duration_ms, source=source, now=now, stored_as=storage_name(filename),
                ))
            with self.db.write() as session:
                sessions_repo.owned_session(session, who.account_id, session_id)
                session.add_all(rows)
                sessions_repo.touch(session, session_id, now)
        except BaseException:
            for key in stored:
                self.storage.delete(key)
            raise
        return [media_view(row, self.signer, base_url) for row in rows]
