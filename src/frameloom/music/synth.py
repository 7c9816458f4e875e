"""Sound sources for the built-in music: oscillators (fixed-point phase, band-limited tables), envelopes
and shaped noise. The instruments (:mod:`frameloom.music.instruments`) are built from these.

Units: times in seconds, frequencies in Hz, positions and lengths in samples, levels linear (1.0 = full
scale). Signals are float32 mono ``(L,)`` or stereo ``(2, L)`` arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

Signal = NDArray[np.float32]
Phase = NDArray[np.uint32]
"""Oscillator phase in fixed point: 2**32 is one cycle, so integer wrap-around is the modulo for free."""
Spectrum = NDArray[np.complexfloating[Any, Any]]
Real = NDArray[np.floating[Any]]
Voice = Callable[[float, float, float, int, np.random.Generator], Signal]
"""An instrument: ``(frequency Hz, gate s, velocity 0..1, sample rate Hz, rng) -> note with its release``."""

TABLE_BITS = 12
TABLE_SIZE = 1 << TABLE_BITS
CYCLE = 2.0**32
SIXTY_DB = math.log(1000.0)  # an exponential falls by 60 dB after this many time constants


def midi_hz(pitch: float) -> float:
    """Frequency in Hz of MIDI note ``pitch`` (69 = A4 = 440 Hz)."""
    return 440.0 * math.pow(2.0, (pitch - 69.0) / 12.0)


# --- oscillators -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _counter(size: int) -> NDArray[np.uint32]:
    ramp = np.arange(size, dtype=np.uint32)
    ramp.setflags(write=False)
    return ramp


@lru_cache(maxsize=4)
def _clock(size: int) -> NDArray[np.float32]:
    ramp = np.arange(size, dtype=np.float32)
    ramp.setflags(write=False)
    return ramp


def pow2_at_least(n: int) -> int:
    """The power of two at or above ``n``: a few shared ramps serve every note length."""
    return 1 << max(n - 1, 1).bit_length()


def times(n: int, sr: int) -> Signal:
    """Time in seconds of each of ``n`` samples."""
    return _clock(pow2_at_least(n))[:n] * np.float32(1.0 / sr)


def phase(freq: float, n: int, sr: int, start: float = 0.0) -> Phase:
    """Phase of an ``n``-sample oscillator at ``freq`` Hz starting at ``start`` cycles."""
    step = np.uint32(round(freq / sr * CYCLE) % 2**32)
    out = _counter(pow2_at_least(n))[:n] * step  # uint32 overflow wraps: exactly the phase modulo one cycle
    out += np.uint32(round(start * CYCLE) % 2**32)
    return out


def bend(base: Phase, cycles: Signal) -> Phase:
    """``base`` moved by ``cycles`` (any sign): phase modulation for FM and vibrato."""
    return base + (cycles.astype(np.float64) * CYCLE).astype(np.int64).astype(np.uint32)


@lru_cache(maxsize=512)
def _table(shape: str, harmonics: int) -> Signal:
    """One cycle (``TABLE_SIZE`` samples) of a wave built from partials 1..``harmonics`` only.

    Summing a limited number of partials (rather than drawing a naive sawtooth) keeps every note free of
    aliasing, and choosing how many partials to keep doubles as a fixed low-pass: a dark pad simply has
    fewer harmonics.
    """
    k = np.arange(1, harmonics + 1, dtype=np.float64)
    if shape == "saw":
        amps = 1.0 / k
    elif shape == "square":
        amps = np.where(k % 2 == 1, 1.0 / k, 0.0)
    elif shape == "triangle":
        amps = np.where(k % 2 == 1, (-1.0) ** ((k - 1) // 2) / k**2, 0.0)
    else:  # sine
        amps = (k == 1).astype(np.float64)
    spectrum = np.zeros(TABLE_SIZE // 2 + 1, dtype=np.complex128)
    spectrum[1 : harmonics + 1] = -0.5j * TABLE_SIZE * amps  # irfft of -j/2 at bin k is sin(2 pi k x)
    wave = np.fft.irfft(spectrum, TABLE_SIZE)
    table: Signal = (wave / np.max(np.abs(wave))).astype(np.float32)
    table.setflags(write=False)
    return table


def lookup(table: Signal, at: Phase) -> Signal:
    """The wave in ``table`` read at phases ``at`` (the top ``TABLE_BITS`` bits index the table)."""
    out: Signal = table[at >> np.uint32(32 - TABLE_BITS)]
    return out


def sine(at: Phase) -> Signal:
    """``sin(2 pi phase)`` through a table: several times faster than ``np.sin``."""
    return lookup(_table("sine", 1), at)


def oscillator(shape: str, at: Phase, freq: float, sr: int, limit_hz: float = 8000.0) -> Signal:
    """A ``shape`` wave (saw, square, triangle, sine) at phases ``at``, with partials up to ``limit_hz``.

    ``freq`` (Hz) only decides how many partials fit under ``limit_hz`` and under the Nyquist frequency.
    """
    top = min(limit_hz, 0.45 * sr)
    harmonics = max(1, min(int(top / freq), TABLE_SIZE // 2 - 1))
    return lookup(_table(shape, harmonics), at)


# --- envelopes and noise -----------------------------------------------------------------------------


def envelope(
    n: int, sr: int, *, attack: float, decay: float, sustain: float, gate: float, release: float
) -> Signal:
    """An ADSR gain curve of ``n`` samples: linear rise over ``attack`` s, exponential fall toward
    ``sustain`` (0..1) with time constant ``decay`` s, held until ``gate`` s, then a cubic fall to exactly
    zero over ``release`` s (so a note never ends on a step).
    """
    t = times(n, sr)
    level: Signal
    if sustain < 1.0:
        level = np.exp(np.maximum(t - np.float32(attack), np.float32(0.0)) * np.float32(-1.0 / decay))
        level = level * np.float32(1.0 - sustain) + np.float32(sustain)
    else:
        level = np.ones(n, dtype=np.float32)
    rise = min(int(attack * sr), n)
    if rise:
        level[:rise] *= t[:rise] * np.float32(1.0 / attack)
    cut = min(max(int(gate * sr), 1), n)
    if cut < n:
        fall = np.minimum(t[: n - cut] * np.float32(1.0 / release), np.float32(1.0))
        level[cut:] = level[cut - 1] * (np.float32(1.0) - fall) ** 3
    return level


def decay(n: int, sr: int, tau: float, attack: float = 0.0005) -> Signal:
    """A struck sound's gain: up in ``attack`` s, down with time constant ``tau`` s, and the last 10 % of
    the ``n`` samples faded to exactly zero so cutting the sample off never clicks.
    """
    t = times(n, sr)
    level: Signal = np.exp(t * np.float32(-1.0 / tau))
    level *= np.minimum(t * np.float32(1.0 / attack), np.float32(1.0))
    tail = max(n // 10, 1)
    level[-tail:] *= np.linspace(1.0, 0.0, tail, dtype=np.float32)
    return level


def band_gain(freqs: Real, low_hz: float, high_hz: float | None) -> Real:
    """Magnitude of a second-order Butterworth band-pass; 0 Hz or ``None`` means no edge on that side."""
    gain = np.ones_like(freqs)
    if low_hz > 0:
        ratio = np.divide(low_hz, freqs, out=np.full_like(freqs, np.inf), where=freqs > 0) ** 2
        gain /= np.sqrt(1.0 + ratio * ratio)
    if high_hz is not None:
        ratio = (freqs / high_hz) ** 2
        gain /= np.sqrt(1.0 + ratio * ratio)
    return gain


@lru_cache(maxsize=64)
def _noise_shape(size: int, sr: int, low_hz: float, high_hz: float | None) -> Real:
    """The band gain at the bins of a ``size``-point FFT, scaled so that shaped noise has unit RMS."""
    gain = band_gain(np.fft.rfftfreq(size, 1.0 / sr), low_hz, high_hz)
    gain *= (size / 2.0) / max(float(np.sqrt(np.sum(gain**2))), 1e-12)  # Parseval, two normals per bin
    gain.setflags(write=False)
    return gain


def noise(
    n: int, sr: int, rng: np.random.Generator, low_hz: float = 0.0, high_hz: float | None = None
) -> Signal:
    """``n`` samples of Gaussian noise band-limited to ``low_hz``..``high_hz``, RMS about 1.

    Shaped in the frequency domain on a power-of-two length (fast at any ``n``); callers shape it further
    with an envelope.
    """
    size = pow2_at_least(n)
    bins = size // 2 + 1
    spectrum = rng.standard_normal(bins) + 1j * rng.standard_normal(bins)
    top = None if high_hz is None else min(high_hz, 0.45 * sr)
    return np.fft.irfft(spectrum * _noise_shape(size, sr, low_hz, top), size)[:n].astype(np.float32)


def grit(x: Signal) -> Signal:
    """Soft-clip unit-RMS noise at about two sigma, as drum machines and producers clip snares and claps:
    the same loudness with half the peak, so the master limiter rarely has to work."""
    out: Signal = np.tanh(x * np.float32(0.6)) * np.float32(1.0 / 0.6)
    return out


def samples(seconds: float, sr: int) -> int:
    return max(1, int(seconds * sr))


def played(tone: Signal, env: Signal, velocity: float) -> Signal:
    """``tone`` under the gain curve ``env``, at ``velocity``."""
    out: Signal = tone * env * np.float32(velocity)
    return out
