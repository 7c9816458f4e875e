"""What the ``diffusers`` engine needs to know, read once from :class:`~frameloom.settings.Settings`."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frameloom.domain.errors import EngineUnavailable
from frameloom.engines.diffusers.families import FAMILIES

if TYPE_CHECKING:
    from frameloom.settings import Settings

INSTALL_HINT = "pip install 'frameloom[diffusers]'"
REQUIRED = ("torch", "diffusers", "transformers", "accelerate")


@dataclass(frozen=True)
class DiffusersConfig:
    """``model`` is a hub id or a local folder (``save_pretrained`` layout).

    ``family`` names a :data:`~.families.FAMILIES` entry (None: detected);
    ``steps``/``guidance`` override the family's; ``device`` is auto, cpu, cuda,
    cuda:N or mps; ``tiny_vae`` an AutoencoderTiny id or folder used to decode;
    ``video_model`` a text-to-video pipeline; ``allow_downloads`` lets hub ids be
    fetched (else only local files and the hub cache are read).
    """

    model: str
    family: str | None = None
    steps: int | None = None
    guidance: float | None = None
    device: str = "auto"
    tiny_vae: str | None = None
    video_model: str | None = None
    allow_downloads: bool = False

    def __post_init__(self) -> None:
        if self.family is not None and self.family not in FAMILIES:
            raise EngineUnavailable(
                f"FRAMELOOM_DIFFUSERS_FAMILY={self.family!r} is not a known family; use one of {', '.join(FAMILIES)}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> DiffusersConfig:
        """Raises :class:`EngineUnavailable` when the extra is missing or no model is set."""
        check_installed()
        if not settings.diffusers_model:
            raise EngineUnavailable(
                "the diffusers engine has no model: set FRAMELOOM_DIFFUSERS_MODEL to a local folder "
                "or a model id (see docs/ENGINES.md)"
            )
        return cls(
            model=settings.diffusers_model,
            family=settings.diffusers_family,
            steps=settings.diffusers_steps,
            guidance=settings.diffusers_guidance,
            device=settings.diffusers_device,
            tiny_vae=settings.diffusers_tiny_vae,
            video_model=settings.diffusers_video_model,
            allow_downloads=settings.allow_downloads,
        )


def check_installed() -> None:
    """Raise :class:`EngineUnavailable` with the install hint when a package of the extra is missing.

    Looks the packages up without importing them: torch takes seconds to import.
    """
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        raise EngineUnavailable(f"the diffusers engine needs {', '.join(missing)}: {INSTALL_HINT}")
