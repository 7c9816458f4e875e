"""The commands that talk to a frameloom server: ``chat``, ``upload``, ``credits``, ``status``,
``export``, ``login`` and ``register`` (SPEC section 8).

``chat MESSAGE`` routes the message first (:mod:`frameloom.cli.routing`): "导出" exports,
"余额" shows the credits, a file path uploads, anything else is a chat turn shown as short
steps (:class:`TurnView`). Results go to stdout, notices and errors to stderr; a handled
error exits with status 2 and one line that says what to do. No token, no raw JSON.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import click

from frameloom.cli.connection import Connection, RemoteSettings, explain, file_size
from frameloom.cli.display import Bar, Display, describe_call, describe_result
from frameloom.cli.failure import CliFailure
from frameloom.cli.routing import Action, Route, route
from frameloom.client import Client, errors
from frameloom.client.models import MediaInfo, Render, SessionState
from frameloom.domain.events import Event

EXIT_WORDS = frozenset({"exit", "quit", "bye", "退出"})


@contextlib.contextmanager
def connection() -> Iterator[Connection]:
    """A :class:`Connection` from the environment, closed after the command."""
    settings = RemoteSettings.from_env()
    remote = Connection(settings, Display(quiet_s=settings.quiet_s))
    try:
        yield remote
    finally:
        remote.close()


# --- the chat stream --------------------------------------------------------------------------


class TurnView:
    """Shows one turn's events as they come: each tool call as a step, its result as one line,
    ``customMetadata`` stage and progress as a bar, whole texts (not the partial deltas) as said."""

    def __init__(self, display: Display) -> None:
        self.display = display
        self.bar: Bar | None = None
        self.stage: str | None = None
        self.said = False
        self.last: Event | None = None

    def show(self, event: Event) -> None:
        self.last = event
        self.display.touch()
        for call in event.function_calls:
            self._end_bar()
            self.display.step(describe_call(call.name, dict(call.args)))
        self._progress(event.custom_metadata)
        for response in event.function_responses:
            self._end_bar()
            self.display.outcome(describe_result(response.name, dict(response.response)))
        if event.text.strip() and not event.partial:
            self._end_bar()
            self.display.say(event.text.strip())
            self.said = True
        if event.turn_complete:
            self._end_bar()

    def _progress(self, meta: Mapping[str, object] | None) -> None:
        if not meta or event_error(meta):
            return
        stage, fraction = meta.get("stage"), meta.get("progress")
        if not isinstance(stage, str) or not isinstance(fraction, int | float):
            return
        if stage != self.stage:
            self._end_bar()
            self.bar, self.stage = self.display.bar(stage), stage
        if self.bar is not None:
            self.bar.update(float(fraction))

    def _end_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None

    def heartbeat(self) -> None:
        self.display.tick()


def event_error(meta: Mapping[str, object]) -> bool:
    """An error event's data rides in ``customMetadata`` too; it is not progress."""
    return "stage" not in meta


def _turn(client: Client, session_id: str, message: str, view: TurnView) -> None:
    """Follow the turn to its end; a stream that breaks after the turn started is re-attached once."""
    try:
        for event in client.chat(session_id, message, on_heartbeat=view.heartbeat):
            view.show(event)
        return
    except errors.ConnectionFailed:
        if view.last is None:
            raise
    view.display.notice("The connection broke; re-attaching to the turn...")
    for event in client.reattach(view.last.invocation_id, session_id, view.last.id, on_heartbeat=view.heartbeat):
        view.show(event)


def send_chat(remote: Connection, message: str) -> None:
    """One chat turn; when it ends without text, the state's summary is said instead."""
    remote.speak(message)
    view = TurnView(remote.display)

    def follow(client: Client, session_id: str) -> str:
        _turn(client, session_id, message, view)
        return session_id

    session_id = remote.in_session(follow)
    if not view.said:
        state = remote.call(lambda client: client.state(session_id))
        remote.display.say(state.summary)


# --- the actions ------------------------------------------------------------------------------


def show_credits(remote: Connection) -> None:
    balance = remote.call(lambda client: client.balance())
    held = f", {balance.frozen} held for work under way" if balance.frozen else ""
    remote.display.result(f"Credits: {balance.available} available{held}.")


def _media_line(media: MediaInfo) -> str:
    facts = [media.kind, media.format]
    if media.width and media.height:
        facts.append(f"{media.width}x{media.height}")
    if media.duration_ms:
        facts.append(f"{media.duration_ms / 1000:g} s")
    facts.append(file_size(media.bytes))
    return f"{media.filename}: {', '.join(facts)}"


