"""A private /24 of network namespaces joined by a bridge, and TCP forwarders to the root namespace's services.

    root namespace:  bridge <name>br  10.<n>.0.1/24  (forwarders listen here)
    namespace i:     veth             10.<n>.0.<10+i>/24

PostgreSQL, Redis and S3 listen on 127.0.0.1 in the root namespace; a namespaced process reaches
them at the bridge address on the same ports, through a forwarder (one asyncio loop in a thread).
Everything made here is removed on :meth:`Network.close`, also after a failed setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
import threading


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {done.stderr.strip()}")


class Forwarder:
    """Listens on ``host:port`` for each port and copies bytes both ways to ``127.0.0.1:port``."""

    def __init__(self, host: str, ports: list[int]) -> None:
        self.host, self.ports = host, ports
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, name="netns-forwarder", daemon=True)
        self.servers: list[asyncio.Server] = []
        self.error: BaseException | None = None

    def start(self) -> None:
        self.thread.start()
        self.started.wait(10)
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            for port in self.ports:
                server = self.loop.run_until_complete(asyncio.start_server(self._pipe(port), self.host, port))
                self.servers.append(server)
        except BaseException as exc:
            self.error = exc
        self.started.set()
        if self.error is None:
            self.loop.run_forever()

    @staticmethod
    def _pipe(port: int):  # type: ignore[no-untyped-def]
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                writer.close()
                return

            async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
                try:
                    while data := await source.read(65536):
                        sink.write(data)
                        await sink.drain()
                except (ConnectionError, OSError):
                    pass
                finally:
                    with contextlib.suppress(Exception):
                        sink.close()

            await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))

        return handle

    def stop(self) -> None:
        def shut() -> None:
            for server in self.servers:
                server.close()
            self.loop.stop()

        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(shut)
            self.thread.join(timeout=5)


class Network:
    """``names`` namespaces on one bridge; :attr:`gateway` is the root namespace's address on it."""

    def __init__(self, names: list[str], forward: list[int]) -> None:
        tag = secrets.token_hex(2)
        self.prefix = f"fl{tag}"  # interface names stay under 15 characters
        self.subnet = f"10.{200 + int(tag, 16) % 50}.{int(tag, 16) % 250}"
        self.gateway = f"{self.subnet}.1"
        self.bridge = f"{self.prefix}br"
        self.namespaces = {name: f"{self.prefix}-{name}" for name in names}
        self.addresses = {name: f"{self.subnet}.{10 + i}" for i, name in enumerate(names)}
        self.forward = forward
        self.forwarder: Forwarder | None = None
        self._links: list[str] = []

    def open(self) -> Network:
        try:
            _ip("link", "add", self.bridge, "type", "bridge")
            self._links.append(self.bridge)
            _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
            for i, (name, ns) in enumerate(self.namespaces.items()):
                self._namespace(i, ns, self.addresses[name])
            self.forwarder = Forwarder(self.gateway, self.forward)
            self.forwarder.start()
        except BaseException:
            self.close()
            raise
        return self

    def _namespace(self, i: int, ns: str, address: str) -> None:
        host_end, ns_end = f"{self.prefix}h{i}", f"{self.prefix}n{i}"
        _ip("netns", "add", ns)
        _ip("link", "add", host_end, "type", "veth", "peer", "name", ns_end)
        self._links.append(host_end)
        _ip("link", "set", ns_end, "netns", ns)
        _ip("link", "set", host_end, "master", self.bridge, "up")
        _ip("netns", "exec", ns, "ip", "addr", "add", f"{address}/24", "dev", ns_end)
        _ip("netns", "exec", ns, "ip", "link", "set", ns_end, "up")
        _ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def close(self) -> None:
        if self.forwarder is not None:
            self.forwarder.stop()
        for link in reversed(self._links):
            subprocess.run(["ip", "link", "del", link], capture_output=True)
        for ns in self.namespaces.values():
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
