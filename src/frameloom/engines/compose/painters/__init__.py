"""Painters draw plan elements onto the canvas; importing this package registers them all."""

from frameloom.engines.compose.painters import atmosphere, city, foreground, land, sky, water
from frameloom.engines.compose.painters.context import PAINTERS, Ctx

__all__ = ["PAINTERS", "Ctx", "atmosphere", "city", "foreground", "land", "sky", "water"]
