"""The README's tour works as written: every ```console block replayed against a real server.

Each command (a line starting ``$ ``, with its ``\\`` continuation lines) runs in
order in one bash process, so shell variables carry over from block to block,
in a fresh folder whose ``.venv`` is the running virtualenv. The server is
``create_app`` on a free loopback port with jobs running in it, as under
``frameloom serve``; the one change made to the commands is the README's
``http://127.0.0.1:8000`` becoming that server's address. Each command must
exit 0, and the output the README shows under it must match the real output in
shape: JSON with the same keys and values, text with the same words, where only
ids, tokens, times, signed links and the sizes and timings in ``VOLATILE``
may differ.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from frameloom.api import create_app
from frameloom.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
README_URL = "http://127.0.0.1:8000"
TIMEOUT_S = 240

# Values that differ from run to run, besides ids and times: file sizes, timings, clock readings.
VOLATILE = frozenset({"bytes", "render_s", "created", "retry_after"})

_MASKS = (
    (re.compile(r"http://127\.0\.0\.1:\d+/files/[^\s\"']*"), "<link>"),
    (re.compile(r"http://127\.0\.0\.1:\d+"), "<server>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
    (re.compile(r"\bfl_[A-Za-z0-9_-]{20,}"), "<token>"),
    (re.compile(r"\b[a-z]{2,5}_[0-9a-f]{12,}\b"), "<id>"),
)


@dataclass(frozen=True)
class Step:
    """One README command: ``command`` as bash reads it, the ``shown`` output lines, its README line."""

    command: str
    shown: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Ran:
    """A step's exit status and its standard output (trailing newlines dropped)."""

    status: int
    output: str


# --- reading the README ------------------------------------------------------------------------


def console_steps(markdown: str) -> list[Step]:
    """The commands of every ```console block, in order, each with the output lines shown under it."""
    steps: list[Step] = []
    command: list[str] = []
    shown: list[str] = []
    start = 0
    in_block = continued = False

    def close() -> None:
        if command:
            steps.append(Step("\n".join(command), tuple(shown), start))
        command.clear()
        shown.clear()

    for number, line in enumerate(markdown.splitlines(), start=1):
        if not in_block:
            in_block = line.strip() == "```console"
        elif line.startswith("```"):
            close()
            in_block = continued = False
        elif continued:
            command.append(line)
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            close()
            command.append(line[2:])
            start, continued = number, line.endswith("\\")
        elif not command:
            raise AssertionError(f"README.md:{number}: output before any command in a console block")
        else:
            shown.append(line)
    return steps


# --- comparing shown and real output -------------------------------------------------------------


def masked(text: str) -> str:
    """``text`` with ids, tokens, times, signed links and the server's address replaced by placeholders."""
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text)
    return text


