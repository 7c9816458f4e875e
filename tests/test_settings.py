from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from frameloom.domain.errors import InvalidRequest
from frameloom.settings import Settings, load_settings


def test_defaults_match_the_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.data_dir == Path(".frameloom")
    assert s.engine == "compose"
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.database_url is s.redis_url is s.diffusers_model is s.public_url is s.llm_url is None
    assert s.secret_key is None
    assert s.llm_key is None
    assert s.llm_model is None
    assert s.llm_timeout_s == 20.0
    assert s.resolved_database_url == f"sqlite:///{tmp_path / '.frameloom' / 'frameloom.db'}"


def test_every_spec_variable_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {
        "FRAMELOOM_DATA_DIR": str(tmp_path),
        "FRAMELOOM_DATABASE_URL": "postgresql://db/frameloom",
        "FRAMELOOM_REDIS_URL": "redis://queue:6379/0",
        "FRAMELOOM_ENGINE": "diffusers",
        "FRAMELOOM_DIFFUSERS_MODEL": "stabilityai/sdxl-turbo",
        "FRAMELOOM_PUBLIC_URL": "https://studio.example/",
        "FRAMELOOM_SECRET_KEY": "s3cret",
        "FRAMELOOM_LLM_URL": "http://llm/v1",
        "FRAMELOOM_LLM_MODEL": "qwen2.5-7b-instruct",
        "FRAMELOOM_LLM_KEY": "llm-k3y",
        "FRAMELOOM_LLM_TIMEOUT_S": "7.5",
        "FRAMELOOM_HOST": "0.0.0.0",
        "FRAMELOOM_PORT": "9000",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.data_dir == tmp_path
    assert s.resolved_database_url == "postgresql://db/frameloom"
    assert s.redis_url == "redis://queue:6379/0"
    assert s.engine == "diffusers"
    assert s.diffusers_model == "stabilityai/sdxl-turbo"
    assert s.public_url == "https://studio.example"
    assert s.secret_key is not None
    assert s.secret_key.get_secret_value() == "s3cret"
    assert s.llm_url == "http://llm/v1"
    assert s.llm_model == "qwen2.5-7b-instruct"
    assert s.llm_key is not None
    assert s.llm_key.get_secret_value() == "llm-k3y"
    assert s.llm_timeout_s == 7.5
    assert (s.host, s.port) == ("0.0.0.0", 9000)
    assert "s3cret" not in repr(s)
    assert "llm-k3y" not in repr(s)


def test_dot_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("FRAMELOOM_ENGINE=compose\nFRAMELOOM_PORT=8765\nOTHER=1\n")
    assert Settings().port == 8765


def test_the_environment_beats_the_dot_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("FRAMELOOM_PORT=8765\n")
    monkeypatch.setenv("FRAMELOOM_PORT", "8001")
    assert Settings().port == 8001


def test_nothing_is_read_at_import() -> None:
    import frameloom.settings as module

    assert not any(isinstance(v, Settings) for v in vars(module).values())


@pytest.mark.parametrize(
    ("variable", "value"),
    [("FRAMELOOM_PORT", "many"), ("FRAMELOOM_PORT", "70000"), ("FRAMELOOM_ENGINE", "  ")],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidRequest) as exc:
        load_settings(_env_file=None)
    assert [p.field for p in exc.value.problems] == [variable]


def test_secret_key_is_generated_once_and_kept_private(settings: Settings) -> None:
    first = settings.ensure_secret_key()
    assert len(first) >= 32
    assert settings.ensure_secret_key() == first
    path = settings.data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_configured_secret_key_is_used_as_is(settings: Settings) -> None:
    configured = settings.model_copy(update={"secret_key": SecretStr("given")})
    assert configured.ensure_secret_key() == "given"
    assert not (settings.data_dir / "secret_key").exists()
