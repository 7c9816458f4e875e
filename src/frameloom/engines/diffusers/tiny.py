"""Tiny real pipelines with seeded random weights, built in seconds and saved like real ones.

For tests, benchmarks and smoke checks on machines with no weights: the
pictures are noise, the code path is the real one.

The classes are the real ones (UNet2DConditionModel, AutoencoderKL, CLIPTextModel,
CLIPTokenizer, a scheduler), only very small: the engine's loading path reads
them back from disk exactly as it reads Stable Diffusion. The tokenizer is made
in memory from a tiny vocabulary, since no tokenizer files can be downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

LETTERS = "abcdefghijklmnopqrstuvwxyz"
WORDS = ("fox", "book", "forest", "sunset", "city", "night", "cat", "red")


def tiny_tokenizer() -> Any:
    """A CLIP BPE tokenizer over letters and a few whole words (ids < 100)."""
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for letter in LETTERS:
        vocab[letter] = len(vocab)
        vocab[letter + "</w>"] = len(vocab)
    merges: list[tuple[str, str]] = []
    for word in WORDS:  # merge each word left to right: f o -> fo, fo x</w> -> fox</w>
        head = word[0]
        for i, letter in enumerate(word[1:], start=1):
            tail = letter + ("</w>" if i == len(word) - 1 else "")
            merges.append((head, tail))
            head += tail
            vocab.setdefault(head, len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=list(dict.fromkeys(merges)), model_max_length=77)


def tiny_components(seed: int = 0, sample_size: int = 32) -> dict[str, Any]:
    """UNet, VAE, text encoder, tokenizer and scheduler of a Stable Diffusion pipeline,
    native size ``2 * sample_size`` px (the VAE scales latents by 2): 64 px by default."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=sample_size, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=4, attention_head_dim=4,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 16), in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=4,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
    )
    text_encoder = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=32, intermediate_size=37,
        num_attention_heads=4, num_hidden_layers=2, vocab_size=100, max_position_embeddings=77,
    ))
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1, timestep_spacing="trailing")
    return {"unet": unet, "vae": vae, "text_encoder": text_encoder, "tokenizer": tiny_tokenizer(),
            "scheduler": scheduler, "safety_checker": None, "feature_extractor": None,
            "requires_safety_checker": False}


def save_tiny_sd(folder: Path, seed: int = 0, sample_size: int = 32) -> Path:
    """A tiny Stable Diffusion pipeline saved to ``folder`` (``save_pretrained`` layout)."""
    from diffusers import StableDiffusionPipeline

    StableDiffusionPipeline(**tiny_components(seed, sample_size)).save_pretrained(folder)
    return folder


def save_tiny_vae_decoder(folder: Path, seed: int = 0) -> Path:
    """A tiny AutoencoderTiny matching :func:`tiny_components` (4 latent channels, factor 2)."""
    import torch
    from diffusers import AutoencoderTiny

    torch.manual_seed(seed)
    AutoencoderTiny(
        in_channels=3, out_channels=3, latent_channels=4,
        encoder_block_out_channels=(8, 8), decoder_block_out_channels=(8, 8),
        num_encoder_blocks=(1, 1), num_decoder_blocks=(1, 1),
    ).save_pretrained(folder)
    return folder


def save_tiny_animatediff(folder: Path, seed: int = 0) -> Path:
    """A tiny AnimateDiff text-to-video pipeline (the image parts above plus a motion adapter)."""
    import torch
    from diffusers import AnimateDiffPipeline, MotionAdapter

    parts = tiny_components(seed)
    for unused in ("safety_checker", "requires_safety_checker"):
        parts.pop(unused)
    torch.manual_seed(seed + 1)
    adapter = MotionAdapter(block_out_channels=(8, 16), motion_layers_per_block=1, motion_norm_num_groups=2,
                            motion_num_attention_heads=2, motion_max_seq_length=32, use_motion_mid_block=False)
    AnimateDiffPipeline(motion_adapter=adapter, **parts).save_pretrained(folder)
    return folder
