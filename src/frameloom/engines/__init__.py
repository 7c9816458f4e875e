"""Image engines behind one seam: :class:`Engine`, looked up by name in a registry."""

from frameloom.engines.base import NO_HOOKS, Capabilities, Engine, GeneratedImage, Hooks
from frameloom.engines.registry import EngineRegistry, default_registry

__all__ = ["NO_HOOKS", "Capabilities", "Engine", "EngineRegistry", "GeneratedImage", "Hooks", "default_registry"]