def shape(value: Any, key: str | None = None) -> Any:
    """A JSON value with its run-to-run differences masked (strings by ``masked``, numbers under
    ``VOLATILE`` keys as ``"<n>"``); everything else, keys and list lengths included, is kept."""
    if isinstance(value, dict):
        return {k: shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, str):
        return masked(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and key in VOLATILE:
        return "<n>"
    return value


def _json(text: str) -> Any:
    """``text`` parsed when it is a JSON object or list, else None."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def line_matches(shown: str, real: str) -> bool:
    """One shown line against one real line: as JSON when the shown line is JSON, else as text."""
    expected = _json(shown)
    if expected is not None:
        return bool(shape(expected) == shape(_json(real)))
    return masked(shown).rstrip() == masked(real).rstrip()


def output_matches(shown: tuple[str, ...], real: str) -> bool:
    """The README's lines against a command's real output; nothing shown means nothing is checked."""
    if not shown:
        return True
    lines = real.split("\n")
    return len(lines) == len(shown) and all(line_matches(s, r) for s, r in zip(shown, lines, strict=True))


# --- running the commands ----------------------------------------------------------------------


_MARK = re.compile(r"\n@@readme-step (\d+) status (\d+)@@\n")


def replay(steps: list[Step], folder: Path, url: str) -> tuple[list[Ran], str]:
    """Run ``steps`` in one bash process in ``folder``, stopping at the first non-zero status.

    Returns each run step's status and output, and the whole standard error;
    fails the test, with the output so far, after ``TIMEOUT_S`` seconds.
    """
    script = ["set -o pipefail"]
    for i, step in enumerate(steps):
        script.append(step.command.replace(README_URL, url))
        # a newline first: a command's output need not end with one (curl's JSON does not)
        script.append(f"__s=$?; printf '\\n@@readme-step {i} status %d@@\\n' $__s; [ $__s -eq 0 ] || exit $__s")
    try:
        done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=folder, capture_output=True, text=True,
                              timeout=TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as exc:
        so_far = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        pytest.fail(f"the tour did not finish in {TIMEOUT_S} s; its output so far ends:\n{so_far[-3000:]}")
    # [output 0, "0", status 0, output 1, "1", status 1, ...]: each output comes before its mark
    parts = _MARK.split(done.stdout)
    statuses = [int(s) for s in parts[2::3]]
    outputs = parts[0::3]
    return [Ran(status, outputs[i].strip("\n")) for i, status in enumerate(statuses)], done.stderr


def _tools() -> Path:
    """The running virtualenv, linked as the clone's ``.venv``; skips without it or without curl."""
    if shutil.which("curl") is None:
        pytest.skip("the README's commands call curl, which is not installed")
    venv = Path(sys.prefix)
    if venv == Path(sys.base_prefix) or not (venv / "bin" / "frameloom").exists():
        pytest.skip("the README's commands call .venv/bin/frameloom: run the tests from the project's virtualenv")
    return venv


# --- the tests ---------------------------------------------------------------------------------


def test_the_readme_tour_runs_as_written(settings: Settings, live_server: Callable[[Any], str],
                                         tmp_path: Path) -> None:
    steps = console_steps(README.read_text(encoding="utf-8"))
    assert any(README_URL in step.command for step in steps), "the tour names the server it talks to"
    folder = tmp_path / "clone"
    folder.mkdir()
    (folder / ".venv").symlink_to(_tools(), target_is_directory=True)
    url = live_server(create_app(settings))

    ran, stderr = replay(steps, folder, url)

    for step, result in zip(steps, ran, strict=False):
        where = f"README.md:{step.line}: $ {step.command}"
        assert result.status == 0, f"{where}\nexit status {result.status}\n{result.output}\n{stderr[-2000:]}"
        assert output_matches(step.shown, result.output), (
            f"{where}\nshown:\n" + "\n".join(step.shown) + f"\nreal:\n{result.output}")
    assert len(ran) == len(steps), f"only {len(ran)} of {len(steps)} commands ran\n{stderr[-2000:]}"


def test_console_blocks_are_read_as_commands_continuations_and_output() -> None:
    markdown = "\n".join([
        "```console", "$ A=1", "$ echo $A \\", "     two", "1 two", "```",
        "```sh", "$ not replayed", "```",
        "```console", "$ echo {}", "{}", "```",
    ])
    steps = console_steps(markdown)
    assert [s.command for s in steps] == ["A=1", "echo $A \\\n     two", "echo {}"]
    assert [s.shown for s in steps] == [(), ("1 two",), ("{}",)]
    assert [s.line for s in steps] == [2, 3, 11]


def test_shown_output_may_differ_only_in_ids_times_links_and_volatile_numbers() -> None:
    shown = ('{"code":0,"data":{"media_id":"med_2aa946b56eb6845b8a5b58a3","width":1280,"bytes":484660,'
             '"url":"http://127.0.0.1:8000/files/m/med_2aa946b56eb6845b8a5b58a3/video.mp4?exp=1&sig=x",'
             '"created_at":"2026-12-01T10:38:30.687337+00:00"}}')
    same = ('{"code":0,"data":{"media_id":"med_000000000000000000000000","width":1280,"bytes":1,'
            '"url":"http://127.0.0.1:41234/files/m/med_000000000000000000000000/video.mp4?exp=2&sig=y",'
            '"created_at":"2027-01-02T03:04:05Z"}}')
    assert line_matches(shown, same)
    assert not line_matches(shown, same.replace('"width":1280', '"width":1920'))
    assert not line_matches(shown, same.replace('"code":0,', ""))
    assert not line_matches(shown, "not json")
    assert line_matches("fox.png  1920x1080  seed 7", "fox.png  1920x1080  seed 7")
    assert not line_matches("fox.png  1920x1080  seed 7", "fox.png  1280x720  seed 7")
    assert not output_matches(("a", "b"), "a")
