"""The one settings object. Read from ``FRAMELOOM_*`` variables and a ``.env`` file.

Nothing here runs at import: ``main`` and ``create_app`` call :func:`load_settings`
(or build :class:`Settings` themselves) and pass the object down.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.jobs import JobKind, parse_worker_kinds
from frameloom.domain.plans import PlanLimits, PlanSettings, build_plans, check_plan_names, read_plans

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
    # diffusers engine (docs/ENGINES.md): unset knobs follow the model's family
    diffusers_family: str | None = None
    diffusers_steps: int | None = Field(default=None, ge=1, le=200)
    diffusers_guidance: float | None = Field(default=None, ge=0, le=30)
    diffusers_device: str = "auto"
    diffusers_tiny_vae: str | None = None
    diffusers_video_model: str | None = None
    allow_downloads: bool = False
    # openai engine: any OpenAI-compatible images endpoint
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-image-1"
    openai_sizes: Annotated[list[str], NoDecode] = Field(default_factory=list)
    openai_send_seed: bool = False
    openai_timeout_s: float = Field(default=120.0, gt=0)
    openai_max_attempts: int = Field(default=4, ge=1, le=10)
    openai_max_wait_s: float = Field(default=60.0, ge=0)
    public_url: str | None = None
    secret_key: SecretStr | None = None
    # the agent's optional language-model planner (docs/AGENT.md): an OpenAI-compatible chat endpoint
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"
    log_format: str = "json"
    access_log: bool = True
    malloc_arenas: int = Field(default=2, ge=0, le=64)  # glibc arenas for serve/worker; 0: the library's default
    malloc_trim_s: float = Field(default=5.0, ge=0)  # give freed memory back this often; 0: never

    # accounts and credits (SPEC section 3)
    anonymous_credits: int = Field(default=100, ge=0)
    signup_credits: int = Field(default=100, ge=0)
    anonymous_per_ip: int = Field(default=10, ge=1)
    anonymous_ip_window_s: int = Field(default=86_400, ge=1)
    login_token_days: int = Field(default=30, ge=1)
    image_price: int = Field(default=2, ge=0)
    video_price_per_second: int = Field(default=1, ge=0)
    export_price: int = Field(default=1, ge=0)  # credits per started export_price_seconds of output
    export_price_seconds: int = Field(default=10, ge=1)
    free_plan_export: bool = True  # the anonymous plan's export flag (FRAMELOOM_PLANS may set it too)
    # plans and quotas (docs/operating.md): FRAMELOOM_PLANS is JSON, or the path of a .json or .toml file
    plans: Annotated[dict[str, PlanSettings], NoDecode] = Field(default_factory=dict)
    admin_token: SecretStr | None = None  # the operator's routes (/api/admin/...); unset: they answer 404

    # jobs (SPEC sections 1 and 7): huey on SQLite in the data folder, or on Redis when redis_url is set
    queue_name: str = "frameloom"
    worker_kinds: str = "all"  # what `frameloom worker` takes: kinds or classes (gpu, cpu), comma-separated
    workers: int = Field(default=1, ge=0, le=64)  # consumer threads inside `serve`; 0: `frameloom worker` only
    job_attempts: int = Field(default=3, ge=1, le=10)
    job_heartbeat_s: float = Field(default=1.0, gt=0)
    job_stale_s: float = Field(default=15.0, gt=0)
    job_requeue_s: float = Field(default=300.0, gt=0)
    job_max_queued_s: float = Field(default=86_400.0, gt=0)
    export_time_limit_s: int = Field(default=1800, ge=1)
    # parallel exports (docs/parallel-exports.md): MP4/MOV of at least two chunks are split; 0: never
    export_chunk_s: float = Field(default=20.0, ge=0)
    image_time_limit_s: int = Field(default=600, ge=1)
    video_time_limit_s: int = Field(default=1800, ge=1)
    # the chat stream (SPEC section 4): a turn is a job; its stream heartbeats and is capped
    chat_time_limit_s: int = Field(default=900, ge=1)
    chat_heartbeat_s: float = Field(default=10.0, gt=0)  # ": heartbeat" after this long without an event
    chat_stream_cap_s: float = Field(default=900.0, gt=0)  # one stream's longest life; re-attach to go on

    # media (SPEC section 7)
    upload_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_image_pixels: int = Field(default=50_000_000, ge=1)
    link_ttl_s: int = Field(default=86_400, ge=1)
    url_import_allowed_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    url_import_timeout_s: float = Field(default=60.0, gt=0)
    max_json_bytes: int = Field(default=1024 * 1024, ge=1)  # every request body but an upload's (any type)
    # media in S3-compatible object storage instead of media_dir (docs/storage.md); AWS_* credentials
    s3_url: str | None = None  # s3://bucket/prefix
    s3_endpoint: str | None = None  # any S3-compatible server; unset: AWS's own

    # hostile clients (docs/reliability.md): slow senders, hash floods, password guessing
    body_timeout_s: float = Field(default=3600.0, gt=0)  # a request body arrives whole within this, uploads too
    body_min_rate: int = Field(default=4096, ge=0)  # bytes/s, averaged over the body so far, after the grace
    body_rate_grace_s: float = Field(default=10.0, ge=0)
    url_import_concurrency: int = Field(default=8, ge=1, le=64)  # imports at once per process; others wait
    password_hash_concurrency: int = Field(default=2, ge=1, le=64)  # Argon2 hashes at once (64 MiB each)
    login_failures_per_account: int = Field(default=10, ge=1)  # wrong passwords per email in the window
    login_failures_per_address: int = Field(default=30, ge=1)  # wrong passwords per client address
    login_window_s: int = Field(default=900, ge=1)

    # content policy (SPEC sections 1 and 2; docs/operating.md): refused before any credit moves
    blocklist: Path | None = None  # a UTF-8 file of refused words and phrases, one a line
    moderation_url: str | None = None  # OpenAI's moderation shape: POST {"input"} -> {"results": [{"flagged"}]}
    moderation_key: SecretStr | None = None  # sent as a bearer token when set
    moderation_model: str | None = None  # sent as "model" when set
    moderation_timeout_s: float = Field(default=5.0, gt=0)
    moderation_fail_open: bool = False  # unreachable hook: False refuses with 503, True lets the prompt through

    # webhooks (docs/operating.md): job ends POSTed, signed, from a durable outbox
    webhook_timeout_s: float = Field(default=10.0, gt=0)  # one delivery attempt, connect to last byte
    webhook_retry_first_s: float = Field(default=30.0, gt=0)  # wait before the 2nd attempt; doubles each time
    webhook_retry_max_s: float = Field(default=3600.0, gt=0)  # the longest wait between two attempts
    webhook_retry_for_s: float = Field(default=86_400.0, gt=0)  # no attempt starts later than this after the end
    webhook_poll_s: float = Field(default=1.0, gt=0)  # how often the sender looks for due deliveries

    @field_validator("plans", mode="before")
    @classmethod
    def _plans(cls, value: object) -> object:
        value = read_plans(value)
        if isinstance(value, dict):
            check_plan_names(value)
        return value

    def plan_table(self) -> dict[str, PlanLimits]:
        """Every plan in force by name: the built-in two, changed by ``plans``, then the operator's."""
        return build_plans(self.plans, anonymous_credits=self.anonymous_credits,
                           signup_credits=self.signup_credits, free_plan_export=self.free_plan_export)

    @field_validator("engine")
    @classmethod
    def _engine_name(cls, value: str) -> str:
        name = value.strip()
        if not name:
            raise ValueError("must not be empty")
        return name

    @field_validator("url_import_allowed_networks", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        """``FRAMELOOM_URL_IMPORT_ALLOWED_NETWORKS=127.0.0.0/8,10.0.0.0/8``: CIDRs, comma-separated."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            for item in value:
                ipaddress.ip_network(str(item), strict=False)  # ValueError names the bad one
        return value

    @field_validator("openai_sizes", mode="before")
    @classmethod
    def _sizes(cls, value: object) -> object:
        """``FRAMELOOM_OPENAI_SIZES=1024x1024,1536x1024``: the sizes the server takes, comma-separated."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            for item in value:
                width, sep, height = str(item).partition("x")
                if not (sep and width.isdigit() and height.isdigit()):
                    raise ValueError(f"{item!r} is not WIDTHxHEIGHT")
        return value

    @field_validator("diffusers_device")
    @classmethod
    def _device(cls, value: str) -> str:
        device = value.strip().lower()
        if device.split(":")[0] not in {"auto", "cpu", "cuda", "mps"}:
            raise ValueError("must be auto, cpu, cuda, cuda:N or mps")
        return device

    @field_validator("worker_kinds")
    @classmethod
    def _worker_kinds(cls, value: str) -> str:
        parse_worker_kinds(value)  # ValueError names the bad word
        return value

    @property
    def job_kinds(self) -> frozenset[JobKind]:
        """The job kinds ``worker_kinds`` names."""
        return parse_worker_kinds(self.worker_kinds)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be debug, info, warning or error")
        return level

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value not in {"json", "text"}:
            raise ValueError("must be json or text")
        return value

    @field_validator("s3_url")
    @classmethod
    def _s3_url(cls, value: str | None) -> str | None:
        if value and not re.match(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?$", value):
            raise ValueError("must be s3://bucket or s3://bucket/prefix (a lower-case bucket name)")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_database_url(self) -> str:
        """``database_url``, or SQLite in the data folder when unset."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'frameloom.db').resolve()}"

    @property
    def media_dir(self) -> Path:
        """Where local storage keeps media files."""
        return self.data_dir / "media"

    @property
    def queue_path(self) -> Path:
        """The embedded queue's SQLite file (huey), used when ``redis_url`` is unset."""
        return self.data_dir / "queue.db"

    @property
    def staging_dir(self) -> Path:
        """Where uploads and imports land while they are checked (same disk as ``media_dir``)."""
        return self.data_dir / "tmp"

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
