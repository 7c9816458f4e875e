"""Media in S3-compatible object storage (AWS S3, MinIO, SeaweedFS, ...): :class:`S3Storage`.

Chosen by ``FRAMELOOM_S3_URL`` (``s3://bucket/prefix``) and ``FRAMELOOM_S3_ENDPOINT``; credentials
come from boto3's usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an
instance role). docs/storage.md has the decisions; in short:

- writes are whole or nothing: one ``PutObject`` for small objects, a multipart upload read from
  the file in :data:`PART_BYTES` parts for big ones (never the whole file in memory), which S3 shows
  only once it is completed and aborts on failure;
- :meth:`S3Storage.open` is a seekable reader over ranged ``GetObject`` calls, pinned to the
  object's ETag, so a download never mixes two versions of a replaced object;
- a missing object is ``NotFound``; an unreachable or refusing server is ``StoreUnavailable``
  (503) on reads and transient write failures, ``OutputError`` on other write failures.
"""

from __future__ import annotations

import functools
import io
import os
import secrets
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TypeVar
from urllib.parse import urlsplit

import boto3
import botocore.loaders
import botocore.session
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from frameloom.domain.errors import NotFound, OutputError, StoreUnavailable
from frameloom.domain.media import CONTENT_TYPES
from frameloom.store.storage import Storage, check_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef

PART_BYTES = 8 * 1024 * 1024  # multipart threshold and part size: S3's minimum part is 5 MiB
READ_BUFFER = 256 * 1024  # bytes asked of the open GET stream at a time
POOL_CONNECTIONS = 64  # kept-alive connections per client: downloads in flight each hold one (botocore: 10)
_MISSING = {"404", "NoSuchKey", "NotFound"}
_T = TypeVar("_T")


@functools.cache
def _loader() -> botocore.loaders.Loader:
    """botocore's JSON service models, read once per process: a fresh session reads them again (0.3 s a client)."""
    return botocore.loaders.create_loader()


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix")`` (the prefix without slashes at the ends)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"{url!r} is not s3://bucket/prefix")
    return parts.netloc, parts.path.strip("/")


def make_client(endpoint: str | None, *, attempts: int = 3, connect_s: float = 5.0, read_s: float = 60.0) -> S3Client:
    """An S3 client on ``endpoint`` (None: AWS), credentials and region from boto3's usual sources.

    Path-style addressing when an endpoint is given: S3-compatible servers rarely serve
    ``bucket.host`` names. The region: ``AWS_DEFAULT_REGION`` (or a profile's), else ``AWS_REGION``,
    else ``us-east-1`` (it only names the signature's scope for servers other than AWS).
    """
    core = botocore.session.Session()
    core.register_component("data_loader", _loader())
    session = boto3.session.Session(botocore_session=core)
    config = Config(retries={"max_attempts": attempts, "mode": "standard"}, connect_timeout=connect_s,
                    read_timeout=read_s, signature_version="s3v4", max_pool_connections=POOL_CONNECTIONS,
                    s3={"addressing_style": "path" if endpoint else "auto"})
    region = session.region_name or os.environ.get("AWS_REGION") or "us-east-1"  # botocore reads only the first
    return session.client("s3", endpoint_url=endpoint or None, region_name=region, config=config)


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "") or _status(exc))


def _transient(exc: BaseException) -> bool:
    """The server could not be reached or asked us to come back: the same call may succeed later."""
    if isinstance(exc, ClientError):
        return _status(exc) >= 500 or _code(exc) in {"SlowDown", "RequestTimeout", "Throttling"}
    return isinstance(exc, BotoCoreError)


def _read_failure(key: str, exc: BotoCoreError | ClientError) -> NoReturn:
    if isinstance(exc, ClientError) and _code(exc) in _MISSING:
        raise NotFound("file", key) from None
    reason = _code(exc) if isinstance(exc, ClientError) else type(exc).__name__
    raise StoreUnavailable(f"object storage: cannot read {key}: {reason}") from exc


def _write_failure(key: str, exc: Exception) -> NoReturn:
    cause = exc.__context__ if isinstance(exc, S3UploadFailedError) else exc
    cause = cause if cause is not None else exc
    if _transient(cause):
        raise StoreUnavailable(f"object storage: cannot write {key}: {type(cause).__name__}") from exc
    reason = _code(cause) if isinstance(cause, ClientError) else type(cause).__name__
    raise OutputError(key, f"object storage refused the write: {reason}") from exc


def _reading(key: str, call: Callable[[], _T]) -> _T:
    try:
        return call()
    except (BotoCoreError, ClientError) as exc:
        _read_failure(key, exc)


def _content_type(key: str) -> str:
    suffix = PurePosixPath(key).suffix.lstrip(".").lower()
    return CONTENT_TYPES.get("jpg" if suffix == "jpeg" else suffix, "application/octet-stream")


