"""Painters draw plan elements onto the canvas; importing this package registers them all."""

from frameloom.engines.compose.painters import atmosphere, city, foreground, land, scenery, sky, water
from frameloom.engines.compose.painters.context import PAINTERS, Ctx, draw_element

__all__ = ["PAINTERS", "Ctx", "atmosphere", "city", "draw_element", "foreground", "land", "scenery", "sky", "water"]