def show_status(remote: Connection) -> None:
    state: SessionState = remote.in_session(lambda client, sid: client.state(sid))
    display = remote.display
    display.result(state.summary)
    if state.media:
        display.say(f"Media ({len(state.media)}):")
        for media in state.media:
            display.say(f"  {_media_line(media)}")
    done = [r for r in state.renders if r.status == "completed"]
    if done:
        display.say(f"Exports: {len(done)} completed; run `frameloom export` for a new file.")


def upload(remote: Connection, files: tuple[Path, ...], urls: tuple[str, ...]) -> list[MediaInfo]:
    """Upload ``files`` and import ``urls`` into the session; one line per media."""
    if not files and not urls:
        raise CliFailure("Name the files to upload: `frameloom upload FILE|URL ...`.")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise CliFailure(f"No such file: {', '.join(missing)}")
    found: list[MediaInfo] = []
    if files:
        remote.display.step(f"Uploading {len(files)} file{'s' if len(files) != 1 else ''}...")
        found += remote.in_session(lambda client, sid: client.upload(sid, list(files)))
    if urls:
        remote.display.step(f"Importing {len(urls)} link{'s' if len(urls) != 1 else ''}...")
        found += remote.in_session(lambda client, sid: client.import_urls(sid, list(urls)))
    for media in found:
        remote.display.result(f"Uploaded {_media_line(media)}")
    return found


def _render_progress(bar: Bar) -> Callable[[Render], None]:
    return lambda render: bar.update(render.progress)


def export(remote: Connection, fmt: str, output: Path | None, webhook_url: str | None = None) -> Path:
    """Queue an export of the session, follow it with a bar, download it; the path written.
    ``webhook_url`` is also told (signed) when the export ends."""
    remote.display.step(f"Exporting {fmt}...")
    queued = remote.in_session(lambda client, sid: client.export(sid, fmt, webhook_url=webhook_url))
    bar = remote.display.bar(f"exporting {fmt}")
    try:
        done = remote.call(lambda client: client.wait_for_render(queued.render_id, _render_progress(bar),
                                                                 poll_s=0.5))
    finally:
        bar.close()
    if done.status != "completed" or done.url is None:
        raise CliFailure(f"The export {done.status}: {done.error or 'no file was made'}")
    target = output if output is not None else Path(f"{done.render_id}.{done.format or fmt}")
    if target.parent != Path() and not target.parent.is_dir():
        raise CliFailure(f"No such folder: {target.parent}")
    download = remote.display.bar("downloading", done.bytes, bytes_=True)
    try:
        remote.call(lambda client: client.download(done.url or "", target,
                                                   lambda got, total: download.update(got, total)))
    finally:
        download.close()
    facts = [f"{done.width}x{done.height}" if done.width and done.height else None,
             f"{done.duration_ms / 1000:g} s" if done.duration_ms else None, file_size(target.stat().st_size)]
    remote.display.result(f"{target}  " + "  ".join(f for f in facts if f))
    return target


def act(remote: Connection, message: str) -> None:
    """Do what ``message`` asks (:func:`frameloom.cli.routing.route`)."""
    found: Route = route(message)
    if found.action is Action.EXPORT:
        export(remote, found.format or "mp4", None)
    elif found.action is Action.CREDITS:
        show_credits(remote)
    elif found.action is Action.STATUS:
        show_status(remote)
    elif found.action is Action.UPLOAD:
        upload(remote, found.files, found.urls)
        if found.rest:
            send_chat(remote, found.rest)
    else:
        send_chat(remote, found.message)


def interactive(remote: Connection) -> None:
    """Read messages until EOF or ``exit``, with history (readline) kept in the config folder.
    A failure is shown and the session goes on."""
    history = remote.settings.folder / "history"
    saved = _load_history(history)
    remote.display.notice("frameloom chat: type a message, `exit` to leave.")
    try:
        while True:
            try:
                message = input("> ").strip()
            except EOFError:
                click.echo("", err=True)
                return
            if message.lower() in EXIT_WORDS:
                return
            if not message:
                continue
            try:
                act(remote, message)
            except CliFailure as failure:
                failure.show()
    finally:
        if saved is not None:
            with contextlib.suppress(OSError):
                remote.settings.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                saved(str(history))


