"""What the remote commands keep between runs, in one folder readable only by its owner.

The folder is ``$FRAMELOOM_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/frameloom``, else
``~/.config/frameloom``. It holds two JSON files, each written atomically with mode 0600:

    credentials.json   {"servers": {"<url>": {"token": "...", "kind": "anonymous" | "login", "bind_id": ...}},
                        "refused": ["<sha256 prefix of an environment token the server refused>"]}
    client.json        {"client_id": "cli-...", "sessions": {"<url>": "<session id>"}}

Tokens are kept per server (a token of one server means nothing to another), and so are
session ids. ``credentials.json`` is refused, with the ``chmod`` to run, when others may read
it: a token there is as good as a password. Nothing here prints or logs a token.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from frameloom.cli.failure import CliFailure

CREDENTIALS = "credentials.json"
CLIENT = "client.json"
TOKEN_ENV = ("FRAMELOOM_TOKEN", "NEMO_TOKEN")

JsonObject = dict[str, object]


class UnsafeCredentials(CliFailure):
    """The credentials file may be read by others (or is not JSON); the message says the fix."""


def config_dir(environ: Mapping[str, str]) -> Path:
    """The folder the CLI keeps its tokens, client id and sessions in (not created here)."""
    explicit = environ.get("FRAMELOOM_CONFIG_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = environ.get("XDG_CONFIG_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "frameloom"


@dataclass(frozen=True)
class Token:
    """A token and where it came from: an environment variable's name, or ``file`` (``kind`` anonymous
    or login; an anonymous one's ``bind_id``, to register it). ``repr`` leaves the token out."""

    value: str
    source: str
    kind: str = "anonymous"
    bind_id: str | None = None

    def __repr__(self) -> str:
        return f"Token(source={self.source!r}, kind={self.kind!r})"

    @property
    def from_env(self) -> bool:
        return self.source in TOKEN_ENV


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class Store:
    """The CLI's kept state for one server ``url``, in ``folder``."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.url = url

    # --- files ---------------------------------------------------------------------------------

    def _read(self, name: str) -> JsonObject:
        path = self.folder / name
        if not path.exists():
            return {}
        if name == CREDENTIALS:
            self._check_private(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UnsafeCredentials(f"{path}: not readable JSON ({type(exc).__name__}); remove it to start "
                                    "again") from None
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _check_private(path: Path) -> None:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise UnsafeCredentials(f"{path} may be read by other users (mode {stat.filemode(mode)}); "
                                    f"run: chmod 600 {path}")

    def _write(self, name: str, data: JsonObject) -> None:
        """Atomically: a temporary file made 0600 from the start, then renamed over ``name``."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.folder / name
        temp = path.with_name(f".{name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2, sort_keys=True)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def _servers(self, data: JsonObject) -> dict[str, JsonObject]:
        servers = data.setdefault("servers", {})
        return cast(dict[str, JsonObject], servers) if isinstance(servers, dict) else {}

    # --- tokens --------------------------------------------------------------------------------

    def token(self, environ: Mapping[str, str]) -> Token | None:
        """``FRAMELOOM_TOKEN``, then ``NEMO_TOKEN`` (unless this server refused it before), then
        this server's token in the credentials file; None when there is none."""
        data = self._read(CREDENTIALS)
        refused = data.get("refused", [])
        for name in TOKEN_ENV:
            value = environ.get(name, "").strip()
            if value and not (isinstance(refused, list) and _fingerprint(value) in refused):
                return Token(value, name)
        entry = self._servers(data).get(self.url)
        if isinstance(entry, dict) and isinstance(entry.get("token"), str):
            bind_id = entry.get("bind_id")
            return Token(str(entry["token"]), "file", str(entry.get("kind", "anonymous")),
                         bind_id if isinstance(bind_id, str) else None)
        return None

    def save_token(self, value: str, kind: str, bind_id: str | None = None) -> None:
        data = self._read(CREDENTIALS)
        self._servers(data)[self.url] = {"token": value, "kind": kind, "bind_id": bind_id}
        self._write(CREDENTIALS, data)

    def refuse(self, token: Token) -> None:
        """Forget ``token``: the file's entry, or for an environment token, skip it from now on
        (it stays set in the environment, and would be refused on every run)."""
        data = self._read(CREDENTIALS)
        if token.from_env:
            refused = data.get("refused")
            kept = [str(f) for f in refused] if isinstance(refused, list) else []
            data["refused"] = [*kept, _fingerprint(token.value)][-20:]
        else:
            self._servers(data).pop(self.url, None)
        self._write(CREDENTIALS, data)

    @property
    def first_use(self) -> bool:
        """True before this folder has ever held a token for any server."""
        return not (self.folder / CREDENTIALS).exists()

    # --- client id and sessions ----------------------------------------------------------------

    def client_id(self) -> str:
        """The kept client id (``cli-`` and 24 hex digits), made on first use."""
        data = self._read(CLIENT)
        found = data.get("client_id")
        if isinstance(found, str) and found:
            return found
        return self.new_client_id()

    def new_client_id(self) -> str:
        """A fresh client id, kept (a client id gets one anonymous token per 7 days)."""
        data = self._read(CLIENT)
        data["client_id"] = f"cli-{secrets.token_hex(12)}"
        self._write(CLIENT, data)
        return str(data["client_id"])

    def session(self) -> str | None:
        sessions = self._read(CLIENT).get("sessions")
        found = sessions.get(self.url) if isinstance(sessions, dict) else None
        return found if isinstance(found, str) else None

    def save_session(self, session_id: str | None) -> None:
        """Keep ``session_id`` for this server (None forgets it)."""
        data = self._read(CLIENT)
        sessions = data.setdefault("sessions", {})
        if not isinstance(sessions, dict):
            sessions = data["sessions"] = {}
        if session_id is None:
            sessions.pop(self.url, None)
        else:
            sessions[self.url] = session_id
        self._write(CLIENT, data)
