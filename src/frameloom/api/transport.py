"""uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` on each connection.

Without it a kept-alive connection answers each request about 40 ms late: the
response goes out in two writes (head, then body), and Nagle's algorithm holds
the second until the client acknowledges the first, which clients delay by
40 ms. Agents poll exports on one connection, so every poll paid that.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]
