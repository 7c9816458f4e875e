"""Which action a chat message asks for (SPEC section 8), in English and Chinese.

    "export" / "导出" / "download" / "send me the video"    -> export (a format named in it is kept)
    "credits" / "积分" / "balance" / "余额"                   -> credits
    "status" / "状态" / "show tracks"                         -> status (the session's state)
    a path of an existing file, or "upload" / "上传" with
    http(s) URLs (or alone, as a command)                    -> upload; any other words go on to the chat
    anything else                                            -> the chat stream

A routing word counts only in a short message, a command rather than a request (at most
``MAX_COMMAND_WORDS`` words, or ``MAX_COMMAND_CHARS`` characters of Chinese): "make a video of a
fox reading a book and export it as a gif" is for the agent, which exports too. English words
match whole (case-insensitive); Chinese ones anywhere in the message.
"""

from __future__ import annotations

import enum
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

MAX_COMMAND_WORDS = 6
MAX_COMMAND_CHARS = 12
EXPORT_FORMATS = ("mp4", "mov", "webm", "mkv", "avi", "gif", "webp", "jpg", "png", "mp3", "wav", "m4a", "aac")


class Action(enum.Enum):
    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"
    CHAT = "chat"


ROUTES: tuple[tuple[Action, tuple[str, ...]], ...] = (
    (Action.EXPORT, ("export", "导出", "download", "send me the video")),
    (Action.CREDITS, ("credits", "积分", "balance", "余额")),
    (Action.STATUS, ("status", "状态", "show tracks")),
)
UPLOAD_WORDS = ("upload", "上传")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Route:
    """What to do with a message: ``action``; for an upload the ``files`` and ``urls`` found and the
    ``rest`` of the message for the chat afterwards ('' when nothing is left); for an export the
    ``format`` named (None: the default)."""

    action: Action
    message: str
    files: tuple[Path, ...] = ()
    urls: tuple[str, ...] = ()
    rest: str = ""
    format: str | None = None


def _words(message: str) -> list[str]:
    try:
        return shlex.split(message)
    except ValueError:  # an unclosed quote: split on spaces
        return message.split()


def _is_command(message: str) -> bool:
    """Short enough to be a command: few words, or (Chinese) few characters."""
    if _CJK.search(message):
        return len(re.sub(r"\s", "", message)) <= MAX_COMMAND_CHARS
    return len(message.split()) <= MAX_COMMAND_WORDS


def _says(message: str, phrase: str) -> bool:
    if _CJK.search(phrase):
        return phrase in message
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", message, re.IGNORECASE) is not None


def _existing_file(word: str, cwd: Path) -> Path | None:
    candidate = Path(word).expanduser()
    if not candidate.is_absolute():
        candidate = cwd / candidate
    try:
        return candidate if candidate.is_file() else None
    except OSError:  # a word too long to be a path
        return None


def _upload(message: str, cwd: Path) -> Route | None:
    words = _words(message)
    files = [(w, path) for w in words if (path := _existing_file(w, cwd)) is not None]
    asked = any(_says(message, word) for word in UPLOAD_WORDS)
    urls = [w for w in words if _URL.match(w)] if asked else []
    if not files and not urls and not (asked and _is_command(message)):
        return None
    taken = {w for w, _ in files} | set(urls)
    rest_words = [w for w in words if w not in taken and w.lower() not in UPLOAD_WORDS]
    rest = " ".join(rest_words)
    for word in UPLOAD_WORDS:
        rest = rest.replace(word, " ")
    return Route(Action.UPLOAD, message, files=tuple(p for _, p in files), urls=tuple(urls),
                 rest=" ".join(rest.split()))


def _format(message: str) -> str | None:
    for fmt in EXPORT_FORMATS:
        if _says(message, fmt):
            return fmt
    return None


def route(message: str, cwd: Path | None = None) -> Route:
    """The action ``message`` asks for; file paths are looked up relative to ``cwd`` (default: the
    working folder)."""
    text = " ".join(message.split())
    folder = cwd if cwd is not None else Path.cwd()
    upload = _upload(text, folder)
    if upload is not None:
        return upload
    if _is_command(text):
        for action, phrases in ROUTES:
            if any(_says(text, phrase) for phrase in phrases):
                fmt = _format(text) if action is Action.EXPORT else None
                return Route(action, text, format=fmt)
    return Route(Action.CHAT, text)
