"""The storage seam: the contract every implementation passes (local disk today)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameloom.domain.errors import NotFound
from frameloom.store.storage import LocalStorage, Storage


@pytest.fixture(params=["local"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    return LocalStorage(tmp_path / "media")


def test_put_bytes_then_read(storage: Storage) -> None:
    assert storage.put_bytes("m/med_1/a.png", b"hello") == 5
    assert storage.size("m/med_1/a.png") == 5
    with storage.open("m/med_1/a.png") as fh:
        fh.seek(1)
        assert fh.read() == b"ello"


def test_put_file_moves_it_in(storage: Storage, tmp_path: Path) -> None:
    source = tmp_path / "upload.part"
    source.write_bytes(b"x" * 1000)
    assert storage.put_file("m/med_2/b.mp4", source) == 1000
    assert not source.exists()
    assert storage.size("m/med_2/b.mp4") == 1000


def test_delete_is_quiet_for_missing_objects(storage: Storage) -> None:
    storage.put_bytes("m/med_3/c.png", b"1")
    storage.delete("m/med_3/c.png")
    storage.delete("m/med_3/c.png")
    with pytest.raises(NotFound):
        storage.size("m/med_3/c.png")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "m/../../x", "", "m//x", "m/.hidden"])
def test_unsafe_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(NotFound):
        storage.open(key)


def test_check_reports_ok(storage: Storage) -> None:
    assert storage.check() == "ok"


def test_no_temporary_files_are_left(storage: Storage, tmp_path: Path) -> None:
    storage.put_bytes("m/med_4/d.png", b"data")
    names = [p.name for p in (tmp_path / "media").rglob("*")]
    assert not [n for n in names if n.endswith(".part")]
