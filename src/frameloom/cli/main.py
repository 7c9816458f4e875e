"""The ``frameloom`` command: local generation with no server, and running the service.

Every :class:`~frameloom.domain.errors.FrameloomError` becomes one line on
stderr (``error: prompt: must not be empty``) and exit status 2; an unexpected
exception becomes one line and exit status 1. No traceback is ever printed.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from frameloom import __version__
from frameloom.cli.display import progress_bar
from frameloom.domain.errors import FrameloomError, InvalidRequest
from frameloom.domain.images import ImageRequest, random_seed
from frameloom.domain.sizes import ASPECTS, resolve_size
from frameloom.domain.video import DEFAULT_SECONDS, DEFAULT_TITLE_SECONDS, MUSIC_STYLES, VideoRequest
from frameloom.memory import keep_memory_flat, reuse_freed_memory
from frameloom.settings import Settings, load_settings

if TYPE_CHECKING:
    from frameloom.engines.compose import ComposeEngine

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
VIDEO_SUFFIXES = (".mp4", ".gif", ".mov", ".webm", ".mkv", ".avi")


# commands whose modules load the HTTP client: imported when named or listed, so that local
# commands (generate, video) start without it (a quarter of a second)
LAZY_COMMANDS = {"admin": "frameloom.cli.admin:admin", "chat": "frameloom.cli.remote:chat",
                 "upload": "frameloom.cli.remote:upload_command", "credits": "frameloom.cli.remote:credits_command",
                 "status": "frameloom.cli.remote:status", "export": "frameloom.cli.remote:export_command",
                 "login": "frameloom.cli.remote:login", "register": "frameloom.cli.remote:register"}


class _Cli(click.Group):
    """A group that turns errors into one line on stderr and an exit status,
    and loads ``LAZY_COMMANDS`` on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, name = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FrameloomError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: internal error ({type(exc).__name__}): {exc}", err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


_aspect_help = f"aspect preset: {', '.join(ASPECTS)} (default 16:9)"


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frameloom")
@click.option("--debug", is_flag=True, hidden=True, help="show tracebacks of internal errors")
def cli(debug: bool) -> None:
    """frameloom: a self-hosted image and video generation studio."""


@cli.command()
@click.argument("prompt")
@click.option(
    "-o", "--output", default=None,
    help="file to write: .png, .jpg, .webp, or a video: .mp4, .gif, .mov, .webm, .mkv, .avi "
    "(default frameloom-SEED.png, or .mp4 with --seconds)",
)
@click.option("--aspect", default=None, help=_aspect_help)
@click.option("--size", default=None, metavar="WxH", help="explicit size in px, e.g. 1280x720")
@click.option("--n", "n", default=1, show_default=True, type=int, help="number of variations (1 to 4)")
@click.option("--seed", default=None, type=int, help="seed (0 to 2**32-1); random when omitted")
@click.option("--style", default=None, help="style name, e.g. watercolor")
@click.option("--engine", "engine_name", default=None, help="engine name (default: FRAMELOOM_ENGINE or compose)")
@click.option("--seconds", default=None, type=float, help=f"video length in seconds (default {DEFAULT_SECONDS:g})")
@click.option("--music", default=None, help=f"built-in background music: {', '.join(MUSIC_STYLES)}")
@click.option("--title", default=None, help="a title over the video's start (any script, at most 200 characters)")
@click.option("--title-seconds", default=None, type=float,
              help=f"seconds the title shows from the start (default {DEFAULT_TITLE_SECONDS:g})")
