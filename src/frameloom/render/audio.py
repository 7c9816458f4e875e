"""Audio: sources decoded and resampled to 48 kHz stereo, and the mixer.

The mix is produced in chunks, so memory stays bounded however long the
timeline is: for each chunk every playing segment adds its samples times its
volume and fade envelope (``mix_raw``). Exports master that sum to a loudness
target (``render.loudness``); ``mix`` is the sum under a soft limiter. An
uploaded file is decoded once into an unnamed temporary file of raw samples
and read from there chunk by chunk (a 10-minute song is 230 MB as float32).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import av
import numpy as np

RATE = 48000
Array = np.ndarray


class AudioSource(Protocol):
    def read(self, start: int, count: int) -> Array:
        """``(count, 2) float32`` samples from ``start`` (segment-local samples)."""
        ...


class BufferAudio:
    """Samples held in memory; ``loop`` repeats them, otherwise silence follows."""

    def __init__(self, samples: Array, loop: bool) -> None:
        self.samples = samples.astype(np.float32, copy=False)
        self.loop = loop

    def read(self, start: int, count: int) -> Array:
        n = len(self.samples)
        if n == 0:
            return np.zeros((count, 2), np.float32)
        if self.loop:
            idx = (np.arange(start, start + count) % n)
            out: Array = self.samples[idx]
            return out
        out = np.zeros((count, 2), np.float32)
        lo, hi = max(start, 0), min(start + count, n)
        if hi > lo:
            out[lo - start: hi - start] = self.samples[lo:hi]
        return out


class FileAudio:
    """A file's first audio stream, decoded once at 48 kHz stereo into an unnamed temporary file
    (gone when closed or collected); ``loop`` repeats it, otherwise silence follows."""

    def __init__(self, path: Path, loop: bool) -> None:
        self.loop = loop
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  # kept open for reads; closed by close()
        self.length = 0  # samples
        for part in _decoded(path):
            self.file.write(np.ascontiguousarray(part, np.float32).tobytes())
            self.length += len(part)
        self.file.flush()

    def read(self, start: int, count: int) -> Array:
        out = np.zeros((count, 2), np.float32)
        n = self.length
        if n == 0:
            return out
        pos = start
        while pos < start + count:
            at = pos % n if self.loop else pos
            if at >= n:
                break
            if at < 0:  # before the source starts: silence
                pos = min(start + count, pos - at)
                continue
            take = min(start + count - pos, n - at)
            self.file.seek(at * 8)
            out[pos - start: pos - start + take] = np.fromfile(self.file, np.float32, take * 2).reshape(-1, 2)
            pos += take
        return out

    def close(self) -> None:
        self.file.close()


def _decoded(path: Path) -> Iterator[Array]:
    """The first audio stream of a file in ``(n, 2) float32`` parts at 48 kHz (none without one)."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                yield out.to_ndarray().T
        for out in resampler.resample(None):
            yield out.to_ndarray().T


def decode_audio(path: Path) -> Array:
    """The first audio stream of a file as ``(n, 2) float32`` at 48 kHz, whole in memory."""
    parts = list(_decoded(path))
    if not parts:
        return np.zeros((0, 2), np.float32)
    return np.ascontiguousarray(np.concatenate(parts).astype(np.float32))


@dataclass(frozen=True)
class AudioClip:
    """A placed audio segment: samples from ``source`` play from ``start`` for
    ``length`` output samples at ``volume`` (0..1), with linear fades (samples)."""

    source: AudioSource
    start: int
    length: int
    volume: float
    fade_in: int = 0
    fade_out: int = 0


def envelope(clip: AudioClip, local: Array) -> Array:
    """Gain per sample (``local``: segment-local sample indices)."""
    gain = np.full(local.shape, clip.volume, np.float32)
    if clip.fade_in > 0:
        gain *= np.clip(local / clip.fade_in, 0, 1)
    if clip.fade_out > 0:
        gain *= np.clip((clip.length - local) / clip.fade_out, 0, 1)
    return gain


def mix(clips: Sequence[AudioClip], start: int, count: int) -> Array:
    """The mixed ``(count, 2) float32`` chunk of output samples [start, start + count), soft-limited."""
    return limit(mix_raw(clips, start, count))


def mix_raw(clips: Sequence[AudioClip], start: int, count: int) -> Array:
    """The sum of the playing clips, ``(count, 2) float32``, for output samples [start, start + count)."""
    out = np.zeros((count, 2), np.float32)
    for clip in clips:
        lo, hi = max(start, clip.start), min(start + count, clip.start + clip.length)
        if hi <= lo:
            continue
        local = np.arange(lo - clip.start, hi - clip.start, dtype=np.float32)
        samples = clip.source.read(lo - clip.start, hi - lo)
        out[lo - start: hi - start] += samples * envelope(clip, local)[:, None]
    return out


def limit(x: Array, knee: float = 0.9) -> Array:
    """Soft limiter: identity below ``knee``, a tanh shoulder above, never past 1.0."""
    mag = np.abs(x)
    over = mag > knee
    if not over.any():
        return x
    soft = knee + (1 - knee) * np.tanh((mag[over] - knee) / (1 - knee))
    x[over] = np.sign(x[over]) * soft
    return x
