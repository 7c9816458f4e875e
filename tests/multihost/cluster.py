"""Real ``frameloom serve`` and ``frameloom worker`` processes, each with a data folder of its own.

What they share is what production nodes share: PostgreSQL, Redis and S3 (the scaled stack's
``FRAMELOOM_*`` variables, minus the data folder). Nothing else: no secret key in the
environment, no disk. A node may run inside a network namespace (``netns``), under a host
name of its own (a UTS namespace), so that to every other node it is another machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

FRAMELOOM = str(Path(sys.executable).with_name("frameloom"))


@dataclass
class Node:
    """One process: its name (also its host name inside a namespace), its data folder and log."""

    name: str
    proc: subprocess.Popen[bytes]
    data: Path
    log: Path
    url: str | None = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL, as a machine that loses power: no handler runs, nothing is put back."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


class Cluster:
    """Starts nodes on ``shared`` (the stack's variables) and stops whatever is left at the end.

    ``rewrite`` turns a root-namespace URL into the one a namespaced node reaches it by.
    """

    def __init__(self, root: Path, shared: dict[str, str], **common: str) -> None:
        self.root, self.shared, self.common = root, shared, common
        self.nodes: list[Node] = []

    def env(self, data: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_")}
        env.update(self.shared)
        env.update(FRAMELOOM_LOG_LEVEL="warning", FRAMELOOM_ACCESS_LOG="false", FRAMELOOM_WORKERS="0")
        env.update(self.common)
        env.update(extra)
        env["FRAMELOOM_DATA_DIR"] = str(data)
        return env

    def _start(self, name: str, args: list[str], netns: str | None, extra: dict[str, str]) -> Node:
        data = self.root / name
        data.mkdir(parents=True)
        log = self.root / f"{name}.log"
        command = [FRAMELOOM, *args]
        if netns is not None:  # its own network and its own host name; `exec` keeps the pid frameloom's
            command = ["ip", "netns", "exec", netns, "unshare", "--uts", "sh", "-c",
                       'hostname "$0" && exec "$@"', name, *command]
        with log.open("wb") as sink:  # a file, not a pipe nobody drains
            proc = subprocess.Popen(command, env=self.env(data, **extra), stdout=sink, stderr=subprocess.STDOUT)
        node = Node(name, proc, data, log)
        self.nodes.append(node)
        return node

    def serve(self, name: str, host: str, port: int, netns: str | None = None, **extra: str) -> Node:
        node = self._start(name, ["serve", "--host", host, "--port", str(port)], netns, extra)
        node.url = f"http://{host}:{port}"
        return node

    def worker(self, name: str, kinds: str, netns: str | None = None, threads: int = 1, **extra: str) -> Node:
        return self._start(name, ["worker", "--threads", str(threads), "--kinds", kinds], netns, extra)

    def wait_ready(self, timeout: float = 120) -> None:
        """Every API answers ``/healthz`` and every worker said it is ready."""
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            while not self._ready(node):
                if node.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{node.name} did not start:\n{node.log_text()[-2000:]}")
                time.sleep(0.1)

    @staticmethod
    def _ready(node: Node) -> bool:
        if node.url is None:
            return " ready for " in node.log_text()
        try:
            return httpx.get(node.url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        for node in self.nodes:
            if node.proc.poll() is None:
                node.proc.terminate()
        for node in self.nodes:
            try:
                node.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                node.kill()
