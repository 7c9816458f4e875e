"""The fuzz targets' seeds and every crash the fuzzer ever found, replayed on each run of the suite
(``make fuzz`` looks for new ones; a crash found is fixed and its input kept in ``crashes/``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fuzz.targets import TARGETS

HERE = Path(__file__).resolve().parent
CASES = sorted((target, path) for target in TARGETS for folder in ("seeds", "crashes")
               for path in (HERE / folder / target).glob("*") if path.is_file())


def test_every_target_has_seeds() -> None:
    assert {target for target, path in CASES if path.parent.parent.name == "seeds"} == set(TARGETS)


@pytest.mark.parametrize(("target", "path"), CASES, ids=[f"{t}/{p.parent.parent.name}/{p.name}" for t, p in CASES])
def test_a_kept_input_runs_clean(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())
