"""URL imports with an SSRF guard (SPEC section 7).

- http and https only; at most :data:`MAX_REDIRECTS` redirects, each hop checked again;
- the host is resolved and *every* address it resolves to must be public
  (not private, loopback, link-local, multicast, reserved or unspecified)
  unless it lies in a network the operator allows
  (``FRAMELOOM_URL_IMPORT_ALLOWED_NETWORKS``);
- the check runs where the socket is opened, on the address actually used,
  so a name that resolves differently a moment later (DNS rebinding) gains nothing;
- no proxies from the environment; size and total time capped.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpcore
import httpx

from frameloom.domain.errors import InvalidRequest, TooLarge

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address imports may not reach."""


def address_allowed(address: IpAddress, allowed: Iterable[IpNetwork]) -> bool:
    """Public addresses, and any inside an operator-allowed network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return True
    return address.is_global and not address.is_multicast


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses that pass :func:`address_allowed`."""

    def __init__(self, allowed: list[IpNetwork]) -> None:
        self.allowed = allowed

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        refused = [a for a in addresses if not address_allowed(a, self.allowed)]
        if refused or not addresses:
            raise AddressRefused(
                f"{host} resolves to {refused[0] if refused else 'nothing'}, which imports may not reach "
                "(private, loopback, link-local or multicast)"
            )
        return super().connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on a :class:`GuardedBackend` (no proxies)."""

    def __init__(self, allowed: list[IpNetwork]) -> None:
        context = _ssl_context()
        super().__init__(verify=context, trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, max_connections=4, network_backend=GuardedBackend(allowed)
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context (loading the CA bundle takes a while), shared by every import."""
    return httpx.create_ssl_context(trust_env=False)


@dataclass(frozen=True)
class Fetched:
    """A downloaded file: where it is, the name from the URL path, its size in bytes."""

    path: Path
    filename: str
    bytes: int


class Fetcher:
    """Downloads one URL at a time to a local file, within ``max_bytes`` and ``timeout_s``."""

    def __init__(self, allowed_networks: list[str], max_bytes: int, timeout_s: float) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    def fetch(self, url: str, dest: Path, field: str = "url") -> Fetched:
        """Download ``url`` into ``dest``. ``InvalidRequest`` on ``field`` when refused or failing;
        ``TooLarge`` over ``max_bytes``. ``dest`` is removed on any failure."""
        try:
            return self._fetch(url, dest, field)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise

    def _fetch(self, url: str, dest: Path, field: str) -> Fetched:
        deadline = time.monotonic() + self.timeout_s
        timeout = httpx.Timeout(min(self.timeout_s, 30.0))
        try:
            with httpx.Client(transport=GuardedTransport(self.allowed), timeout=timeout,
                              follow_redirects=False) as client:
                return self._follow(client, url, dest, deadline, field)
        except httpx.HTTPError as exc:
            refused = _refusal(exc)
            if refused is not None:
                raise InvalidRequest.of(field, refused) from None
            raise InvalidRequest.of(field, f"could not fetch {_short(url)}: {type(exc).__name__}: {exc}") from None

    def _follow(self, client: httpx.Client, url: str, dest: Path, deadline: float, field: str) -> Fetched:
        current = _check_scheme(httpx.URL(url), field)
        for _hop in range(MAX_REDIRECTS + 1):
            with client.stream("GET", current, headers={"Accept": "*/*"}) as response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    current = _check_scheme(current.join(location), field)
                    continue
                if response.status_code != 200:
                    raise InvalidRequest.of(field, f"{_short(str(current))} answered HTTP {response.status_code}")
                size = self._save(response, dest, deadline, field)
                return Fetched(dest, _name_from(current), size)
        raise InvalidRequest.of(field, f"more than {MAX_REDIRECTS} redirects")

    def _save(self, response: httpx.Response, dest: Path, deadline: float, field: str) -> int:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise TooLarge(f"{field}: {declared} bytes; at most {self.max_bytes}", self.max_bytes)
        size = 0
        with dest.open("wb") as out:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLarge(f"{field}: more than {self.max_bytes} bytes", self.max_bytes)
                if time.monotonic() > deadline:
                    raise InvalidRequest.of(field, f"download took longer than {self.timeout_s:g} s")
                out.write(chunk)
        return size


def _check_scheme(url: httpx.URL, field: str) -> httpx.URL:
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequest.of(field, f"{_short(str(url))}: only http and https URLs can be imported")
    return url


def _name_from(url: httpx.URL) -> str:
    return unquote(url.path.rstrip("/").rsplit("/", 1)[-1]) or "download"


def _short(url: str) -> str:
    """The URL without its query (which may carry someone's credentials), at most 200 characters."""
    return url.split("?", 1)[0][:200]


def _refusal(exc: BaseException) -> str | None:
    """The guard's message when ``exc`` (or what caused it) is an :class:`AddressRefused`."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, AddressRefused) or "imports may not reach" in str(seen):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None
