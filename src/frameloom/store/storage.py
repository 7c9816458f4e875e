"""Where media bytes live: a small :class:`Storage` seam, its local-disk implementation, and
:func:`open_storage`, which picks local disk or S3-compatible object storage (store/s3.py).

Keys are relative POSIX paths such as ``m/med_abc/fox.png`` (letters, digits,
``._-`` per part; no ``..``). Objects appear whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

from frameloom.domain.errors import NotFound, OutputError

_KEY_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")


def check_key(key: str) -> str:
    """Return ``key`` when it is a safe relative key; raise ``NotFound`` otherwise (callers echo keys)."""
    parts = key.split("/")
    if not key or len(key) > 512 or not all(_KEY_PART.match(part) for part in parts):
        raise NotFound("file", key[:64])
    return key


class Storage(ABC):
    """Media bytes by key. Implementations must be safe to call from several threads."""

    @abstractmethod
    def put_file(self, key: str, source: Path) -> int:
        """Move the local file ``source`` to ``key`` (replacing any object there); return its size in bytes."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> int:
        """Store ``data`` at ``key`` atomically; return its size in bytes."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A seekable binary reader of the object; ``NotFound`` when there is none."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; ``NotFound`` when there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""

    @abstractmethod
    def fetch(self, key: str, dest_dir: Path) -> Path:
        """A local file with the object's bytes, for readers that need a path (the compositor).

        The file is ``dest_dir/<key>`` (a job's scratch folder, removed with it) or, where the bytes
        already are on this disk, the object's own file; callers only read it. ``NotFound`` when
        there is no object. Works without a disk shared with the process that stored it.
        """

    @abstractmethod
    def check(self) -> str:
        """``"ok"`` when objects can be written now, else a short reason (for ``/readyz``)."""


class LocalStorage(Storage):
    """Objects as files under ``root``, written through a temporary file and ``os.replace``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_file(self, key: str, source: Path) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:  # another file system: copy beside the target, then rename
            temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
            try:
                shutil.copyfile(source, temp)
                os.replace(temp, target)
            except OSError as exc:
                temp.unlink(missing_ok=True)
                raise OutputError(key, exc.strerror or type(exc).__name__) from None
            source.unlink(missing_ok=True)
        return target.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            temp.write_bytes(data)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return len(data)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise NotFound("file", key) from None

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise NotFound("file", key) from None

    def fetch(self, key: str, dest_dir: Path) -> Path:
        """A hard link in ``dest_dir`` (the object stays readable there if it is deleted meanwhile);
        the object's own file where ``dest_dir`` is on another file system."""
        path = self._path(key)
        if not path.is_file():
            raise NotFound("file", key)
        target = dest_dir / key
        if target.resolve() == path.resolve():  # asked to fetch into the media folder itself
            return path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.unlink(missing_ok=True)
            os.link(path, target)
        except FileNotFoundError:
            raise NotFound("file", key) from None
        except OSError:  # another file system, or links not allowed: read it where it is
            return path
        return target

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the key's folder, when now empty
            path.parent.rmdir()

    def check(self) -> str:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / f".probe-{secrets.token_hex(4)}"
            try:  # a few KiB, synced: an empty file is made even on a full disk
                with probe.open("wb") as fh:
                    fh.write(b"\0" * 4096)
                    os.fsync(fh.fileno())
            finally:
                probe.unlink(missing_ok=True)
        except OSError as exc:
            return f"media folder not writable: {exc.strerror or type(exc).__name__}"
        return "ok"


def open_storage(s3_url: str | None, s3_endpoint: str | None, media_dir: Path) -> Storage:
    """S3-compatible storage when ``s3_url`` is set (boto3 imported only then), else local disk under ``media_dir``."""
    if s3_url:
        from frameloom.store.s3 import S3Storage

        return S3Storage.from_url(s3_url, s3_endpoint)
    return LocalStorage(media_dir)
