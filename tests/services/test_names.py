"""File names: what a sender writes is cleaned; the extension comes from the content. Staging is swept."""

from __future__ import annotations

import os
import time

import pytest

from frameloom.api import create_app
from frameloom.services.uploads import sanitize_filename, storage_name
from frameloom.settings import Settings


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("a\x00b\x1b.png", "png", "ab.png"),
        ("clip.tar.gz", "mp4", "clip.tar.mp4"),
        (".hidden", "png", "hidden.png"),
        ("", "wav", "upload.wav"),
        ("a/b/../c.jpg", "jpg", "c.jpg"),
        ("e\u0301.png", "png", "\u00e9.png"),
        ("semi;colon|pipe.png", "png", "semi_colon_pipe.png"),
    ],
)
def test_sanitize_filename(name: str, fmt: str, expected: str) -> None:
    assert sanitize_filename(name, fmt) == expected


@pytest.mark.parametrize(
    ("display", "expected"), [("照片 1.png", "1.png"), ("照片.png", "file.png"), ("my clip.mp4", "my_clip.mp4")]
)
def test_storage_names_are_ascii(display: str, expected: str) -> None:
    assert storage_name(display) == expected


def test_stale_staging_files_are_swept_at_start(settings: Settings) -> None:
    settings.staging_dir.mkdir(parents=True)
    stale = settings.staging_dir / "old.part"
    fresh = settings.staging_dir / "new.part"
    for path in (stale, fresh):
        path.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    create_app(settings)
    assert not stale.exists()
    assert fresh.exists()
