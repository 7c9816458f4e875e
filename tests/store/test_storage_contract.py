"""The storage seam's contract, run on local disk and on a real S3-compatible server (SeaweedFS).

Every implementation of :class:`~frameloom.store.storage.Storage` must pass each test here.
"""

from __future__ import annotations

import contextlib
import io
import os
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from tests.support.seaweed import S3Server

from frameloom.domain.errors import NotFound, OutputError, StoreUnavailable
from frameloom.store.s3 import S3Storage
from frameloom.store.storage import LocalStorage, Storage

PART = 5 * 1024 * 1024  # S3's smallest part


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    url: str = request.getfixturevalue("s3_url")
    server: S3Server = request.getfixturevalue("seaweed")
    s3 = S3Storage.from_url(url, server.endpoint)
    s3.transfer.multipart_threshold = s3.transfer.multipart_chunksize = PART
    return s3


def payload(size: int, seed: int = 7) -> bytes:
    return bytes((i * 31 + seed + (i >> 8)) % 251 for i in range(size))


def test_put_bytes_then_read(storage: Storage) -> None:
    assert storage.put_bytes("m/med_1/a.png", b"hello") == 5
    assert storage.size("m/med_1/a.png") == 5
    with storage.open("m/med_1/a.png") as fh:
        fh.seek(1)
        assert fh.read() == b"ello"


def test_put_file_moves_it_in(storage: Storage, tmp_path: Path) -> None:
    source = tmp_path / "upload.part"
    source.write_bytes(payload(1000))
    assert storage.put_file("m/med_2/b.mp4", source) == 1000
    assert not source.exists()
    assert storage.size("m/med_2/b.mp4") == 1000
    with storage.open("m/med_2/b.mp4") as fh:
        assert fh.read() == payload(1000)


def test_open_seeks_and_reads_ranges(storage: Storage) -> None:
    data = payload(700_000)
    storage.put_bytes("m/med_3/c.mp4", data)
    with storage.open("m/med_3/c.mp4") as fh:
        assert fh.seekable()
        assert fh.read(10) == data[:10]
        for start, length in [(650_000, 70_000), (5, 3), (300_001, 262_144), (0, 1), (699_999, 10)]:
            assert fh.seek(start) == start
            assert fh.read(length) == data[start:start + length]
            assert fh.tell() == min(start + length, len(data))
        assert fh.seek(-4, io.SEEK_END) == len(data) - 4
        assert fh.read() == data[-4:]
        assert fh.read(10) == b""
        fh.seek(123)
        fh.seek(100, io.SEEK_CUR)
        assert fh.read(5) == data[223:228]


def test_replace_gives_the_new_bytes(storage: Storage, tmp_path: Path) -> None:
    storage.put_bytes("m/med_4/d.png", b"old bytes, longer")
    source = tmp_path / "new.part"
    source.write_bytes(b"new")
    assert storage.put_file("m/med_4/d.png", source) == 3
    assert storage.size("m/med_4/d.png") == 3
    with storage.open("m/med_4/d.png") as fh:
        assert fh.read() == b"new"


def test_delete_is_quiet_for_missing_objects(storage: Storage, tmp_path: Path) -> None:
    storage.put_bytes("m/med_5/e.png", b"1")
    storage.delete("m/med_5/e.png")
    storage.delete("m/med_5/e.png")
    with pytest.raises(NotFound):
        storage.size("m/med_5/e.png")


def test_a_missing_key_is_not_found(storage: Storage, tmp_path: Path) -> None:
    key = "m/med_none/x.png"
    for call in (lambda: storage.open(key), lambda: storage.size(key),
                 lambda: storage.fetch(key, tmp_path / "scratch")):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "m/../../x", "", "m//x", "m/.hidden", "m/a b"])
def test_unsafe_keys_are_refused(storage: Storage, key: str, tmp_path: Path) -> None:
    for call in (lambda: storage.open(key), lambda: storage.size(key), lambda: storage.put_bytes(key, b"x"),
                 lambda: storage.delete(key), lambda: storage.fetch(key, tmp_path / "scratch")):
        with pytest.raises(NotFound):
            call()


def test_fetch_puts_the_bytes_in_the_scratch_folder(storage: Storage, tmp_path: Path) -> None:
    data = payload(300_000)
    storage.put_bytes("m/med_6/f.mp4", data)
    scratch = tmp_path / "job-1" / "inputs"
    path = storage.fetch("m/med_6/f.mp4", scratch)
    assert path.read_bytes() == data
    assert path.name == "f.mp4"
    if isinstance(storage, S3Storage):
        assert path.is_relative_to(scratch)
    assert not [p for p in scratch.rglob("*") if p.is_file() and p != path]  # no temporary file left


def test_a_fetched_file_outlives_the_object(storage: Storage, tmp_path: Path) -> None:
    """A job's input stays readable when the media is deleted while the job runs."""
    storage.put_bytes("m/med_7/g.png", b"still here")
    path = storage.fetch("m/med_7/g.png", tmp_path / "scratch")
    storage.delete("m/med_7/g.png")
    assert path.read_bytes() == b"still here"


