"""Run one fuzz target with atheris for a bounded time: ``python tests/fuzz/run.py TARGET SECONDS``.

The seeds in ``tests/fuzz/seeds/<target>/`` start a scratch corpus (the repository's stay as they
are); a crash is written to ``tests/fuzz/crashes/<target>/``, where ``test_fuzz.py`` replays it
from then on. ``make fuzz`` runs each target for 60 s; ``make test`` a few seconds each.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # `targets` by path: another package named `tests` may be installed

with atheris.instrument_imports(include=["frameloom", "targets"]):
    import targets


def main(argv: list[str]) -> None:
    name, seconds = argv[1], int(argv[2])
    target = targets.TARGETS[name]
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    for seed in (HERE / "seeds" / name).glob("*"):
        shutil.copy(seed, corpus)
    crashes = HERE / "crashes" / name
    crashes.mkdir(parents=True, exist_ok=True)
    args = [argv[0], f"-max_total_time={seconds}", "-rss_limit_mb=3072", "-timeout=20", "-max_len=65536",
            f"-artifact_prefix={crashes}/", "-print_final_stats=1", str(corpus)]
    print(f"fuzzing {name} for {seconds} s", flush=True)
    atheris.Setup(args, target)
    atheris.Fuzz()  # exits the process: 0 when the time is up with no crash


if __name__ == "__main__":
    main(sys.argv)
