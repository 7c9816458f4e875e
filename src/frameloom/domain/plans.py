"""Plans: what each kind of account may do (docs/operating.md, "Plans and quotas").

Two plans are built in, ``anonymous`` and ``registered``; the operator may
change their limits and define more with ``FRAMELOOM_PLANS``. Limits left
unset (None) are not limits: a plan is as open as the service unless the
operator says otherwise.

    limit                 unit             refused with
    export                allowed or not   402, reason "export"
    max_long_side         px               402, reason "resolution"
    max_video_s           seconds          402, reason "video_length"
    concurrent_jobs       open paid jobs   429 + Retry-After (it passes when a job ends)
    requests_per_minute   requests         429 + Retry-After
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from frameloom.domain.accounts import Plan
from frameloom.domain.errors import PlanForbids

PLAN_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,15}$")


class PlanSettings(BaseModel):
    """One plan as the operator writes it in ``FRAMELOOM_PLANS``; a field left out keeps the
    built-in plan's value (or, for a new plan, :class:`PlanLimits`' default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signup_credits: int | None = Field(default=None, ge=0)
    export: bool | None = None
    max_long_side: int | None = Field(default=None, ge=64)
    max_video_s: float | None = Field(default=None, gt=0)
    concurrent_jobs: int | None = Field(default=None, ge=1)
    requests_per_minute: int | None = Field(default=None, ge=1)


@dataclass(frozen=True)
class PlanLimits:
    """A plan as the services enforce it. ``signup_credits``: what a new account of the plan
    starts with; ``max_long_side`` px of any picture, video or export; ``max_video_s`` seconds
    of a generated video or an export; None: no limit."""

    name: str
    signup_credits: int = 0
    export: bool = True
    max_long_side: int | None = None
    max_video_s: float | None = None
    concurrent_jobs: int | None = None
    requests_per_minute: int | None = None

    def check_export(self) -> None:
        if not self.export:
            raise PlanForbids(f"the {self.name} plan does not include export; register or upgrade to export",
                              limit="export")

    def check_size(self, width: int, height: int) -> None:
        """``PlanForbids`` when the long side of ``width`` x ``height`` px is over the plan's."""
        if self.max_long_side is not None and max(width, height) > self.max_long_side:
            raise PlanForbids(
                f"{width}x{height} is over the {self.name} plan's {self.max_long_side} px long side; "
                "ask for a smaller size or upgrade", limit="resolution", allowed=self.max_long_side)

    def check_length(self, seconds: float) -> None:
        """``PlanForbids`` when a video or export of ``seconds`` is longer than the plan allows."""
        if self.max_video_s is not None and seconds > self.max_video_s + 1e-9:
            raise PlanForbids(
                f"{seconds:g} s is over the {self.name} plan's {self.max_video_s:g} s of video; "
                "make it shorter or upgrade", limit="video_length", allowed=self.max_video_s)


def read_plans(value: object) -> object:
    """``FRAMELOOM_PLANS`` as given: JSON text (an object of plans), or the path of a ``.json``
    or ``.toml`` file holding one; anything else is passed on for validation as it is."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return {}
    if text.startswith("{"):
        return json.loads(text)  # a JSONDecodeError is a ValueError: the setting's problem
    path = Path(text).expanduser()
    if not path.is_file():
        raise ValueError(f"{text!r} is neither JSON nor a file")
    if path.suffix == ".toml":
        return tomllib.loads(path.read_text(encoding="utf-8"))
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    raise ValueError(f"{path.name}: a plans file must be .json or .toml")


def check_plan_names(plans: Mapping[str, object]) -> None:
    for name in plans:
        if not PLAN_NAME_RE.match(name):
            raise ValueError(f"plan name {name!r}: 1 to 16 of a-z 0-9 _ -, starting with a letter or digit")


def build_plans(defined: Mapping[str, PlanSettings], *, anonymous_credits: int, signup_credits: int,
                free_plan_export: bool) -> dict[str, PlanLimits]:
    """Every plan by name: the built-in two (from the older settings ``anonymous_credits``,
    ``signup_credits`` and ``free_plan_export``) with the operator's changes, then theirs."""
    built_in = {
        Plan.ANONYMOUS.value: PlanLimits(Plan.ANONYMOUS.value, anonymous_credits, free_plan_export),
        Plan.REGISTERED.value: PlanLimits(Plan.REGISTERED.value, signup_credits, True),
    }
    plans = dict(built_in)
    for name, spec in defined.items():
        base = built_in.get(name, PlanLimits(name))
        given = spec.model_dump(exclude_unset=True)
        plans[name] = PlanLimits(**{**base.__dict__, **given})
    return plans