def test_a_big_file_goes_in_parts_never_whole_in_memory(storage: Storage, tmp_path: Path) -> None:
    size = 8 * PART + 12_345
    source = tmp_path / "big.part"
    with source.open("wb") as fh:
        for i in range(9):
            fh.write(os.urandom(1024) * (PART // 1024) if i < 8 else b"z" * 12_345)
    head = source.read_bytes()[: 2 * PART]
    tracemalloc.start()
    try:
        assert storage.put_file("m/med_8/big.mp4", source) == size
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size // 2, f"put_file held {peak} bytes at once for a {size}-byte file"
    assert storage.size("m/med_8/big.mp4") == size
    with storage.open("m/med_8/big.mp4") as fh:
        assert fh.read(2 * PART) == head
        fh.seek(size - 12_345)
        assert fh.read() == b"z" * 12_345
    if isinstance(storage, S3Storage):  # a multipart object's ETag ends in -<parts>
        etag = storage.client.head_object(Bucket=storage.bucket, Key=storage.object_key("m/med_8/big.mp4"))["ETag"]
        assert etag.strip('"').endswith("-9")


def test_check_reports_ok(storage: Storage) -> None:
    assert storage.check() == "ok"


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    storage.put_bytes("m/med_9/d.png", b"data")
    names = [p.name for p in (tmp_path / "media").rglob("*")]
    assert not [n for n in names if n.endswith(".part")]


# --- S3 only: failures ----------------------------------------------------------------------------


@pytest.fixture
def s3(s3_url: str, seaweed: S3Server) -> S3Storage:
    s3 = S3Storage.from_url(s3_url, seaweed.endpoint)
    s3.transfer.multipart_threshold = s3.transfer.multipart_chunksize = PART
    return s3


@contextlib.contextmanager
def refusing_second_part(s3: S3Storage) -> Iterator[None]:
    """The server answers the upload's second part with 403 AccessDenied (the request is not sent)."""
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    calls: list[int] = []

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>'

    def refuse(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(1)
        return AWSResponse(request.url, 403, HTTPHeaders(), Raw()) if len(calls) == 2 else None

    handler = cast("Callable[..., None]", refuse)
    s3.client.meta.events.register_first("before-send.s3.UploadPart", handler)
    try:
        yield
    finally:
        s3.client.meta.events.unregister("before-send.s3.UploadPart", handler)


def test_a_failed_multipart_upload_leaves_nothing(s3: S3Storage, tmp_path: Path) -> None:
    source = tmp_path / "big.part"
    source.write_bytes(b"a" * (3 * PART))
    s3.transfer.max_request_concurrency = 1
    with refusing_second_part(s3), pytest.raises(OutputError, match="AccessDenied"):
        s3.put_file("m/med_10/half.mp4", source)
    with pytest.raises(NotFound):
        s3.size("m/med_10/half.mp4")
    pending = s3.client.list_multipart_uploads(Bucket=s3.bucket, Prefix=s3.object_key("m/med_10/half.mp4"))
    assert not pending.get("Uploads")  # aborted, not left to fill the bucket
    assert source.exists()  # the caller still has its file


def test_an_object_replaced_while_read_is_not_mixed(s3: S3Storage) -> None:
    s3.put_bytes("m/med_11/r.mp4", b"a" * 600_000)
    with s3.open("m/med_11/r.mp4") as fh:
        assert fh.read(10) == b"a" * 10
        s3.put_bytes("m/med_11/r.mp4", b"b" * 600_000)
        fh.seek(500_000)
        with pytest.raises(StoreUnavailable, match="replaced"):
            fh.read(10)


def test_an_unreachable_server_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "someone")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    down = S3Storage.from_url("s3://frameloom-test/p", "http://127.0.0.1:1")
    assert down.check().startswith("object storage unreachable")
    with pytest.raises(StoreUnavailable):
        down.size("m/med_12/x.png")
    source = tmp_path / "x.part"
    source.write_bytes(b"x")
    with pytest.raises(StoreUnavailable):
        down.put_file("m/med_12/x.png", source)
    assert source.exists()


def test_missing_credentials_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seaweed: S3Server) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    storage = S3Storage.from_url(f"s3://{seaweed.bucket}/p", seaweed.endpoint)
    assert storage.check() == "object storage: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"


def test_a_stream_cut_short_is_opened_again_once(s3: S3Storage) -> None:
    from botocore.exceptions import ResponseStreamingError

    data = payload(600_000)
    s3.put_bytes("m/med_13/cut.mp4", data)

    class Cut:
        def read(self, _: int) -> bytes:
            raise ResponseStreamingError(error="connection reset by peer")

        def close(self) -> None:
            pass

    with s3.open("m/med_13/cut.mp4") as fh:
        assert fh.read(1000) == data[:1000]
        raw = cast("Any", fh).raw
        raw.body = {"Body": Cut()}  # the connection dies under the open stream
        assert fh.read(300_000) == data[1000:301_000]  # a new ranged GET took over at the same byte
        fh.seek(599_000)  # past what the reader's buffer holds
        raw._get = lambda: {"Body": Cut()}  # the new stream dies too: no third try
        with pytest.raises(StoreUnavailable, match="ResponseStreamingError"):
            fh.read(10)


def test_fetching_into_the_media_folder_itself_keeps_the_object(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    storage.put_bytes("m/med_14/k.png", b"kept")
    assert storage.fetch("m/med_14/k.png", tmp_path / "media").read_bytes() == b"kept"
    assert storage.size("m/med_14/k.png") == 4
