"""The ``openai`` engine: any OpenAI-compatible ``/images/generations`` endpoint, over httpx."""

from frameloom.engines.openai_images.config import OpenAIConfig
from frameloom.engines.openai_images.engine import OpenAIImagesEngine
from frameloom.engines.openai_images.retry import RetryPolicy

__all__ = ["OpenAIConfig", "OpenAIImagesEngine", "RetryPolicy"]
