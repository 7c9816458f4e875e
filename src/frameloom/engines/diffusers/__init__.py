"""The ``diffusers`` engine (the ``[diffusers]`` extra). Importing this package loads no torch:
the libraries are imported when a model is first loaded."""

from frameloom.engines.diffusers.config import INSTALL_HINT, DiffusersConfig, check_installed
from frameloom.engines.diffusers.engine import DiffusersEngine
from frameloom.engines.diffusers.families import FAMILIES, Family, detect_family
from frameloom.engines.diffusers.loader import SHARED, LoadedModel, PipelineCache
from frameloom.engines.diffusers.video import DiffusersVideo, ShotRequest, VideoShot

__all__ = [
    "FAMILIES",
    "INSTALL_HINT",
    "SHARED",
    "DiffusersConfig",
    "DiffusersEngine",
    "DiffusersVideo",
    "Family",
    "LoadedModel",
    "PipelineCache",
    "ShotRequest",
    "VideoShot",
    "check_installed",
    "detect_family",
]
