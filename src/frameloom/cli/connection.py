"""One run's connection to a frameloom server: the token, the session, and the errors handled once.

A call goes through :meth:`Connection.call` (or :meth:`Connection.in_session`), which handles
each of these at most once per call, then tries again:

    1001 (token refused)     forget it, get a new anonymous token (with a new client id)
    1002 (session gone)      start a new session (only for calls made in the session)
    429  (rate limited)      wait the advised seconds (at most ``max_wait_s``), once

Anything else, or the same error a second time, becomes a :class:`CliFailure` that says what
to do (:func:`explain`): the registration link for 2001, "Register or upgrade your plan to
unlock export." for 402, the supported formats for 4001, compressing or trimming for 4002.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from frameloom.cli.credentials import Store, Token, config_dir
from frameloom.cli.display import Display
from frameloom.cli.failure import CliFailure
from frameloom.cli.skill import attribution
from frameloom.client import Attribution, Client, ClientSettings, errors

T = TypeVar("T")
DEFAULT_QUIET_S = 120.0
DEFAULT_MAX_WAIT_S = 60.0
PLAN_MESSAGE = "Register or upgrade your plan to unlock export."
_CJK = re.compile(r"[\u3400-\u9fff]")


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise CliFailure(f"{name}: {raw!r} is not a number of seconds") from None
    if value < 0:
        raise CliFailure(f"{name}: {raw!r} must be 0 or more")
    return value


@dataclass(frozen=True)
class RemoteSettings:
    """The remote commands' settings, from the environment:

    ``FRAMELOOM_URL`` the server; ``FRAMELOOM_CONFIG_DIR`` the folder kept between runs;
    ``FRAMELOOM_CLI_QUIET_S`` seconds of silence before "Still working..." (120);
    ``FRAMELOOM_CLI_MAX_WAIT_S`` the longest advised wait a 429 is retried after (60).
    """

    url: str
    folder: Path
    quiet_s: float
    max_wait_s: float
    attribution: Attribution

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RemoteSettings:
        env = os.environ if environ is None else environ
        return cls(url=ClientSettings.from_env(env).url, folder=config_dir(env),
                   quiet_s=_seconds(env, "FRAMELOOM_CLI_QUIET_S", DEFAULT_QUIET_S),
                   max_wait_s=_seconds(env, "FRAMELOOM_CLI_MAX_WAIT_S", DEFAULT_MAX_WAIT_S),
                   attribution=attribution(env))


def file_size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:g} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return f"{count} bytes"


def explain(exc: errors.ClientError, url: str) -> CliFailure:
    """The user's message for an error that was not (or no longer) handled by trying again."""
    message = " ".join(exc.message.split())
    if isinstance(exc, errors.InsufficientCredits):
        need = f" ({exc.required} needed, {exc.available} available)" if exc.required is not None else ""
        link = exc.register_url
        then = (f"Register to keep your credits and get more: {link}" if link
                else "Ask the operator to top up your account (`frameloom admin credits ACCOUNT +N`).")
        return CliFailure(f"Not enough credits{need}.\n{then}")
    if isinstance(exc, errors.PlanRequired):
        return CliFailure(f"{PLAN_MESSAGE}\nRun `frameloom register` to register this account.")
    if isinstance(exc, errors.UnsupportedFile):
        supported = ", ".join(exc.supported) or "see the server's documentation"
        return CliFailure(f"That file type is not supported. Supported formats: {supported}.")
    if isinstance(exc, errors.FileTooLarge):
        limit = f" (the server takes at most {file_size(exc.max_bytes)})" if exc.max_bytes else ""
        return CliFailure(f"The file is too large{limit}. Compress it or trim it, then upload it again.")
    if isinstance(exc, errors.ContentRefused):
        return CliFailure(f"The server's content policy refused this: {message}. Nothing was charged.")
    if isinstance(exc, errors.RateLimited):
        wait = f" in {exc.retry_after:g} s" if exc.retry_after is not None else " later"
        return CliFailure(f"The server is busy ({message}); try again{wait}.")
    if isinstance(exc, errors.BadRequest):
        problems = "; ".join(f"{p.field}: {p.problem}" for p in exc.problems)
        return CliFailure(f"{message}" + (f" ({problems})" if problems else ""))
    if isinstance(exc, errors.AuthRequired):
        return CliFailure(f"The server refused the token ({message}). Run `frameloom login`.")
    if isinstance(exc, errors.NotFound):
        return CliFailure(f"Not found: {message}")
    if isinstance(exc, errors.ConnectionFailed):
        return CliFailure(f"Cannot reach the frameloom server at {url}. Is it running? Start one with "
                          "`frameloom serve`, or set FRAMELOOM_URL.")
    if isinstance(exc, errors.ServerError):
        return CliFailure(f"The server failed ({message}); try again in a moment.")
    return CliFailure(message)


