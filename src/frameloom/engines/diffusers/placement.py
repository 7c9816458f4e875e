"""Where a pipeline runs and in what precision, and how it saves memory when short.

Rules (decided once per loaded model):

- device ``auto``: CUDA when visible, else Apple MPS, else the CPU;
- dtype: float32 on the CPU (half precision is slow or unsupported there);
  the family's half type on a GPU (bfloat16 for FLUX, float16 when the GPU has
  no bfloat16);
- CUDA with less memory than the family needs: model CPU offload (whole
  sub-models move to the GPU when used), attention slicing and VAE tiling;
- MPS: attention slicing (the unified memory is shared with the system);
- CPU: nothing: slicing only slows it down, and memory there is the machine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frameloom.domain.errors import EngineUnavailable
from frameloom.engines.diffusers.families import Family


@dataclass(frozen=True)
class DeviceFacts:
    """What the machine offers; ``cuda_memory_gb`` is the first visible GPU's total."""

    cuda: bool
    mps: bool
    cuda_memory_gb: float = 0.0
    cuda_bf16: bool = False


@dataclass(frozen=True)
class Placement:
    device: str
    dtype: str
    cpu_offload: bool = False
    attention_slicing: bool = False
    vae_tiling: bool = False


def probe(torch: Any) -> DeviceFacts:
    """Read :class:`DeviceFacts` from an imported ``torch``."""
    cuda = bool(torch.cuda.is_available())
    mps_backend = getattr(torch.backends, "mps", None)
    mps = bool(mps_backend is not None and mps_backend.is_available())
    if not cuda:
        return DeviceFacts(cuda=False, mps=mps)
    memory = torch.cuda.get_device_properties(0).total_memory / 2**30
    return DeviceFacts(cuda=True, mps=mps, cuda_memory_gb=memory, cuda_bf16=bool(torch.cuda.is_bf16_supported()))


def decide(requested: str, family: Family, facts: DeviceFacts) -> Placement:
    """The :class:`Placement` for ``requested`` (auto, cpu, cuda, cuda:N, mps).

    Raises :class:`EngineUnavailable` when the requested device is not there.
    """
    kind = requested.split(":")[0]
    if kind == "auto":
        kind = "cuda" if facts.cuda else "mps" if facts.mps else "cpu"
        requested = kind
    if (kind == "cuda" and not facts.cuda) or (kind == "mps" and not facts.mps):
        raise EngineUnavailable(f"FRAMELOOM_DIFFUSERS_DEVICE={requested}: no such device is visible here")
    if kind == "cpu":
        return Placement(device="cpu", dtype="float32")
    dtype = family.gpu_dtype
    if kind == "mps":
        return Placement(device=requested, dtype=dtype, attention_slicing=True)
    if dtype == "bfloat16" and not facts.cuda_bf16:
        dtype = "float16"
    short = facts.cuda_memory_gb < family.vram_gb
    return Placement(device=requested, dtype=dtype, cpu_offload=short, attention_slicing=short, vae_tiling=short)


def apply(pipe: Any, placement: Placement) -> None:
    """Move ``pipe`` to its device, or set up offload and slicing, as ``placement`` says."""
    if placement.cpu_offload:
        gpu_id = int(placement.device.split(":")[1]) if ":" in placement.device else 0
        pipe.enable_model_cpu_offload(gpu_id=gpu_id)
    else:
        pipe.to(placement.device)
    if placement.attention_slicing and hasattr(pipe, "enable_attention_slicing"):
        pipe.enable_attention_slicing()
    if placement.vae_tiling and hasattr(pipe.vae, "enable_tiling"):
        pipe.vae.enable_tiling()
