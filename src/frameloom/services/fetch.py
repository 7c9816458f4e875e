"""URL imports with an SSRF guard (SPEC section 7).

- http and https only; at most :data:`MAX_REDIRECTS` redirects, each hop checked again;
- the host is resolved and *every* address it resolves to must be public
  (not private, loopback, link-local, multicast, reserved or unspecified)
  unless it lies in a network the operator allows
  (``FRAMELOOM_URL_IMPORT_ALLOWED_NETWORKS``);
- the check runs where the socket is opened, on the address actually used,
  so a name that resolves differently a moment later (DNS rebinding) gains nothing;
- an IPv6 address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, compatible
  ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo ``2001::/32``)
  is judged by that IPv4 address too, since the packets end up there;
- no proxies from the environment; size capped; one deadline on the whole download,
  checked on every read (a sender of one byte a second is cut off on time), and no
  read waits longer than :data:`STALL_S` or what is left of the deadline;
- a URL httpx cannot parse, or a redirect to one, is an ``InvalidRequest``, never a 500.
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
MAX_URL_CHARS = 8192
STALL_S = 10.0  # the longest wait for one read or connect, within the overall deadline
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(httpcore.ConnectError):
    """The host resolves to an address imports may not reach."""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: IpAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, NAT64, 6to4, Teredo (both ends)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):  # :: and ::1 are not IPv4
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def address_allowed(address: IpAddress, allowed: Iterable[IpNetwork]) -> bool:
    """Public addresses, and any inside an operator-allowed network. An IPv6 address that carries
    IPv4 addresses (:func:`embedded_ipv4`) is judged by those alone: it passes when each of them would."""
    networks = list(allowed)
    inner = embedded_ipv4(address)
    if inner:  # the packets go to the IPv4 address; the IPv6 wrapper says nothing of where
        return all(_one_allowed(a, networks) for a in inner)
    return _one_allowed(address, networks)


def _one_allowed(address: IpAddress, allowed: list[IpNetwork]) -> bool:
    if any(address.version == network.version and address in network for network in allowed):
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
        addresses = resolve_allowed(host, port, self.allowed)
        return super().connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)


def resolve_allowed(host: str, port: int, allowed: list[IpNetwork]) -> list[IpAddress]:
    """Every address ``host`` resolves to, when each passes :func:`address_allowed`.

    ``AddressRefused`` when one does not (or there are none); ``httpcore.ConnectError``
    when the name does not resolve. Webhook URLs are checked with it at submission too.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:  # ValueError: a NUL in the name
        raise httpcore.ConnectError(f"cannot resolve {host[:100]}: {exc}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    refused = [a for a in addresses if not address_allowed(a, allowed)]
    if refused or not addresses:
        raise AddressRefused(
            f"{host} resolves to {refused[0] if refused else 'nothing'}, which imports may not reach "
            "(private, loopback, link-local or multicast)"
        )
    return addresses


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
        try:
            with httpx.Client(transport=GuardedTransport(self.allowed), follow_redirects=False) as client:
                return self._follow(client, url, dest, deadline, field)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, ValueError) as exc:
            raise InvalidRequest.of(field, f"{_short(url)}: not a URL that can be imported ({exc})"[:500]) from None
        except httpx.TimeoutException:
            raise InvalidRequest.of(field, f"download took longer than {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            refused = _refusal(exc)
            if refused is not None:
                raise InvalidRequest.of(field, refused) from None
            raise InvalidRequest.of(field, f"could not fetch {_short(url)}: {type(exc).__name__}: {exc}") from None

    def _follow(self, client: httpx.Client, url: str, dest: Path, deadline: float, field: str) -> Fetched:
        current = parse_import_url(url, field)
        for _hop in range(MAX_REDIRECTS + 1):
            # Content as sent (no decoding: a gzip bomb stays small and then fails the type check).
            headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
            with client.stream("GET", current, headers=headers, timeout=self._timeout(deadline, field)) as response:
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
            for chunk in response.iter_raw():  # each read as it arrives, however small
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLarge(f"{field}: more than {self.max_bytes} bytes", self.max_bytes)
                self._timeout(deadline, field)
                out.write(chunk)
        return size

    def _timeout(self, deadline: float, field: str) -> httpx.Timeout:
        """What one connect or read may wait now; ``InvalidRequest`` once the deadline has passed.

        A read that waits past the deadline is cut by this timeout (httpx sets it on the
        socket), so a stalled sender never holds the download longer than the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise InvalidRequest.of(field, f"download took longer than {self.timeout_s:g} s")
        return httpx.Timeout(min(left, STALL_S))


def parse_import_url(url: str, field: str = "url") -> httpx.URL:
    """``url`` parsed, when it is an http or https URL with a host, of at most :data:`MAX_URL_CHARS`;
    ``InvalidRequest`` on ``field`` for anything else (never another exception)."""
    if len(url) > MAX_URL_CHARS:
        raise InvalidRequest.of(field, f"a URL of at most {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise InvalidRequest.of(field, f"{_short(url)}: not a URL that can be imported ({exc})"[:500]) from None
    return _check_scheme(parsed, field)


def _check_scheme(url: httpx.URL, field: str) -> httpx.URL:
    """``url`` when it is http or https with a host; ``InvalidRequest`` on ``field`` otherwise."""
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

