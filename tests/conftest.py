"""Shared fixtures. Every test runs with no FRAMELOOM_* variable from the outside world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from frameloom.settings import Settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("FRAMELOOM_") or key == "NEMO_TOKEN":
            monkeypatch.delenv(key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that read no environment file and keep data under ``tmp_path``."""
    return Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write into; skipped where permissions are not enforced (root)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):
        folder.chmod(0o755)
        pytest.skip("permissions are not enforced for this user (root)")
    yield folder
    folder.chmod(0o755)
