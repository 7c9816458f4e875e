"""``frameloom chat`` in a real terminal: tmux runs it, the test types with ``send-keys`` and reads
the screen with ``capture-pane``. Progress bars show, each turn ends with a clean summary, and
the export lands on disk.

``UPDATE_CLI_SESSION_DOC=1`` also saves the captured screen to docs/cli-session.txt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from frameloom.api import create_app
from frameloom.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SESSION_DOC = ROOT / "docs" / "cli-session.txt"
TOKEN = re.compile(r"fl_[A-Za-z0-9_-]{43}")

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it with apt)")


class Terminal:
    """One tmux session on a private socket (its own server, killed at the end), 100x40."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"frameloom-test-{uuid.uuid4().hex[:8]}"
        self.name = "cli"
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        self.tmux("new-session", "-d", "-s", self.name, "-x", "100", "-y", "40", "-c", str(cwd),
                  f"env {exports} {command}; sleep 30")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                              text=True, timeout=20, check=True)
        return done.stdout

    def screen(self) -> str:
        """The pane, its scrollback included, wrapped lines joined, trailing blanks dropped."""
        text = self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", self.name)
        return "\n".join(line.rstrip() for line in text.rstrip().splitlines())

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)
        self.tmux("send-keys", "-t", self.name, "Enter")

    def wait_for(self, ready: Callable[[str], bool], timeout_s: float = 120) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the terminal never got there; it shows:\n{self.screen()}")

    def prompts(self, count: int) -> Callable[[str], bool]:
        """Ready when the screen ends with the ``count``-th prompt ``>``."""
        def ready(screen: str) -> bool:
            lines = screen.splitlines()
            shown = sum(1 for line in lines if line == ">" or line.startswith("> "))
            return shown >= count and bool(lines) and lines[-1] == ">"
        return ready

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)  # kill-server leaves the socket file


@pytest.fixture
def terminal(tmp_path: Path, live_server: Callable[[Any], str]) -> Iterator[Terminal]:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    url = live_server(create_app(settings))
    env = {"FRAMELOOM_URL": url, "FRAMELOOM_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path),
           "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    term = Terminal(f"{sys.executable} -m frameloom chat", tmp_path, env)
    yield term
    term.close()


@needs_tmux
def test_chat_in_a_terminal_shows_progress_and_clean_summaries(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_for(terminal.prompts(1), 30)
    terminal.type("generate an image of a futuristic city skyline at night with neon lights")
    first = terminal.wait_for(terminal.prompts(2))
    terminal.type("make a 2 second video of a fox reading a book in a forest at sunset")
    second = terminal.wait_for(terminal.prompts(3))
    terminal.type("导出")
    exported = terminal.wait_for(terminal.prompts(4))
    terminal.type("exit")
    screen = terminal.wait_for(lambda s: s.rstrip().endswith("> exit"), 10)

    assert "Setting things up...\nConnected to http://127.0.0.1:" in first
    assert "• Generating 1 image..." in first
    assert re.search(r"drawing\s+━+\s+100%", first), first  # rich's bar, left at its end
    assert "Timeline (1 track): 1. Video: a futuristic city skyline" in first
    assert "• Generating a 2 s video..." in second
    assert re.search(r"rendering\s+━+\s+100%", second), second
    assert "a fox reading a book in a forest at" in second.split("Generating a 2 s video")[1]
    assert re.search(r"exporting mp4\s+━+\s+100%", exported), exported
    saved = re.search(r"^(render_\w+\.mp4)  1920x1080  7 s  ", exported, re.MULTILINE)
    assert saved, exported
    assert (tmp_path / saved.group(1)).stat().st_size > 0
    for raw in ("{", "functionCall", "customMetadata", "Traceback"):
        assert raw not in screen
    assert not TOKEN.search(screen)

    if os.environ.get("UPDATE_CLI_SESSION_DOC") == "1":
        port = re.escape(terminal.screen().split("Connected to http://127.0.0.1:")[1].split(".")[0])
        SESSION_DOC.write_text(re.sub(rf"127\.0\.0\.1:{port}", "127.0.0.1:8000", screen) + "\n", encoding="utf-8")


def test_the_saved_session_is_a_clean_terminal_transcript() -> None:
    text = SESSION_DOC.read_text(encoding="utf-8")
    assert "Connected to http://127.0.0.1:8000." in text
    assert "Timeline (" in text
    assert "━" in text
    assert not TOKEN.search(text)
    assert "{" not in text
