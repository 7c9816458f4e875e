"""Render a scene plan: paint its layers back to front, subjects among them,
then the finish and the style filter. A pure function of the plan."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PIL import Image

from frameloom.engines.compose.canvas import new_layer, surface
from frameloom.engines.compose.finish import finish
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.painters import Ctx, draw_element
from frameloom.engines.compose.painters.subjects import paint_subjects
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.styles import FILTERS

SUBJECT_DEPTH = 0.15


def render_plan(plan: ScenePlan) -> Image.Image:
    """The plan drawn as an RGB image of ``plan.width`` x ``plan.height``."""
    pixels = new_layer(plan.width, plan.height)
    ctx = Ctx(canvas=surface(pixels).getCanvas(), pixels=pixels, plan=plan)
    paint(ctx, plan.layers, with_subjects=True)
    graded = finish(pixels[..., :3], bloom=0.8 if plan.style == "neon" else 0.55)
    styled = FILTERS[plan.style](graded, plan.seed)
    return Image.fromarray(styled, "RGB")


def paint(ctx: Ctx, layers: Sequence[Layer], with_subjects: bool, skip: Collection[str] = ()) -> None:
    """Paint ``layers`` in order onto ``ctx``; subjects go in before the first
    layer at their depth. Element kinds in ``skip`` are left out."""
    subjects_drawn = not with_subjects
    for layer in layers:
        if layer.depth <= SUBJECT_DEPTH and not subjects_drawn:
            paint_subjects(ctx)
            subjects_drawn = True
        for element in layer.elements:
            if element.kind not in skip:
                draw_element(ctx, element)
    if not subjects_drawn:
        paint_subjects(ctx)
