"""Image engines behind one seam: :class:`Engine`, looked up by name in a registry."""

from frameloom.engines.base import Capabilities, Engine, GeneratedImage
from frameloom.engines.registry import EngineRegistry, default_registry

__all__ = ["Capabilities", "Engine", "EngineRegistry", "GeneratedImage", "default_registry"]
