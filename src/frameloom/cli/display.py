"""What the CLI shows: short human lines, progress bars, never a token or raw JSON.

On a terminal, rich draws colour and live bars; otherwise (a pipe, a file, an agent reading
the output) every line is plain text and a bar becomes a line at each quarter
(``  rendering 50%``). Results and the conversation go to stdout; notices ("Setting things
up..."), plain progress lines and errors to stderr.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

PLAIN_STEPS = (0.25, 0.5, 0.75, 1.0)
STILL_WORKING = "Still working..."


class Bar(Protocol):
    """A progress bar: ``update(done)`` with ``done`` in the bar's unit (0..1, or bytes), then ``close()``."""

    def update(self, done: float, total: float | None = None) -> None: ...

    def close(self) -> None: ...


class RichBar:
    """A live rich bar (terminal only): a label, the bar, percent and the time left."""

    def __init__(self, console: Console, label: str, total: float | None, *, bytes_: bool = False) -> None:
        columns: list[ProgressColumn] = [TextColumn("  {task.description}"), BarColumn(bar_width=30),
                                         DownloadColumn() if bytes_ else TaskProgressColumn(),
                                         TimeRemainingColumn()]
        self.progress = Progress(*columns, console=console, transient=False)
        self.task = self.progress.add_task(label, total=total)
        self.progress.start()

    def update(self, done: float, total: float | None = None) -> None:
        if total is not None:
            self.progress.update(self.task, total=total)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        self.progress.stop()


class PlainBar:
    """Progress as plain lines on ``out``: ``  label 25%``, ``50%``, ... each quarter once."""

    def __init__(self, out: TextIO, label: str, total: float | None) -> None:
        self.out, self.label, self.total = out, label, total
        self.shown = 0.0

    def update(self, done: float, total: float | None = None) -> None:
        if total is not None:
            self.total = total
        if not self.total:
            return
        fraction = min(1.0, done / self.total)
        reached = [step for step in PLAIN_STEPS if self.shown < step <= fraction]
        if reached:
            self.shown = reached[-1]
            print(f"  {self.label} {round(reached[-1] * 100)}%", file=self.out, flush=True)

    def close(self) -> None:
        pass


def progress_bar(stream: TextIO, label: str, total: float | None = 1.0, *, bytes_: bool = False) -> Bar:
    """A bar on ``stream``: live when it is a terminal, plain lines otherwise."""
    if stream.isatty():
        return RichBar(Console(file=stream, highlight=False), label, total, bytes_=bytes_)
    return PlainBar(stream, label, total)


# --- what a screen-speaking text means at a terminal -----------------------------------------

_CMD_EXPORT = "run `frameloom export`"
_CMD_STATUS = "run `frameloom status`"
_CMD_UPLOAD = "run `frameloom upload FILE`"
SCREEN_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in (
        (r"(?:click|press|tap|hit)(?: on)?(?: the)? [\"'“]?(?:export|download)[\"'”]?(?: button)?", _CMD_EXPORT),
        (r"(?:click|press|tap|hit)(?: on)?(?: the)? [\"'“]?upload[\"'”]?(?: button)?", _CMD_UPLOAD),
        (r"drag(?: and drop)? (?:your|the|a) (?:files?|photos?|images?|videos?)"
         r"(?: here| (?:in|into|onto) the (?:[\w-]+ )?(?:area|window|page|timeline|box))?",
         _CMD_UPLOAD),
        (r"drag(?:ging)? (?:the|a|your) clips?\b(?: (?:to|on|along|across)\b[^.!?\n]*)?",
         'ask for the move, e.g. `frameloom chat "move the clip to 3s"`'),
        (r"open(?:ing)? the (?:[\w-]+ )?(?:panel|sidebar|inspector)", _CMD_STATUS),
        (r"preview (?:it |them |the video )?(?:in|on) the (?:timeline|player|preview(?: window)?)",
         "run `frameloom status` (the tracks) or `frameloom export` (the file)"),
        (r"点击[“\"]?(?:导出|下载)[”\"]?(?:按钮)?", "运行 `frameloom export`"),
        (r"点击[“\"]?上传[”\"]?(?:按钮)?", "运行 `frameloom upload 文件`"),
        (r"拖(?:动|拽)(?:文件|视频|图片|照片)", "运行 `frameloom upload 文件`"),
        (r"拖(?:动|拽)(?:这个)?片段", '用 `frameloom chat "把片段移到 3 秒"`'),
        (r"打开(?:\S{0,4})?面板", "运行 `frameloom status`"),
        (r"在时间线(?:上|中|里)预览", "运行 `frameloom status` 或 `frameloom export`"),
    )
)


