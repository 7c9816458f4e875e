"""The remote commands (``chat``, ``upload``, ``credits``, ``status``, ``export``, ``login``,
``register``) run as a subprocess, as an agent runs them, against a real server (uvicorn in a
thread, jobs in the process), each error put in place for real. Every output of every run, and
the server's log, is checked for the tokens the runs used: none may show.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from tests.api.conftest import FakeClock
from tests.api.test_chat_stream import event
from tests.conftest import LiveServer

from frameloom.agent.turns import Emit, Turn, TurnRunner
from frameloom.api import create_app
from frameloom.cli.display import describe_call, for_cli
from frameloom.cli.routing import Action, route
from frameloom.cli.skill import attribution, front_matter, platform_of
from frameloom.domain.events import Content, FunctionCall, FunctionResponse, Part
from frameloom.services.container import Services
from frameloom.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
IMAGE_PROMPT = "generate an image of a futuristic city skyline at night with neon lights"
VIDEO_PROMPT = "make a 2 second video of a fox reading a book in a forest at sunset"


# --- a server, and the CLI run against it ------------------------------------------------------


@dataclass
class Server:
    url: str
    app: FastAPI

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def account_of(self, token: str) -> str:
        return self.services.auth.authenticate(f"Bearer {token}").account_id


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Transcript:
    """Every output the CLI printed, and every token it held; checked against each other at the end."""

    outputs: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)


@dataclass
class Cli:
    """``cli(*args)``: ``python -m frameloom ARGS`` in ``folder`` (its config in ``folder/config``), no
    terminal, against ``url``."""

    url: str
    folder: Path
    transcript: Transcript
    env: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> Path:
        return self.folder / "config"

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        base = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_") and k != "NEMO_TOKEN"}
        full = {**base, "HOME": str(self.folder), "FRAMELOOM_URL": self.url,
                "FRAMELOOM_CONFIG_DIR": str(self.config), **self.env, **(env or {})}
        # a new session: no controlling terminal, so hidden prompts read stdin
        proc = subprocess.run([sys.executable, "-m", "frameloom", *args], cwd=self.folder, env=full,
                              input=input or "", capture_output=True, text=True, timeout=240,
                              start_new_session=True)
        self.transcript.outputs.append(proc.stdout + proc.stderr)
        self.transcript.tokens.update(t for t in (full.get("FRAMELOOM_TOKEN"), full.get("NEMO_TOKEN")) if t)
        if self.token() is not None:
            self.transcript.tokens.add(self.token() or "")
        assert "Traceback" not in proc.stderr, proc.stderr
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def kept(self) -> dict[str, Any]:
        path = self.config / "credentials.json"
        data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        return data

    def token(self) -> str | None:
        entry = self.kept().get("servers", {}).get(self.url)
        return entry["token"] if entry else None

    def session(self) -> str | None:
        path = self.config / "client.json"
        sessions = json.loads(path.read_text()).get("sessions", {}) if path.exists() else {}
        found: str | None = sessions.get(self.url)
        return found


@pytest.fixture
def transcript(caplog: pytest.LogCaptureFixture) -> Iterator[Transcript]:
    caplog.set_level(logging.INFO)
    seen = Transcript()
    yield seen
    logs = caplog.text
    for token in seen.tokens:
        assert all(token not in output for output in seen.outputs), "a token was printed"
        assert token not in logs, "a token reached the server's log"


def _settings(data_dir: Path, **overrides: Any) -> Settings:
    base = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    return base.model_copy(update={"anonymous_per_ip": 1000, "chat_heartbeat_s": 0.2, **overrides})


@pytest.fixture
def serve(tmp_path: Path, live_server: Callable[[Any], str]) -> Callable[..., Server]:
    """``serve(turns=None, clock=None, **settings)``: a real server on a free port."""

    def start(turns: TurnRunner | None = None, clock: FakeClock | None = None, **overrides: Any) -> Server:
        extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
        app = create_app(_settings(tmp_path / "data", **overrides), turns=turns, **extra)
        return Server(live_server(app), app)

    return start


@pytest.fixture
def cli_for(tmp_path: Path, transcript: Transcript) -> Callable[[Server], Cli]:
    return lambda server: Cli(server.url, tmp_path, transcript)


def png(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    Image.new("RGB", size, (200, 80, 40)).save(path)
    return path


# --- the seed prompts end with files on disk ----------------------------------------------------


def test_the_seed_prompts_end_with_an_image_and_an_mp4_on_disk(serve: Callable[..., Server],
                                                               cli_for: Callable[[Server], Cli],
                                                               tmp_path: Path) -> None:
    cli = cli_for(serve())
    first = cli("chat", IMAGE_PROMPT)
    assert first.returncode == 0, first.output
    assert first.stderr.splitlines()[:2] == ["Setting things up...", f"Connected to {cli.url}."]
    assert "- Generating 1 image..." in first.stdout
    assert "Timeline (1 track)" in first.stdout
    image = cli("export", "--format", "png", "-o", "city.png")
    assert image.returncode == 0, image.output
    assert image.stdout.splitlines() == ["- Exporting png...", "city.png  1920x1080  " + image.stdout.split("1920x1080  ")[1].strip()]
    with Image.open(tmp_path / "city.png") as picture:
        assert (picture.format, picture.size) == ("PNG", (1920, 1080))

    second = cli("chat", VIDEO_PROMPT)
    assert second.returncode == 0, second.output
    assert "Setting things up..." not in second.stderr  # the kept token, the kept session
    assert "- Generating a 2 s video..." in second.stdout
    assert "  rendering 100%" in second.stderr
    video = cli("export", "-o", "fox.mp4")
    assert video.returncode == 0, video.output
    assert video.stdout.splitlines()[-1].startswith("fox.mp4  1920x1080  7 s  ")
    assert "  exporting mp4 100%" in video.stderr
    with av.open(str(tmp_path / "fox.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 1920, 1080)
        assert container.duration is not None
        assert abs(container.duration / av.time_base - 7.0) < 0.1
    assert not any(name.endswith(".part") for name in os.listdir(tmp_path))
    for output in (first.stdout, second.stdout, video.stdout):
        assert "{" not in output  # no raw JSON


# --- routing: each keyword reaches its action, in English and Chinese ---------------------------


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """One server for the routing tests, its session holding a 1-second video."""
    folder = tmp_path_factory.mktemp("routing")
    app = create_app(_settings(folder / "data"))
    with LiveServer(app) as server:
        cli = Cli(server.url, folder, Transcript())
        made = cli("chat", "make a 1 second video of a fox")
        assert made.returncode == 0, made.output
        png(folder / "clip.png")
        yield cli
    for token in cli.transcript.tokens:
        assert all(token not in output for output in cli.transcript.outputs)


@pytest.mark.parametrize("message", ["export", "download", "send me the video", "导出", "export as webm"])
def test_export_words_export_and_download(studio: Cli, message: str) -> None:
    before = set(os.listdir(studio.folder))
    done = studio("chat", message)
    assert done.returncode == 0, done.output
    new = sorted(set(os.listdir(studio.folder)) - before)
    fmt = "webm" if "webm" in message else "mp4"
    assert len(new) == 1, new
    assert new[0].startswith("render_")
    assert new[0].endswith(f".{fmt}")
    assert done.stdout.splitlines()[-1].startswith(f"{new[0]}  1920x1080  1 s  ")
    (studio.folder / new[0]).unlink()


@pytest.mark.parametrize("message", ["credits", "积分", "balance", "余额", "what is my balance"])
def test_credit_words_show_the_credits(studio: Cli, message: str) -> None:
    done = studio("chat", message)
    assert done.returncode == 0, done.output
    assert done.stdout.startswith("Credits: ")
    assert done.stdout.rstrip().endswith("available.")


@pytest.mark.parametrize("message", ["status", "状态", "show tracks"])
def test_status_words_show_the_timeline(studio: Cli, message: str) -> None:
    done = studio("chat", message)
    assert done.returncode == 0, done.output
    assert done.stdout.startswith("Timeline (1 track): 1. Video: a fox")
    assert "video.mp4: video, mp4, 1920x1080, 1 s" in done.stdout


@pytest.mark.parametrize("message", ["upload clip.png", "上传 clip.png", "clip.png"])
def test_upload_words_and_a_file_path_upload(studio: Cli, message: str) -> None:
    done = studio("chat", message)
    assert done.returncode == 0, done.output
    assert "Uploaded clip.png: image, png, 64x48" in done.stdout
    assert "Timeline (" not in done.stdout  # nothing went to the agent


def test_any_other_message_is_a_chat_turn(studio: Cli) -> None:
    done = studio("chat", "add a title Hello Fox")
    assert done.returncode == 0, done.output
    assert "- Adding the title..." in done.stdout
    assert 'Title: "Hello Fox"' in done.stdout


def test_a_file_path_with_words_uploads_then_asks_the_agent(studio: Cli) -> None:
    done = studio("chat", "clip.png show tracks please and add a caption Bye")
    assert done.returncode == 0, done.output
    assert "Uploaded clip.png" in done.stdout
    assert '"Bye"' in done.stdout


def test_routing_table() -> None:
    assert route("export").action is Action.EXPORT
    assert route("导出视频").action is Action.EXPORT
    assert route("Send me the video!").action is Action.EXPORT
    assert route("export it as a GIF").format == "gif"
    assert route("余额").action is Action.CREDITS
    assert route("状态").action is Action.STATUS
    assert route("上传").action is Action.UPLOAD
    assert route("upload https://example.com/a.mp4").urls == ("https://example.com/a.mp4",)
    # a request, not a command: the agent exports, makes, uploads itself
    assert route("make a video of a fox reading a book and export it as a gif").action is Action.CHAT
    assert route("use my uploaded clip").action is Action.CHAT
    assert route("exporters rebalance").action is Action.CHAT  # whole words only
    assert route("make a video of a fox").action is Action.CHAT


# --- the stream: steps, silence, screens, a turn without words ----------------------------------


class Screen:
    """Works quietly for 1.2 s (heartbeats only), then talks about a screen."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        call = FunctionCall(id="c1", name="add_title", args={"text": "Hi", "pos": "center"})
        emit(event(turn, content=Content(parts=[Part(function_call=call)])))
        time.sleep(1.2)
        emit(event(turn, content=Content(parts=[Part(function_response=FunctionResponse(
            id="c1", name="add_title", response={"label": "add title", "version": 2, "summary": "x"}))])))
        emit(event(turn, "Done. Click Export to download it, or open the panel to see the tracks.",
                   turn_complete=True))