class S3Storage(Storage):
    """Objects under ``prefix/`` in ``bucket``. ``client`` is shared by threads (boto3 clients are
    thread-safe); ``probe_client`` answers :meth:`check` quickly (one attempt, short timeouts)."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "", *, probe_client: S3Client | None = None,
                 part_bytes: int = PART_BYTES) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")
        self.probe_client = probe_client if probe_client is not None else client
        self.transfer = TransferConfig(multipart_threshold=part_bytes, multipart_chunksize=part_bytes,
                                       max_concurrency=4, use_threads=True)

    @classmethod
    def from_url(cls, url: str, endpoint: str | None) -> S3Storage:
        """The storage named by ``FRAMELOOM_S3_URL`` on ``FRAMELOOM_S3_ENDPOINT``; nothing is contacted yet."""
        bucket, prefix = parse_s3_url(url)
        return cls(make_client(endpoint), bucket, prefix,
                   probe_client=make_client(endpoint, attempts=1, connect_s=2.0, read_s=5.0))

    def object_key(self, key: str) -> str:
        """The S3 key of the storage key ``key`` (checked)."""
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_file(self, key: str, source: Path) -> int:
        size = source.stat().st_size
        try:
            self.client.upload_file(str(source), self.bucket, self.object_key(key), Config=self.transfer,
                                    ExtraArgs={"ContentType": _content_type(key)})
        except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
            _write_failure(key, exc)
        source.unlink(missing_ok=True)
        return size

    def put_bytes(self, key: str, data: bytes) -> int:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data,
                                   ContentType=_content_type(key))
        except (BotoCoreError, ClientError) as exc:
            _write_failure(key, exc)
        return len(data)

    def open(self, key: str) -> BinaryIO:
        full = self.object_key(key)
        head = _reading(key, lambda: self.client.head_object(Bucket=self.bucket, Key=full))
        raw = S3Reader(self.client, self.bucket, full, key, size=head["ContentLength"], etag=head["ETag"])
        return io.BufferedReader(raw, buffer_size=READ_BUFFER)

    def size(self, key: str) -> int:
        full = self.object_key(key)
        return _reading(key, lambda: self.client.head_object(Bucket=self.bucket, Key=full))["ContentLength"]

    def delete(self, key: str) -> None:
        full = self.object_key(key)
        _reading(key, lambda: self.client.delete_object(Bucket=self.bucket, Key=full))

    def fetch(self, key: str, dest_dir: Path) -> Path:
        """Download the object to ``dest_dir/<key>`` (boto3 writes a temporary name, then renames)."""
        full = self.object_key(key)
        target = dest_dir / key
        target.parent.mkdir(parents=True, exist_ok=True)
        _reading(key, lambda: self.client.download_file(self.bucket, full, str(target), Config=self.transfer))
        return target

    def check(self) -> str:
        probe = f"{self.prefix}/.probe-{secrets.token_hex(4)}" if self.prefix else f".probe-{secrets.token_hex(4)}"
        try:
            self.probe_client.put_object(Bucket=self.bucket, Key=probe, Body=b"\0" * 16)
            self.probe_client.delete_object(Bucket=self.bucket, Key=probe)
        except ClientError as exc:
            return f"object storage not writable: {_code(exc)}"
        except NoCredentialsError:
            return "object storage: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        except BotoCoreError as exc:
            return f"object storage unreachable: {type(exc).__name__}"
        return "ok"


class S3Reader(io.RawIOBase):
    """A seekable reader of one object: each read continues one open ``GetObject`` stream from the
    current position (``Range: bytes=pos-``); a seek drops the stream and the next read opens a new one.

    ``If-Match`` pins every request to the ETag seen when the reader was opened: if the object is
    replaced meanwhile, a read raises ``StoreUnavailable`` instead of returning bytes of two versions.
    """

    def __init__(self, client: S3Client, bucket: str, object_key: str, key: str, *, size: int, etag: str) -> None:
        super().__init__()
        self.client, self.bucket, self.object_key, self.key = client, bucket, object_key, key
        self.size, self.etag = size, etag
        self.pos = 0
        self.body: GetObjectOutputTypeDef | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        target = base + offset
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        if target != self.pos:
            self._drop()
            self.pos = target
        return self.pos

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if self.pos >= self.size:
            return 0
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)

    def _read(self, count: int) -> bytes:
        """Up to ``count`` bytes from the open stream; a stream cut short (a reset connection, a read
        timeout) is opened again once at the same position before ``StoreUnavailable``."""
        for attempt in range(2):
            if self.body is None:
                self.body = self._get()
            try:
                data = self.body["Body"].read(count)
            except BotoCoreError as exc:
                self._drop()
                if attempt:
                    raise StoreUnavailable(f"object storage: reading {self.key} failed: {type(exc).__name__}") from exc
                continue
            if data:
                return data
            self._drop()
        raise StoreUnavailable(f"object storage: {self.key} ended at byte {self.pos} of {self.size}")

    def _get(self) -> GetObjectOutputTypeDef:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key, Range=f"bytes={self.pos}-",
                                          IfMatch=self.etag)
        except ClientError as exc:
            if _code(exc) == "PreconditionFailed":
                raise StoreUnavailable(f"object storage: {self.key} was replaced while it was read") from None
            _read_failure(self.key, exc)
        except BotoCoreError as exc:
            _read_failure(self.key, exc)

    def _drop(self) -> None:
        if self.body is not None:
            self.body["Body"].close()
            self.body = None

    def close(self) -> None:
        self._drop()
        super().close()
