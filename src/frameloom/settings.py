"""The one settings object. Read from ``FRAMELOOM_*`` variables and a ``.env`` file.

Nothing here runs at import: ``main`` and ``create_app`` call :func:`load_settings`
(or build :class:`Settings` themselves) and pass the object down.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from frameloom.domain.errors import InvalidRequest, Problem

ENV_PREFIX = "FRAMELOOM_"
SECRET_KEY_FILE = "secret_key"


class Settings(BaseSettings):
    """Every knob of a frameloom process. Field ``x`` is read from ``FRAMELOOM_X``.

    The default engine name is checked when the engine registry is built
    (:func:`frameloom.engines.default_registry` raises ``UnknownEngine``), not
    here, so that settings stay importable without the engines.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
    )

    data_dir: Path = Path("./.frameloom")
    database_url: str | None = None
    redis_url: str | None = None
    engine: str = "compose"
    diffusers_model: str | None = None
    public_url: str | None = None
    secret_key: SecretStr | None = None
    url: str = "http://127.0.0.1:8000"
    token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("FRAMELOOM_TOKEN", "NEMO_TOKEN")
    )
    llm_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("engine")
    @classmethod
    def _engine_name(cls, value: str) -> str:
        name = value.strip()
        if not name:
            raise ValueError("must not be empty")
        return name

    @field_validator("public_url", "url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_database_url(self) -> str:
        """``database_url``, or SQLite in the data folder when unset."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'frameloom.db').resolve()}"

    def ensure_secret_key(self) -> str:
        """The signing key: the setting, else one generated once and kept in the data folder.

        Creates ``data_dir`` and ``data_dir/secret_key`` (mode 0600) on first use.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / SECRET_KEY_FILE
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
        return key


def load_settings(**overrides: Any) -> Settings:
    """Build :class:`Settings` from the environment; bad values raise ``InvalidRequest``.

    Each problem names the variable, e.g. ``FRAMELOOM_PORT: Input should be a valid integer``.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = [
            Problem(ENV_PREFIX + ".".join(str(part) for part in err["loc"]).upper(), err["msg"])
            for err in exc.errors()
        ]
        raise InvalidRequest(problems) from None