def generate(
    prompt: str,
    output: str | None,
    aspect: str | None,
    size: str | None,
    n: int,
    seed: int | None,
    style: str | None,
    engine_name: str | None,
    seconds: float | None,
    music: str | None,
    title: str | None,
    title_seconds: float | None,
) -> None:
    """Generate images or a video for PROMPT locally (no server) and write them to OUTPUT.

    With --n above 1 the files are numbered: out-1.png, out-2.png, ...
    A video output (.mp4, .gif, ...) makes a video of --seconds with --music and --title,
    drawn by the compose engine.
    Prints one line per file written.
    """
    from frameloom.engines import default_registry
    from frameloom.engines.base import Hooks
    from frameloom.render import check_writable, format_for_path, image_metadata, save_image

    chosen_seed = seed if seed is not None else random_seed()
    default = f"frameloom-{chosen_seed}.mp4" if seconds is not None else f"frameloom-{chosen_seed}.png"
    target = Path(output) if output is not None else Path(default)
    if target.suffix.lower() in VIDEO_SUFFIXES:
        video = VideoOptions(seconds, music, title, title_seconds, engine_name)
        _video(prompt, target, aspect, size, n, chosen_seed, style, video)
        if seed is None:
            _announce_random(chosen_seed)
        return
    video_only = {"seconds": seconds, "music": music, "title": title, "title_seconds": title_seconds}
    for field, value in video_only.items():
        if value is not None:
            raise InvalidRequest.of(field, f"needs a video output ({', '.join(VIDEO_SUFFIXES)}), "
                                           f"not {target.suffix or 'no extension'}")
    format_for_path(target)
    settings = load_settings()
    dims = resolve_size(aspect, size)
    request = ImageRequest(
        prompt=prompt, width=dims.width, height=dims.height, seed=chosen_seed, n=n, style=style
    )
    _check_policy(settings, [("prompt", prompt)])
    paths = [check_writable(path) for path in _output_paths(target, n)]  # fail before drawing
    engine = default_registry(settings).get(engine_name)
    if n > 1:  # several images take a while: a bar with the time left (stderr)
        bar = progress_bar(sys.stderr, f"drawing {n} images")
        try:
            results = engine.generate(request, Hooks(progress=bar.update))
        finally:
            bar.close()
    else:
        results = engine.generate(request)
    if seed is None:
        _announce_random(chosen_seed)
    missing = (results[0].info.get("not_drawn") or results[0].info.get("unknown")) if results else None
    if missing:
        click.echo(f"note: not drawn: {missing}", err=True)
    for path, result in zip(paths, results, strict=True):
        meta = image_metadata(
            prompt, result.seed, result.engine, result.image.width, result.image.height, style=style
        )
        save_image(result.image, path, meta)
        click.echo(f"{path}  {result.image.width}x{result.image.height}  seed {result.seed}")


@cli.command()
@click.argument("prompt")
@click.option("--aspect", default=None, help=_aspect_help)
@click.option("--size", default=None, metavar="WxH", help="explicit size in px, e.g. 1280x720")
@click.option("--seed", default=None, type=int, help="seed (0 to 2**32-1); random when omitted")
@click.option("--style", default=None, help="style name, e.g. watercolor")
def plan(prompt: str, aspect: str | None, size: str | None, seed: int | None, style: str | None) -> None:
    """Print the scene plan the compose engine would draw for PROMPT, as JSON."""
    dims = resolve_size(aspect, size)
    chosen_seed = seed if seed is not None else random_seed()
    engine = _compose_engine()
    result = engine.plan(prompt, width=dims.width, height=dims.height, seed=chosen_seed, style=style)
    if seed is None:
        _announce_random(chosen_seed)
    missing = [f["word"] for f in result["report"] if f["fate"] == "not_drawn"]
    if missing:
        click.echo(f"note: not drawn: {', '.join(dict.fromkeys(missing))}", err=True)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@cli.command()
@click.option("--host", default=None, help="address to bind (default: FRAMELOOM_HOST or 127.0.0.1)")
@click.option("--port", default=None, type=int, help="port (default: FRAMELOOM_PORT or 8000)")
def serve(host: str | None, port: int | None) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from frameloom.api.app import create_app
    from frameloom.api.observability import configure_logging
    from frameloom.api.transport import NoDelayH11Protocol

    overrides: dict[str, Any] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = load_settings(**overrides)
    keep_memory_flat(settings.malloc_arenas, settings.malloc_trim_s)
    app = create_app(settings)
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                http=NoDelayH11Protocol)


@cli.command()
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="jobs run at once (default: FRAMELOOM_WORKERS, at least 1)")
@click.option("--kinds", default=None,
              help="job kinds or classes to take, e.g. gpu, cpu, export (default: FRAMELOOM_WORKER_KINDS or all)")
@click.option("--metrics-port", default=None, type=click.IntRange(1, 65535),
              help="serve this worker's job metrics for Prometheus on this port (default: none)")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="address the metrics port binds")