class Connection:
    """A :class:`Client` for one command run: token and session from the :class:`Store`."""

    def __init__(self, settings: RemoteSettings, display: Display, environ: Mapping[str, str] | None = None,
                 *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings, self.display, self.sleep = settings, display, sleep
        self.environ = os.environ if environ is None else environ
        self.store = Store(settings.folder, settings.url)
        self.client = Client(settings.url, attribution=settings.attribution, transport=transport,
                             timeout=120.0)
        self.token: Token | None = None
        self.renewing = False  # the token was refused: the next anonymous one takes a new client id
        self.language = "en"

    def close(self) -> None:
        self.client.close()

    # --- the token -----------------------------------------------------------------------------

    def connect(self) -> None:
        """Take the token (environment, then the credentials file), else get an anonymous one:
        "Setting things up..." then "Connected to <url>." the first time."""
        if self.token is not None:
            return
        if not self.renewing:
            self.token = self.store.token(self.environ)
        if self.token is None:
            first = not self.renewing
            if first:
                self.display.notice("Setting things up...")
            self._anonymous(fresh_client_id=self.renewing)
            self.renewing = False
            if first:
                self.display.notice(f"Connected to {self.settings.url}.")
        self.client.token = self.token.value if self.token else None

    def _anonymous(self, *, fresh_client_id: bool) -> None:
        """A new anonymous token, kept. A kept client id that already got one (in the last 7 days)
        answers 429: then once more with a fresh client id."""
        client_id = self.store.new_client_id() if fresh_client_id else self.store.client_id()
        try:
            info = self.client.anonymous_token(client_id)
        except errors.RateLimited:
            if fresh_client_id:
                raise
            info = self.client.anonymous_token(self.store.new_client_id())
        self.store.save_token(info.token, "anonymous", info.bind_id)
        self.token = Token(info.token, "file", "anonymous", info.bind_id)

    def _renew_token(self) -> None:
        """Forget the refused token; the next :meth:`connect` gets a new anonymous one."""
        old = self.token
        if old is not None:
            self.store.refuse(old)
        where = old.source if old is not None and old.from_env else "the kept token"
        self.display.notice(f"The server refused {where} (expired or revoked); getting a new anonymous one.")
        self.token = None
        self.client.token = None
        self.renewing = True

    # --- the session ---------------------------------------------------------------------------

    def session_id(self) -> str:
        """The session kept for this server, else a new one (kept)."""
        found = self.store.session()
        if found is not None:
            return found
        return self.new_session()

    def new_session(self) -> str:
        session_id = self.client.create_session("project", self.language)
        self.store.save_session(session_id)
        return session_id

    def speak(self, message: str) -> None:
        """The language a new session gets: Chinese when ``message`` has Chinese characters."""
        self.language = "zh" if _CJK.search(message) else "en"

    # --- calls ---------------------------------------------------------------------------------

    def call(self, action: Callable[[Client], T]) -> T:
        """``action(client)`` with 1001 and 429 each handled once (module docstring)."""
        return self._attempt(lambda: action(self.client), session=False)

    def in_session(self, action: Callable[[Client, str], T]) -> T:
        """``action(client, session_id)`` with 1001, 1002 and 429 each handled once."""
        return self._attempt(lambda: action(self.client, self.session_id()), session=True)

    def _attempt(self, run: Callable[[], T], *, session: bool) -> T:
        handled: set[int] = set()
        while True:
            try:
                self.connect()
                return run()
            except errors.ClientError as exc:
                failure = exc
            if not self._handle(failure, handled, session=session):
                raise explain(failure, self.settings.url) from None

    def _handle(self, exc: errors.ClientError, handled: set[int], *, session: bool) -> bool:
        """True when ``exc`` was handled (try again); each code once."""
        if exc.code in handled:
            return False
        if isinstance(exc, errors.AuthRequired):
            handled.add(exc.code)
            self._renew_token()
            return True
        if isinstance(exc, errors.NotFound) and session:
            handled.add(exc.code)
            self.display.notice("That session is gone; starting a new one.")
            self.store.save_session(None)
            return True
        if isinstance(exc, errors.RateLimited):
            wait = exc.retry_after if exc.retry_after is not None else 1.0
            if wait > self.settings.max_wait_s:
                return False
            handled.add(exc.code)
            self.display.notice(f"The server asks to wait {wait:g} s; trying again then.")
            self.sleep(wait)
            return True
        return False