class Wordless:
    """A tool call and its result, a progress event, then the end: no text at all."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        call = FunctionCall(id="c1", name="generate_image", args={"prompt": "a fox", "n": 2})
        emit(event(turn, content=Content(parts=[Part(function_call=call)])))
        emit(event(turn, custom_metadata={"stage": "drawing", "progress": 0.5}))
        emit(event(turn, custom_metadata={"stage": "drawing", "progress": 1.0}))
        emit(event(turn, content=Content(parts=[Part(function_response=FunctionResponse(
            id="c1", name="generate_image", response={"media_ids": ["m1"], "links": ["http://x/files/a"]}))])))
        emit(event(turn, turn_complete=True))


def test_silence_says_still_working_and_screens_become_commands(serve: Callable[..., Server],
                                                                cli_for: Callable[[Server], Cli]) -> None:
    cli = cli_for(serve(Screen()))
    done = cli("chat", "add a title Hi", env={"FRAMELOOM_CLI_QUIET_S": "0.5"})
    assert done.returncode == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == "- Adding the title..."
    assert "Still working..." in lines[1:-2]
    assert lines[-2:] == ["  done: add title",
                          "Done. Run `frameloom export` to download it, or run `frameloom status` to see the tracks."]


def test_a_turn_without_text_ends_with_the_summary(serve: Callable[..., Server],
                                                   cli_for: Callable[[Server], Cli]) -> None:
    cli = cli_for(serve(Wordless()))
    done = cli("chat", "draw a fox twice")
    assert done.returncode == 0, done.output
    assert done.stdout.splitlines() == ["- Generating 2 images...", "  done",
                                        "Timeline (0 tracks): empty"]
    assert done.stderr.splitlines()[-2:] == ["  drawing 50%", "  drawing 100%"]
    assert "http://x/files" not in done.output
    assert "m1" not in done.output


def test_screen_phrases_in_both_languages() -> None:
    assert for_cli("Drag the clip to 3 seconds.") == 'Ask for the move, e.g. `frameloom chat "move the clip to 3s"`.'
    assert for_cli("You can preview it in the timeline.") == (
        "You can run `frameloom status` (the tracks) or `frameloom export` (the file).")
    assert for_cli("Drag your files here to add them.") == "Run `frameloom upload FILE` to add them."
    assert for_cli("完成。点击导出即可下载。") == "完成。运行 `frameloom export`即可下载。"
    assert for_cli("Timeline (1 track): 1. Video: a fox (0-5s)") == "Timeline (1 track): 1. Video: a fox (0-5s)"
    assert describe_call("generate_video", {"prompt": "x", "seconds": 8}) == "Generating a 8 s video..."
    assert describe_call("mystery_tool", {"a": {"b": 1}}) == "Working: mystery tool..."


# --- errors, each with the server in that state ------------------------------------------------


def test_an_expired_token_is_replaced_once(serve: Callable[..., Server], cli_for: Callable[[Server], Cli]) -> None:
    clock = FakeClock()
    cli = cli_for(serve(clock=clock))
    assert cli("credits").returncode == 0
    old = cli.token()
    clock.advance(days=7, seconds=1)
    done = cli("credits")
    assert done.returncode == 0, done.output
    assert done.stderr == "The server refused the kept token (expired or revoked); getting a new anonymous one.\n"
    assert done.stdout == "Credits: 100 available.\n"
    assert cli.token() not in (None, old)


def test_a_refused_environment_token_is_not_tried_again(serve: Callable[..., Server],
                                                       cli_for: Callable[[Server], Cli]) -> None:
    cli = cli_for(serve())
    revoked = "fl_" + "A" * 43  # well-formed, unknown to the server
    first = cli("credits", env={"NEMO_TOKEN": revoked})
    assert first.returncode == 0, first.output
    assert "The server refused NEMO_TOKEN" in first.stderr
    second = cli("credits", env={"NEMO_TOKEN": revoked})
    assert (second.returncode, second.stderr) == (0, "")


def test_the_environment_token_comes_first(serve: Callable[..., Server], cli_for: Callable[[Server], Cli]) -> None:
    server = serve()
    cli = cli_for(server)
    token = httpx.post(f"{server.url}/api/auth/anonymous-token", headers={"X-Client-Id": "mine"}).json()["data"]
    server.services.credits.top_up(token["account_id"], -58)
    done = cli("credits", env={"FRAMELOOM_TOKEN": token["token"], "NEMO_TOKEN": "fl_" + "B" * 43})
    assert (done.returncode, done.stdout, done.stderr) == (0, "Credits: 42 available.\n", "")
    assert cli.token() is None  # nothing kept: the environment's token is not written anywhere


def test_a_session_that_is_not_ours_is_replaced_once(serve: Callable[..., Server],
                                                     cli_for: Callable[[Server], Cli]) -> None:
    server = serve()
    cli = cli_for(server)
    assert cli("status").returncode == 0
    theirs = httpx.post(f"{server.url}/api/auth/anonymous-token", headers={"X-Client-Id": "other"}).json()
    other = httpx.post(f"{server.url}/api/tasks/me/with-session/nemo_agent", json={},
                       headers={"Authorization": f"Bearer {theirs['data']['token']}"}).json()["data"]["session_id"]
    kept = json.loads((cli.config / "client.json").read_text())
    kept["sessions"][cli.url] = other
    (cli.config / "client.json").write_text(json.dumps(kept))
    done = cli("status")
    assert done.returncode == 0, done.output
    assert done.stderr == "That session is gone; starting a new one.\n"
    assert done.stdout == "Timeline (0 tracks): empty\n"
    assert cli.session() not in (None, other)


def test_rate_limited_waits_the_advised_time_once(serve: Callable[..., Server],
                                                  cli_for: Callable[[Server], Cli]) -> None:
    server = serve(anonymous_per_ip=1, anonymous_ip_window_s=4)
    cli = cli_for(server)
    started = time.monotonic()
    httpx.post(f"{server.url}/api/auth/anonymous-token", headers={"X-Client-Id": "first"})  # the address's one
    done = cli("credits")
    assert done.returncode == 0, done.output
    assert time.monotonic() - started >= 3.5  # it waited for the window, not less
    assert re.search(r"^The server asks to wait [1-4] s; trying again then\.$", done.stderr, re.MULTILINE)
    assert done.stdout == "Credits: 100 available.\n"


def test_rate_limited_longer_than_the_cli_waits_says_when(serve: Callable[..., Server],
                                                          cli_for: Callable[[Server], Cli]) -> None:
    server = serve(anonymous_per_ip=1, anonymous_ip_window_s=3600)
    cli = cli_for(server)
    httpx.post(f"{server.url}/api/auth/anonymous-token", headers={"X-Client-Id": "first"})
    done = cli("credits")
    assert done.returncode == 2
    assert "wait" not in done.stderr  # an hour is not waited for
    assert re.fullmatch(r"error: The server is busy \(too many anonymous tokens from this address\); "
                        r"try again in 3[56]\d\d s\.", done.stderr.splitlines()[-1])


def test_no_credits_gives_the_registration_link(serve: Callable[..., Server],
                                                cli_for: Callable[[Server], Cli]) -> None:
    server = serve()
    cli = cli_for(server)
    assert cli("credits").returncode == 0
    server.services.credits.top_up(server.account_of(cli.token() or ""), -99)
    done = cli("chat", IMAGE_PROMPT)
    assert done.returncode == 2
    error = done.stderr[done.stderr.index("error: "):].splitlines()
    assert error[0] == "error: Not enough credits (2 needed, 1 available)."
    assert error[1].startswith(f"  Register to keep your credits and get more: {server.url}/register?bind=bind_")


def test_export_refused_by_plan_then_register_unlocks_it(serve: Callable[..., Server],
                                                         cli_for: Callable[[Server], Cli], tmp_path: Path) -> None:
    cli = cli_for(serve(free_plan_export=False))
    assert cli("chat", "make a 1 second video of a fox").returncode == 0
    refused = cli("export", "-o", "out.mp4")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-2:] == ["error: Register or upgrade your plan to unlock export.",
                                                "  Run `frameloom register` to register this account."]
    password = "correct horse battery"
    joined = cli("register", input=f"fox@example.com\n{password}\n{password}\n")
    assert joined.returncode == 0, joined.output
    assert joined.stdout.splitlines()[-1] == "Registered as fox@example.com; 99 credits."  # the 1 s video paid
    assert "echoed" not in joined.stderr
    assert password not in joined.output
    done = cli("export", "-o", "out.mp4")
    assert done.returncode == 0, done.output
    assert (tmp_path / "out.mp4").stat().st_size > 0
    again = cli("login", input=f"fox@example.com\n{password}\n")
    assert again.returncode == 0
    assert again.stdout == "Logged in as fox@example.com; 98 credits.\n"  # the export paid 1


def test_an_unsupported_file_names_the_formats(serve: Callable[..., Server], cli_for: Callable[[Server], Cli],
                                               tmp_path: Path) -> None:
    cli = cli_for(serve())
    (tmp_path / "notes.mp4").write_text("not a video at all")
    done = cli("upload", "notes.mp4")
    assert done.returncode == 2
    line = done.stderr.splitlines()[-1]
    assert line.startswith("error: That file type is not supported. Supported formats: ")
    assert "mp4" in line
    assert "png" in line


def test_a_file_too_large_suggests_compressing_or_trimming(serve: Callable[..., Server],
                                                           cli_for: Callable[[Server], Cli], tmp_path: Path) -> None:
    cli = cli_for(serve(upload_max_bytes=2000))
    buf = io.BytesIO()
    Image.effect_noise((400, 300), 64).save(buf, "PNG")
    (tmp_path / "big.png").write_bytes(buf.getvalue())
    done = cli("chat", "big.png")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("error: The file is too large (the server takes at most 2.0 KB). "
                                            "Compress it or trim it, then upload it again.")


def test_no_server_says_how_to_start_one(transcript: Transcript, tmp_path: Path) -> None:
    cli = Cli("http://127.0.0.1:9", tmp_path, transcript)
    done = cli("credits")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("error: Cannot reach the frameloom server at http://127.0.0.1:9. "
                                            "Is it running? Start one with `frameloom serve`, or set FRAMELOOM_URL.")


def test_credentials_readable_by_others_are_refused(serve: Callable[..., Server],
                                                    cli_for: Callable[[Server], Cli]) -> None:
    cli = cli_for(serve())
    assert cli("credits").returncode == 0
    path = cli.config / "credentials.json"
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o644)
    done = cli("credits")
    assert done.returncode == 2
    assert done.stderr == f"error: {path} may be read by other users (mode -rw-r--r--); run: chmod 600 {path}\n"


# --- attribution: the skill file's name and version, the platform from where it is installed ----


def test_the_skill_file_names_the_requests(serve: Callable[..., Server], cli_for: Callable[[Server], Cli],
                                           tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    installed = tmp_path / "home" / ".claude" / "skills" / "frameloom"
    installed.mkdir(parents=True)
    text = (ROOT / "skills" / "frameloom" / "SKILL.md").read_text()
    (installed / "SKILL.md").write_text(text)
    cli = cli_for(serve())
    assert cli("credits", env={"FRAMELOOM_SKILL_DIR": str(installed)}).returncode == 0
    fields = [getattr(r, "fields", {}) for r in caplog.records if r.name == "frameloom.access"]
    balance = next(f for f in fields if f.get("route") == "/api/credits/balance/simple")
    meta = front_matter(text)
    assert (balance["skill_source"], balance["skill_version"], balance["skill_platform"]) == (
        meta["name"], meta["version"], "claude")


def test_skill_front_matter_and_platforms(tmp_path: Path) -> None:
    meta = front_matter((ROOT / "skills" / "frameloom" / "SKILL.md").read_text())
    assert meta["name"] == "frameloom"
    assert meta["version"] == "0.1.0"
    assert meta["description"]
    assert platform_of(Path("/home/a/.clawhub/skills/frameloom/SKILL.md")) == "clawhub"
    assert platform_of(Path("/p/.cursor/skills/frameloom/SKILL.md")) == "cursor"
    assert platform_of(Path("/home/a/.claude/skills/frameloom/SKILL.md")) == "claude"
    assert platform_of(Path("/home/a/.cursor/frameloom/SKILL.md")) == "unknown"
    assert attribution({}).platform == "unknown"  # the checkout's own copy
    assert attribution({"FRAMELOOM_SKILL_DIR": str(tmp_path)}).source == "frameloom"  # none there: the package's


# --- the local `generate` shows its progress too ------------------------------------------------


def test_generate_shows_plain_progress_for_videos_and_several_images(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from frameloom.cli.main import cli

    video = CliRunner().invoke(cli, ["generate", "a fox", "-o", "f.mp4", "--seconds", "1", "--size", "256x144",
                                     "--seed", "1"])
    assert video.exit_code == 0, video.output
    assert video.stderr.splitlines() == [f"  rendering 1 s {p}%" for p in (25, 50, 75, 100)]
    images = CliRunner().invoke(cli, ["generate", "a fox", "-o", "f.png", "--n", "2", "--size", "256x144",
                                      "--seed", "1"])
    assert images.exit_code == 0, images.output
    assert images.stderr.splitlines() == ["  drawing 2 images 50%", "  drawing 2 images 100%"]