def for_cli(text: str) -> str:
    """``text`` with each phrase about a screen ("click Export", "open the panel", "drag the clip",
    "preview in the timeline", and the Chinese ones) replaced by the CLI's way to do it."""

    def swap(replacement: str) -> Callable[[re.Match[str]], str]:
        def apply(match: re.Match[str]) -> str:
            found = match.group(0)
            return replacement[:1].upper() + replacement[1:] if found[:1].isupper() else replacement
        return apply

    for pattern, replacement in SCREEN_PHRASES:
        text = pattern.sub(swap(replacement), text)
    return text


# --- the chat's tool calls and results as short human steps -----------------------------------


def _arg(args: dict[str, object], name: str) -> str | None:
    value = args.get(name)
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())[:60]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return None


def describe_call(name: str, args: dict[str, object]) -> str:
    """One line for a tool call: "Generating 2 images...", "Adding the title...". Never the raw args."""
    n = args.get("n")
    count = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1
    seconds = _arg(args, "seconds")
    target = _arg(args, "target")
    steps: dict[str, str] = {
        "generate_image": f"Generating {count} image{'s' if count != 1 else ''}...",
        "generate_video": f"Generating a {seconds} s video..." if seconds else "Generating a video...",
        "vary": "Trying another variation...",
        "add_title": "Adding the title...",
        "set_title": "Changing the title...",
        "add_music": "Adding background music...",
        "set_volume": "Setting the volume...",
        "set_aspect": f"Changing the aspect ratio to {_arg(args, 'aspect') or 'the new one'}...",
        "set_duration": "Changing the length...",
        "remove": f"Removing {target}..." if target else "Removing it...",
        "move": f"Moving {target}..." if target else "Moving it...",
        "trim": f"Trimming {target}..." if target else "Trimming...",
        "use_upload": "Placing your upload on the timeline...",
        "for_each_upload": "Working through each upload...",
        "export": f"Exporting {_arg(args, 'format') or 'mp4'}...",
        "undo": "Undoing the last change...",
        "redo": "Redoing...",
        "show_status": "Reading the timeline...",
        "help": "Looking up what I can do...",
    }
    return steps.get(name, f"Working: {name.replace('_', ' ')}...")


def describe_result(name: str, response: dict[str, object]) -> str:
    """One line for a tool result: the error, the change's label, or "done"."""
    error = response.get("error")
    if isinstance(error, str) and error:
        return f"could not: {' '.join(error.split())[:200]}"
    label = response.get("label")
    if isinstance(label, str) and label:
        return f"done: {label}"
    return "done"


# --- the display ------------------------------------------------------------------------------


class Display:
    """Where a remote command writes. ``quiet_s``: seconds of silence before "Still working..."."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, *, quiet_s: float = 120.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.fancy = self.out.isatty()
        self.console = Console(file=self.out, highlight=False, soft_wrap=True) if self.fancy else None
        self.quiet_s, self.clock = quiet_s, clock
        self.last = clock()

    def _line(self, text: str, style: str | None = None, *, err: bool = False) -> None:
        self.last = self.clock()
        if self.console is not None and not err:
            self.console.print(text, style=style, markup=False, highlight=False)
        else:
            print(text, file=self.err if err else self.out, flush=True)

    def notice(self, text: str) -> None:
        """A note about the connection (stderr)."""
        self._line(text, err=True)

    def say(self, text: str) -> None:
        """The agent's words, screen phrases turned into CLI actions."""
        self._line(for_cli(text))

    def result(self, text: str) -> None:
        """A command's result line (a path, a balance, a summary)."""
        self._line(text, "bold" if self.fancy else None)

    def step(self, text: str) -> None:
        self._line(f"• {text}" if self.fancy else f"- {text}", "cyan")

    def outcome(self, text: str) -> None:
        failed = text.startswith("could not")
        self._line(f"  {text}", "yellow" if failed else "green")

    def bar(self, label: str, total: float | None = 1.0, *, bytes_: bool = False) -> Bar:
        """A progress bar: live on the terminal (stdout), else plain lines on stderr."""
        self.last = self.clock()
        if self.console is not None:
            return RichBar(self.console, label, total, bytes_=bytes_)
        return PlainBar(self.err, label, total)

    def touch(self) -> None:
        """Something visible changed (a bar moved): not silence."""
        self.last = self.clock()

    def tick(self) -> None:
        """Called while waiting (a heartbeat): "Still working..." once per ``quiet_s`` of silence."""
        if self.clock() - self.last >= self.quiet_s:
            self._line(STILL_WORKING, "dim")
