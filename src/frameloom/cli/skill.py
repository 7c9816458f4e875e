"""The skill file's name and version, and where it is installed: the attribution headers.

``X-Skill-Source`` is the ``name`` of the skill file's front matter, ``X-Skill-Version`` its
``version``, and ``X-Skill-Platform`` says which agent installed it, read from its path:

    .../.clawhub/...         clawhub
    .../.cursor/skills/...   cursor
    .../.claude/skills/...   claude
    anywhere else            unknown

The skill file is ``$FRAMELOOM_SKILL_DIR/SKILL.md`` when that is set (an installed copy), else
the checkout's ``skills/frameloom/SKILL.md``; with neither (an installed wheel), the name is
``frameloom``, the version the package's and the platform ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from frameloom import __version__
from frameloom.client import Attribution

SKILL_FILE = "SKILL.md"
REPO_SKILL = Path(__file__).resolve().parents[3] / "skills" / "frameloom" / SKILL_FILE
PLATFORMS = ((".clawhub",), (".cursor", "skills"), (".claude", "skills"))
_PLATFORM_NAMES = {".clawhub": "clawhub", ".cursor": "cursor", ".claude": "claude"}
_FIELD = re.compile(r"^([A-Za-z_][\w-]*):\s*(.*?)\s*$")


def front_matter(text: str) -> dict[str, str]:
    """The top-level ``key: value`` scalars between the leading ``---`` lines (quotes removed);
    empty when the text has no front matter. Nested or block values are skipped."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() == "---":
            return fields
        match = _FIELD.match(line)
        if match and match.group(2) not in ("", ">", "|"):
            fields[match.group(1)] = match.group(2).strip("'\"")
    return {}  # never closed: not front matter


def platform_of(path: Path) -> str:
    """``clawhub``, ``cursor``, ``claude`` or ``unknown``, from the folders ``path`` lies in."""
    parts = path.parts
    for marker in PLATFORMS:
        for i in range(len(parts) - len(marker) + 1):
            if parts[i : i + len(marker)] == marker:
                return _PLATFORM_NAMES[marker[0]]
    return "unknown"


def find_skill(environ: Mapping[str, str]) -> Path | None:
    """The skill file the CLI runs as: ``$FRAMELOOM_SKILL_DIR/SKILL.md``, else the checkout's."""
    explicit = environ.get("FRAMELOOM_SKILL_DIR", "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        path = path if path.name == SKILL_FILE else path / SKILL_FILE
        return path if path.is_file() else None
    return REPO_SKILL if REPO_SKILL.is_file() else None


def attribution(environ: Mapping[str, str]) -> Attribution:
    """The ``X-Skill-*`` values for this run (see the module docstring)."""
    path = find_skill(environ)
    if path is None:
        return Attribution(source="frameloom", version=__version__, platform="unknown")
    fields = front_matter(path.read_text(encoding="utf-8"))
    return Attribution(source=fields.get("name") or "frameloom", version=fields.get("version") or __version__,
                       platform=platform_of(path.absolute()))
