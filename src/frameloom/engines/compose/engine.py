"""ComposeEngine: the built-in offline engine. Parse, plan, render: no model, no download."""

from __future__ import annotations

from frameloom.domain.images import STYLES, ImageRequest
from frameloom.engines.base import NO_HOOKS, Capabilities, Engine, GeneratedImage, Hooks
from frameloom.engines.compose.parse import parse_prompt
from frameloom.engines.compose.plan import PlanJSON, ScenePlan, make_plan, plan_to_dict
from frameloom.engines.compose.render import render_plan
from frameloom.engines.compose.report import not_drawn
from frameloom.engines.compose.vocabulary import COLOURS
from frameloom.engines.prompt_styles import style_key

DEFAULT_STYLE = "illustration"


def normalise_style(style: str | None) -> str | None:
    """A canonical style name, ``None`` when not given; raises UnknownStyle."""
    return None if style is None else style_key(style, STYLES)


class ComposeEngine(Engine):
    """Deterministic: the same prompt, size, seed and style give the same pixels."""

    name = "compose"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(styles=STYLES, offline=True, gpu=False, text_to_image=True, image_to_image=False)

    def scene(self, request: ImageRequest, seed: int) -> ScenePlan:
        """The :class:`~.plan.ScenePlan` for one result of ``request``."""
        return self._plan(request, request.width, request.height, seed)

    def scene_at(self, request: ImageRequest, width: int, height: int) -> ScenePlan:
        """The plan of ``request`` (its first seed) laid out at another size: the
        same scene, as video paints it larger than the frame to move in it.
        Any even size is allowed here; it is not an output size."""
        return self._plan(request, width, height, request.seed)

    def _plan(self, request: ImageRequest, width: int, height: int, seed: int) -> ScenePlan:
        style = normalise_style(request.style)
        facts = parse_prompt(request.prompt)
        colours = tuple(COLOURS[c] for c in facts.colours if c in COLOURS)
        return make_plan(facts, width, height, seed, style or facts.style or DEFAULT_STYLE, colours)

    def plan(self, prompt: str, width: int = 1920, height: int = 1080, seed: int = 0,
             style: str | None = None) -> PlanJSON:
        """The scene plan for one image, as JSON-ready data."""
        request = ImageRequest(prompt=prompt, width=width, height=height, seed=seed, style=style)
        return plan_to_dict(self.scene(request, seed))

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        normalise_style(request.style)
        out = []
        for seed in request.seeds():
            hooks.check()
            plan = self.scene(request, seed)
            info = {"style": plan.style, "setting": plan.setting, "time_of_day": plan.time_of_day}
            if plan.unknown:
                info["unknown"] = ", ".join(plan.unknown)
            missing = not_drawn(plan.report)
            if missing:
                info["not_drawn"] = ", ".join(missing)
            out.append(GeneratedImage(image=render_plan(plan), seed=seed, engine=self.name, info=info))
            hooks.report(len(out) / request.n)
        return out