def _load_history(history: Path) -> Callable[[str], None] | None:
    """Line editing and history for ``input()``: the history read from ``history``; the function that
    writes it back (None without readline, which not every platform has)."""
    try:
        import readline
    except ImportError:
        return None
    with contextlib.suppress(OSError):
        if history.exists():
            readline.read_history_file(str(history))
    readline.set_history_length(1000)
    return readline.write_history_file


# --- the click commands -----------------------------------------------------------------------


@click.command()
@click.argument("message", required=False)
def chat(message: str | None) -> None:
    """Talk to the agent on FRAMELOOM_URL: one MESSAGE, or a session until EOF or `exit`.

    Some messages act at once: "export" / "导出" / "download" / "send me the video" export and
    download; "credits" / "积分" / "balance" / "余额" show the credits; "status" / "状态" /
    "show tracks" show the timeline; a file path (or "upload URL") uploads.
    """
    with connection() as remote:
        if message is not None and message.strip():
            act(remote, message)
        else:
            interactive(remote)


@click.command("upload")
@click.argument("items", nargs=-1, required=True, metavar="FILE|URL...")
def upload_command(items: tuple[str, ...]) -> None:
    """Add files (or http(s) links) to the session."""
    urls = tuple(item for item in items if item.lower().startswith(("http://", "https://")))
    files = tuple(Path(item).expanduser() for item in items if item not in urls)
    with connection() as remote:
        upload(remote, files, urls)


@click.command("credits")
def credits_command() -> None:
    """Show the account's credits."""
    with connection() as remote:
        show_credits(remote)


@click.command()
def status() -> None:
    """Show the session's timeline, media and exports."""
    with connection() as remote:
        show_status(remote)


@click.command("export")
@click.option("--format", "fmt", default="mp4", show_default=True,
              help="mp4, mov, webm, mkv, avi, gif, webp; jpg or png (a frame); mp3, wav, m4a, aac (the sound)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="file to write (default RENDER_ID.FORMAT here)")
@click.option("--webhook", "webhook_url", default=None, metavar="URL",
              help="also POST the export's result there, signed, when it ends (docs/operating.md)")
def export_command(fmt: str, output: Path | None, webhook_url: str | None) -> None:
    """Export the session's timeline and download the file."""
    with connection() as remote:
        export(remote, fmt.lower().lstrip("."), output, webhook_url)


def _sign_in(email: str, password: str, *, new_account: bool) -> None:
    """Register (binding the anonymous account in use, which keeps its credits) or log in; the token is
    kept for this server."""
    with connection() as remote:
        current = remote.store.token(remote.environ)
        bind_id = current.bind_id if new_account and current is not None else None
        try:
            if new_account:
                info = remote.client.register(email, password, bind_id)
            else:
                info = remote.client.login(email, password)
        except errors.ClientError as exc:
            raise explain(exc, remote.settings.url) from None
        remote.store.save_token(info.token, "login")
        verb = "Registered" if new_account else "Logged in"
        remote.display.result(f"{verb} as {email}; {info.credits} credits.")
        if current is not None and current.from_env:
            remote.display.notice(f"Note: {current.source} is set, and is used before the kept login.")


def _ask(label: str, *, secret: bool = False, confirm: bool = False) -> str:
    """Prompt for ``label`` (hidden when ``secret``) on a terminal; otherwise read one line of stdin, so
    an agent or a script can pipe the answers in (and no "may be echoed" warning is printed)."""
    if sys.stdin.isatty():
        answer: str = click.prompt(label, hide_input=secret, confirmation_prompt=confirm)
        return answer
    line = sys.stdin.readline()
    if confirm:
        again = sys.stdin.readline()
        if again.rstrip("\n") != line.rstrip("\n"):
            raise CliFailure(f"{label}: the two entries differ")
    if not line:
        raise CliFailure(f"{label}: nothing on stdin")
    return line.rstrip("\n")


@click.command()
@click.option("--email", default=None, help="the account's email (prompted when not given)")
def login(email: str | None) -> None:
    """Log in to a registered account (the password is prompted, hidden); the token is kept for FRAMELOOM_URL."""
    _sign_in(email or _ask("Email"), _ask("Password", secret=True), new_account=False)


@click.command()
@click.option("--email", default=None, help="the account's email (prompted when not given)")
def register(email: str | None) -> None:
    """Register (the password is prompted, hidden); the anonymous account in use becomes it, its
    credits and sessions kept."""
    _sign_in(email or _ask("Email"), _ask("Password", secret=True, confirm=True), new_account=True)


COMMANDS = (chat, upload_command, credits_command, status, export_command, login, register)