def worker(threads: int | None, kinds: str | None, metrics_port: int | None, metrics_host: str) -> None:
    """Run queued jobs (exports, generations, chat turns) until SIGINT or SIGTERM; several may run at once.

    Only the kinds of --kinds (FRAMELOOM_WORKER_KINDS) are taken: their queues are read and no
    other job is claimed.
    """
    import signal
    import threading

    from frameloom.api.observability import configure_logging
    from frameloom.services.container import build_services

    settings = load_settings(**({"worker_kinds": kinds} if kinds is not None else {}))
    configure_logging(settings.log_level, settings.log_format)
    keep_memory_flat(settings.malloc_arenas, settings.malloc_trim_s)
    services = build_services(settings)
    jobs = services.jobs
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host, registry=jobs.metrics.registry)
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    jobs.host.start(threads or max(1, settings.workers), settings.job_kinds)
    click.echo(f"worker {jobs.runner.name} ready for {', '.join(sorted(settings.job_kinds))}", err=True)
    done.wait()
    jobs.host.stop()
    services.close()


def _compose_engine() -> ComposeEngine:
    from frameloom.engines.compose import ComposeEngine

    return ComposeEngine()


@dataclass(frozen=True)
class VideoOptions:
    """The ``generate`` options that only a video output takes (None: not given)."""

    seconds: float | None
    music: str | None
    title: str | None
    title_seconds: float | None
    engine: str | None


def _check_policy(settings: Settings, texts: list[tuple[str, str]]) -> None:
    """The operator's content policy holds here too (``ContentRefused`` prints its reason, exit 2)."""
    from frameloom.services.policy import Checked, PolicyService

    PolicyService.from_settings(settings).check_all([Checked(field, text) for field, text in texts])


def _video(prompt: str, target: Path, aspect: str | None, size: str | None, n: int, seed: int,
           style: str | None, options: VideoOptions) -> None:
    """Text to video through a draft and the compositor; a progress bar with the time left on stderr
    (plain lines at each quarter when stderr is not a terminal).

    Raises ``InvalidRequest`` (``n``, and every field :class:`VideoRequest` checks, ``engine`` included).
    """
    from frameloom.engines import default_registry
    from frameloom.render import check_writable
    from frameloom.video.text_to_video import text_to_video

    if n != 1:
        raise InvalidRequest.of("n", f"{n}: a video output takes one variation")
    dims = resolve_size(aspect, size)
    seconds = options.seconds if options.seconds is not None else DEFAULT_SECONDS
    title_seconds = options.title_seconds if options.title_seconds is not None else DEFAULT_TITLE_SECONDS
    request = VideoRequest(prompt=prompt, seconds=seconds, width=dims.width, height=dims.height, seed=seed,
                           style=style, music=options.music, title=options.title, title_seconds=title_seconds,
                           engine=options.engine)
    settings = load_settings()
    _check_policy(settings, [("prompt", prompt), ("title", options.title or "")])
    check_writable(target)
    # arenas capped as a worker caps them, but no periodic trim: this process renders once and exits, and the
    # pages a trim gives back fault in again (a second of system time in a 30 s clip, docs/VIDEO.md); for the
    # same reason large freed blocks are kept for reuse
    keep_memory_flat(settings.malloc_arenas, 0)
    reuse_freed_memory()
    engines = default_registry(settings)  # FRAMELOOM_ENGINE: another engine draws the shots
    bar = progress_bar(sys.stderr, f"rendering {seconds:g} s")
    try:
        result = text_to_video(request, target, target.suffix.lower().lstrip("."), progress=bar.update,
                               engines=engines)
    finally:
        bar.close()
    click.echo(f"{target}  {result.width}x{result.height}  {result.duration_ms / 1000:g} s  {result.fps} fps  "
               f"seed {seed}")


def _announce_random(seed: int) -> None:
    """Say which random seed was used (on stderr) so the result can be reproduced."""
    click.echo(f"seed {seed} (random; pass --seed {seed} to repeat)", err=True)


def _output_paths(target: Path, n: int) -> list[Path]:
    """``target`` itself for one image; ``out-1.png``, ``out-2.png`` ... for several."""
    if n == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{i}{target.suffix}") for i in range(1, n + 1)]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="frameloom")

