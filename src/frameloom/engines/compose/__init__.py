"""The built-in offline engine: a prompt becomes a scene plan, the plan a picture."""

from frameloom.engines.compose.engine import ComposeEngine

__all__ = ["ComposeEngine"]
