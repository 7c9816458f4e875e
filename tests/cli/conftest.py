from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each CLI test in its own folder, away from any .env of the checkout."""
    monkeypatch.chdir(tmp_path)
