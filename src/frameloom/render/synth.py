"""Sound for the built-in music: oscillators, envelopes, instrument voices and a circular loop mixer.

One loop of ``n`` samples repeats forever, so everything here is circular. A note that rings past the end
of the loop wraps to its start (echo repeats too), and the master filters and reverb are applied to the
spectrum of the whole loop (one FFT), which is exactly the steady state a repeating loop reaches. The last
sample therefore flows into the first with no click, by construction rather than by cross-fading.

Units: times in seconds, frequencies in Hz, positions and lengths in samples, levels linear (1.0 = full
scale). Voices return float32 mono ``(L,)`` or stereo ``(2, L)`` arrays with peaks about ``velocity``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
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
_CYCLE = 2.0**32
_SIXTY_DB = math.log(1000.0)  # an exponential falls by 60 dB after this many time constants


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


def _size(n: int) -> int:
    """The power of two at or above ``n``: a few shared ramps serve every note length."""
    return 1 << max(n - 1, 1).bit_length()


def times(n: int, sr: int) -> Signal:
    """Time in seconds of each of ``n`` samples."""
    return _clock(_size(n))[:n] * np.float32(1.0 / sr)


def phase(freq: float, n: int, sr: int, start: float = 0.0) -> Phase:
    """Phase of an ``n``-sample oscillator at ``freq`` Hz starting at ``start`` cycles."""
    step = np.uint32(round(freq / sr * _CYCLE) % 2**32)
    out = _counter(_size(n))[:n] * step  # uint32 overflow wraps: exactly the phase modulo one cycle
    out += np.uint32(round(start * _CYCLE) % 2**32)
    return out


def bend(base: Phase, cycles: Signal) -> Phase:
    """``base`` moved by ``cycles`` (any sign): phase modulation for FM and vibrato."""
    return base + (cycles.astype(np.float64) * _CYCLE).astype(np.int64).astype(np.uint32)


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


def _band_gain(freqs: Real, low_hz: float, high_hz: float | None) -> Real:
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
    gain = _band_gain(np.fft.rfftfreq(size, 1.0 / sr), low_hz, high_hz)
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
    size = _size(n)
    bins = size // 2 + 1
    spectrum = rng.standard_normal(bins) + 1j * rng.standard_normal(bins)
    top = None if high_hz is None else min(high_hz, 0.45 * sr)
    return np.fft.irfft(spectrum * _noise_shape(size, sr, low_hz, top), size)[:n].astype(np.float32)


def grit(x: Signal) -> Signal:
    """Soft-clip unit-RMS noise at about two sigma, as drum machines and producers clip snares and claps:
    the same loudness with half the peak, so the master limiter rarely has to work."""
    out: Signal = np.tanh(x * np.float32(0.6)) * np.float32(1.0 / 0.6)
    return out


def _samples(seconds: float, sr: int) -> int:
    return max(1, int(seconds * sr))


def _played(tone: Signal, env: Signal, velocity: float) -> Signal:
    """``tone`` under the gain curve ``env``, at ``velocity``."""
    out: Signal = tone * env * np.float32(velocity)
    return out


# --- pitched voices ----------------------------------------------------------------------------------


def epiano(
    freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator, *, bright: float = 1.0
) -> Signal:
    """Electric piano (Rhodes-like): a sine phase-modulated by itself. The modulation index falls after the
    strike, so each note goes from a bell-like attack to a round tone; harder notes are brighter.
    """
    ring = 1.8 * (261.6 / freq) ** 0.5  # s; low notes ring longer, as struck tines do
    n = _samples(gate + 0.35, sr)
    at = phase(freq, n, sr, float(rng.random()))
    index = np.exp(times(n, sr) * np.float32(-1.0 / 0.3)) * np.float32(
        bright * (0.2 + 0.9 * velocity) / (2 * math.pi)
    )
    index += np.float32(0.15 / (2 * math.pi))
    tone = sine(bend(at, index * sine(at)))
    return _played(
        tone, envelope(n, sr, attack=0.002, decay=ring, sustain=0.0, gate=gate, release=0.35), velocity
    )


def pad(
    freq: float,
    gate: float,
    velocity: float,
    sr: int,
    rng: np.random.Generator,
    *,
    attack: float = 1.5,
    swell: float = 0.0,
    release: float = 2.5,
    limit_hz: float = 2500.0,
    detune_cents: float = 9.0,
) -> Signal:
    """A stereo pad ``(2, L)``: three detuned band-limited saws, the outer two split left and right for
    width. The attack is ``attack`` s or ``swell`` times the gate, whichever is longer (a swell grows
    through the whole chord). ``limit_hz`` keeps it warm: no partial above it.
    """
    n = _samples(gate + release, sr)
    spread = 2.0 ** (detune_cents / 1200.0)
    low, mid, high = (
        oscillator("saw", phase(freq * ratio, n, sr, float(rng.random())), freq, sr, limit_hz)
        for ratio in (1.0 / spread, 1.0, spread)
    )
    env = envelope(
        n, sr, attack=max(attack, swell * gate), decay=1.0, sustain=1.0, gate=gate, release=release
    )
    env *= np.float32(velocity / 1.7)
    mid *= np.float32(0.7)
    out = np.empty((2, n), dtype=np.float32)  # built in place: pads are the longest notes there are
    np.add(low, mid, out=out[0])
    np.add(high, mid, out=out[1])
    out *= env
    return out


def bass(
    freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator, *, growl: float = 0.0
) -> Signal:
    """Round bass: a sine softly saturated so small speakers hear its harmonics. ``growl`` (0..1) adds a
    band-limited saw whose brightness falls after the pluck, for a synth bass.
    """
    n = _samples(gate + 0.1, sr)
    at = phase(freq, n, sr)
    tone = np.tanh(sine(at) * np.float32(1.8)) * np.float32(1.0 / math.tanh(1.8))
    if growl > 0:
        snap = np.exp(times(n, sr) * np.float32(-1.0 / 0.09))
        tone += np.float32(growl) * (
            np.float32(0.35) * oscillator("saw", at, freq, sr, 500.0)
            + np.float32(0.5) * oscillator("saw", at, freq, sr, 1800.0) * snap
        )
    return _played(
        tone, envelope(n, sr, attack=0.005, decay=0.45, sustain=0.6, gate=gate, release=0.09), velocity
    )


def sub(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A sub-bass drone: sine plus a little triangle, slow in and out, for ambient and cinematic roots."""
    n = _samples(gate + 1.5, sr)
    at = phase(freq, n, sr)
    tone = sine(at) * np.float32(0.85) + oscillator("triangle", at, freq, sr, 600.0) * np.float32(0.25)
    return _played(
        tone, envelope(n, sr, attack=0.8, decay=1.0, sustain=1.0, gate=gate, release=1.5), velocity
    )


def pluck(
    freq: float,
    gate: float,
    velocity: float,
    sr: int,
    rng: np.random.Generator,
    *,
    shape: str = "saw",
    bright_hz: float = 5000.0,
    dark_hz: float = 1200.0,
    ring: float = 0.25,
) -> Signal:
    """A plucked synth: bright at the strike, fading to dark (two tables cross-faded, like a closing
    filter), ringing with time constant ``ring`` s."""
    n = _samples(gate + 0.12, sr)
    at = phase(freq, n, sr, float(rng.random()))
    dark = oscillator(shape, at, freq, sr, dark_hz)
    bright = oscillator(shape, at, freq, sr, bright_hz)
    tone = dark + (bright - dark) * np.exp(times(n, sr) * np.float32(-1.0 / (0.3 * ring)))
    return _played(
        tone, envelope(n, sr, attack=0.003, decay=ring, sustain=0.15, gate=gate, release=0.12), velocity
    )


def lead(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A soft flute-like lead: a triangle with vibrato that fades in after 0.25 s, as a player's would."""
    n = _samples(gate + 0.2, sr)
    t = times(n, sr)
    depth = np.clip((t - np.float32(0.25)) * np.float32(2.5), 0.0, 1.0) * np.float32(
        0.004 * freq / (2 * math.pi * 5.0)
    )
    at = bend(phase(freq, n, sr), depth * sine(phase(5.0, n, sr)))  # about 7 cents at 5 Hz
    tone = oscillator("triangle", at, freq, sr, 4000.0) + np.float32(0.15) * sine(at * np.uint32(2))
    return _played(
        tone, envelope(n, sr, attack=0.04, decay=0.6, sustain=0.75, gate=gate, release=0.18), velocity
    )


def bell(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A soft glass bell: FM at a 3.5:1 ratio gives the inharmonic partials of struck metal; they die
    away first, leaving a pure ring.
    """
    hold = max(gate, 2.5)
    n = _samples(hold + 0.5, sr)
    start = float(rng.random())
    index = np.exp(times(n, sr) * np.float32(-1.0 / 0.5)) * np.float32(0.6 * velocity / (2 * math.pi))
    index += np.float32(0.1 / (2 * math.pi))
    tone = sine(bend(phase(freq, n, sr, start), index * sine(phase(3.5 * freq, n, sr, 3.5 * start))))
    return _played(
        tone, envelope(n, sr, attack=0.004, decay=1.4, sustain=0.0, gate=hold, release=0.5), velocity
    )


# --- drums -------------------------------------------------------------------------------------------


def kick(
    freq: float,
    gate: float,
    velocity: float,
    sr: int,
    rng: np.random.Generator,
    *,
    top_hz: float = 150.0,
    low_hz: float = 48.0,
    ring: float = 0.3,
    click: float = 0.3,
) -> Signal:
    """Kick drum: a sine whose pitch sweeps down from ``top_hz`` to ``low_hz`` (the beater's punch) and a
    short noise click; ``ring`` s is the body's time constant."""
    n = _samples(ring * 6, sr)
    t = times(n, sr).astype(np.float64)
    sweep = 0.035  # s
    cycles = low_hz * t + (top_hz - low_hz) * sweep * (1.0 - np.exp(-t / sweep))
    body = sine((cycles * _CYCLE).astype(np.int64).astype(np.uint32)) * decay(n, sr, ring, 0.0008)
    tap = min(n, _samples(0.03, sr))
    body[:tap] += noise(tap, sr, rng, 800.0, 7000.0) * decay(tap, sr, 0.004) * np.float32(0.25 * click)
    out: Signal = np.tanh(body * np.float32(1.5)) * np.float32(velocity / math.tanh(1.5))  # a little drive
    return out


def snare(
    freq: float,
    gate: float,
    velocity: float,
    sr: int,
    rng: np.random.Generator,
    *,
    top_hz: float = 9000.0,
    tail: float = 0.14,
) -> Signal:
    """Snare: two damped drum-head tones and a burst of band-passed noise (the wires) lasting ``tail`` s."""
    n = _samples(tail * 6, sr)
    head = (sine(phase(185.0, n, sr)) + np.float32(0.5) * sine(phase(330.0, n, sr))) * decay(
        n, sr, 0.05, 0.001
    )
    wires = grit(noise(n, sr, rng, 1200.0, top_hz)) * decay(n, sr, tail, 0.001)
    return (head * np.float32(0.6) + wires * np.float32(0.35)) * np.float32(velocity)


def clap(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Hand clap: three quick noise bursts 11 ms apart (several hands) and a short room tail."""
    n = _samples(0.6, sr)
    env = decay(n, sr, 0.11) * np.float32(0.6)
    gap = _samples(0.011, sr)
    for k in range(3):
        burst = decay(n - k * gap, sr, 0.006)
        env[k * gap :] += burst
    return grit(noise(n, sr, rng, 900.0, 6000.0)) * env * np.float32(0.3 * velocity)


def hat(
    freq: float,
    gate: float,
    velocity: float,
    sr: int,
    rng: np.random.Generator,
    *,
    tail: float = 0.035,
    low_hz: float = 7000.0,
) -> Signal:
    """Hi-hat: noise above ``low_hz``; ``tail`` s is about 0.035 for closed, 0.2 for open."""
    n = _samples(tail * 6, sr)
    return grit(noise(n, sr, rng, low_hz, 12000.0)) * decay(n, sr, tail) * np.float32(0.3 * velocity)


def crash(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Crash cymbal: bright noise with a 0.8 s time constant and a softer low shimmer."""
    n = _samples(4.0, sr)
    body = grit(noise(n, sr, rng, 4000.0, 15000.0) + np.float32(0.4) * noise(n, sr, rng, 2000.0, 5000.0))
    return body * decay(n, sr, 0.8, 0.002) * np.float32(0.2 * velocity)


def boom(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Cinematic boom: a very low, long kick with a dull noise thump (a big drum in a hall)."""
    body = kick(freq, gate, 1.0, sr, rng, top_hz=95.0, low_hz=38.0, ring=0.9, click=0.0)
    thump = min(body.size, _samples(1.0, sr))
    body[:thump] += noise(thump, sr, rng, 30.0, 350.0) * decay(thump, sr, 0.18, 0.002) * np.float32(0.25)
    return body * np.float32(velocity)


def tom(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Low tom: a short, higher kick sweep with a touch of skin noise."""
    return kick(freq, gate, velocity, sr, rng, top_hz=170.0, low_hz=95.0, ring=0.25, click=0.5)


def riser(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Noise swell over ``gate`` s that brightens as it grows and lands just before the next downbeat
    (a 50 ms fade: it never ends on a click). Kept below 6 kHz: a background swell, not a hiss."""
    n = _samples(gate, sr)
    x = times(n, sr) * np.float32(sr / n)
    tone = noise(n, sr, rng, 200.0, 1200.0) * (np.float32(1.0) - x) + noise(n, sr, rng, 1200.0, 6000.0) * x
    land = np.minimum((np.float32(1.0) - x) * np.float32(n / (0.05 * sr)), np.float32(1.0))
    return _played(tone, x**2.5 * land, 0.25 * velocity)


# --- the loop mixer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """Where a part sits in the mix: ``gain`` linear, ``pan`` -1 (left) .. 1 (right), ``reverb`` and
    ``echo`` send levels, ``duck`` 0..1 how much the beat pump lowers it, ``width_s`` the delay of the right
    side (a few ms makes a mono part wide).
    """

    gain: float = 1.0
    pan: float = 0.0
    reverb: float = 0.0
    echo: float = 0.0
    duck: float = 0.0
    width_s: float = 0.0


@dataclass(frozen=True)
class Master:
    """The master bus: reverb (``reverb_s`` to fall 60 dB), a ping-pong echo every ``echo_s`` s, a tone
    low-pass (``lowpass_hz``, ``None`` for none), vinyl ``crackle`` level (relative to the mix), tape
    ``wow_cents``, and the loudness the mix is set to (``rms_dbfs``) under a soft ``ceiling``.
    """

    reverb_s: float = 1.6
    reverb_damping_hz: float = 5000.0
    echo_s: float = 0.375
    echo_feedback: float = 0.35
    lowpass_hz: float | None = None
    highpass_hz: float = 30.0
    crackle: float = 0.0
    wow_cents: float = 0.0
    rms_dbfs: float = -16.0
    ceiling: float = 0.9


ECHO_FLOOR = 0.003  # echo repeats below this level (-50 dB) are left out
ECHO_IN_ROOM = 0.3  # how much of each echo repeat also goes to the reverb


def add_wrapped(buffer: Signal, start: int, sound: Signal) -> None:
    """Add ``sound`` into the circular ``buffer`` from sample ``start``; what runs past the end wraps."""
    n = buffer.shape[-1]
    start %= n
    while sound.shape[-1]:
        k = min(sound.shape[-1], n - start)
        buffer[..., start : start + k] += sound[..., :k]
        sound = sound[..., k:]
        start = 0


class LoopMixer:
    """Sums notes into a loop of ``n`` samples at ``sr`` Hz and renders it through the ``master`` bus.

    ``pump`` is an optional ``(n,)`` gain curve (a sidechain duck on each beat) that parts with
    ``Channel.duck`` follow.
    """

    def __init__(self, n: int, sr: int, master: Master, pump: Signal | None = None) -> None:
        self.n = n
        self.sr = sr
        self.master = master
        self.pump = pump
        self.dry = np.zeros((2, n), dtype=np.float32)
        self.reverb = np.zeros(n, dtype=np.float32)

    def add(self, start: int, sound: Signal, channel: Channel) -> None:
        """Place one note (mono ``(L,)`` or stereo ``(2, L)``) at sample ``start``."""
        if channel.duck and self.pump is not None:
            at = (start + np.arange(sound.shape[-1])) % self.n
            sound = sound * (np.float32(1.0) - np.float32(channel.duck) * (np.float32(1.0) - self.pump[at]))
        angle = (channel.pan + 1.0) * math.pi / 4  # equal-power pan: the part keeps its loudness anywhere
        gains = (channel.gain * math.cos(angle), channel.gain * math.sin(angle))
        left, right = (sound, sound) if sound.ndim == 1 else (sound[0], sound[1])
        add_wrapped(self.dry[0], start, left * np.float32(gains[0]))
        add_wrapped(self.dry[1], start + int(channel.width_s * self.sr), right * np.float32(gains[1]))
        mono = left if sound.ndim == 1 else (left + right) * np.float32(0.5)
        if channel.reverb:
            add_wrapped(self.reverb, start, mono * np.float32(channel.reverb * channel.gain))
        if channel.echo:
            self._echoes(start, mono * np.float32(channel.echo * channel.gain))

    def _echoes(self, start: int, sound: Signal) -> None:
        """Ping-pong echo of one note: repeat k comes ``k * echo_s`` later at ``echo_feedback ** (k - 1)``,
        odd repeats left and even right, each a little darker than the last (a two-tap average per pass,
        as tape loses its highs)."""
        delay = round(self.master.echo_s * self.sr)
        level, k = 1.0, 1
        while level > ECHO_FLOOR:
            sound = (np.concatenate([sound, [0.0]]) + np.concatenate([[0.0], sound])).astype(np.float32) * 0.5
            at = start + k * delay
            add_wrapped(self.dry[(k + 1) % 2], at, sound * np.float32(level))
            add_wrapped(self.reverb, at, sound * np.float32(level * ECHO_IN_ROOM))
            level *= self.master.echo_feedback
            k += 1

    def render(self, rng: np.random.Generator) -> NDArray[np.float32]:
        """The finished loop, ``(n, 2)`` float32: crackle, reverb, tone, wow, loudness, soft limit.

        Every linear effect is one multiplication of the loop's spectrum, which is the effect's response to
        the loop repeated forever: the reverb of the end of the loop rings into its start.
        """
        n, sr, master = self.n, self.sr, self.master
        dry = self.dry
        if master.crackle:  # before the tone filter, so a low-passed style gets softened crackle too
            level = master.crackle * float(np.sqrt(np.mean(dry**2)))
            dry = dry + vinyl(n, sr, rng) * np.float32(level)
        z = np.exp(np.fft.rfftfreq(n, 1.0 / sr) * (-2j * np.pi / sr))  # one sample of delay at each bin
        left, right = np.fft.rfft(dry[0]), np.fft.rfft(dry[1])
        if self.reverb.any():
            wet = np.fft.rfft(self.reverb)
            room = reverb_spectrum(master.reverb_s, master.reverb_damping_hz, sr, n)
            left, right = left + wet * room[0], right + wet * room[1]
        tone = biquad(z, "highpass", master.highpass_hz, sr)
        if master.lowpass_hz is not None:
            tone = tone * biquad(z, "lowpass", master.lowpass_hz, sr, q=0.6)
        mix = np.empty((2, n), dtype=np.float32)
        mix[0], mix[1] = np.fft.irfft(left * tone, n), np.fft.irfft(right * tone, n)
        if master.wow_cents:
            mix = wow(mix, sr, master.wow_cents)
        return np.ascontiguousarray(loudness(mix, master.rms_dbfs, master.ceiling).T)


def biquad(z: Spectrum, kind: str, cutoff_hz: float, sr: int, q: float = 0.7071) -> Spectrum:
    """Frequency response of an RBJ-cookbook low- or high-pass biquad at the points ``z`` = e^(-jw).

    Multiplying a loop's spectrum by this is exactly what the recursive filter does to the loop repeated
    forever, tails wrapped included.
    """
    w0 = 2 * math.pi * min(cutoff_hz, 0.45 * sr) / sr
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    if kind == "lowpass":
        b = ((1 - cos) / 2, 1 - cos, (1 - cos) / 2)
    else:
        b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    a = (1 + alpha, -2 * cos, 1 - alpha)
    return np.asarray((b[0] + z * (b[1] + z * b[2])) / (a[0] + z * (a[1] + z * a[2])), dtype=np.complex128)


@lru_cache(maxsize=4)
def reverb_spectrum(rt60: float, damping_hz: float, sr: int, n: int) -> NDArray[np.complex64]:
    """Spectra ``(2, n // 2 + 1)`` of a stereo room for a loop of ``n`` samples (cached: it does not depend
    on the seed). The room is decaying noise, different per side (width), with highs above
    ``damping_hz`` dying about twice as fast as lows (air and walls absorb them), a 15 ms pre-delay and
    unit energy, so a send's level is the reverb's level.
    """
    rng = np.random.default_rng(round(rt60 * 1000))
    size = min(_size(int((rt60 + 0.015) * sr)), n)
    t = np.arange(size, dtype=np.float64) / sr - 0.015
    onset = np.clip(t / 0.01, 0.0, 1.0)  # the first reflections build up rather than start at full level
    low_gain = _band_gain(np.fft.rfftfreq(size, 1.0 / sr), 0.0, damping_hz)
    sides = []
    for _ in range(2):
        white = rng.standard_normal(size)
        low = np.fft.irfft(np.fft.rfft(white) * low_gain, size)
        side = (
            low * np.exp(-_SIXTY_DB * t / rt60) + (white - low) * np.exp(-_SIXTY_DB * t / (0.45 * rt60))
        ) * onset
        tail = size // 20
        side[size - tail :] *= np.linspace(1.0, 0.0, tail)
        sides.append(np.fft.rfft(side / math.sqrt(float(np.sum(side**2))), n))
    out = np.stack(sides).astype(np.complex64)
    out.setflags(write=False)
    return out


def vinyl(n: int, sr: int, rng: np.random.Generator) -> Signal:
    """Record surface noise for one loop, ``(2, n)``: about nine crackles a second (the loudest at 1.0),
    each ringing a few samples like a stylus hitting dust, over hiss of RMS 0.05."""
    out = rng.standard_normal((2, n), dtype=np.float32) * np.float32(0.05)
    count = int(n / sr * 9)
    for side in range(2):
        where = rng.integers(0, n, size=count)
        size = rng.pareto(2.5, size=count) * rng.choice((-1.0, 1.0), size=count)
        size /= max(float(np.max(np.abs(size))), 1e-12)
        for lag, weight in enumerate((1.0, 0.6, -0.3, 0.1)):
            np.add.at(out[side], (where + lag) % n, (size * weight).astype(np.float32))
    return out


def wow(mix: Signal, sr: int, cents: float, rate_hz: float = 0.45) -> Signal:
    """Tape wow: a slow, loop-periodic pitch drift of about ``cents``, made by a varying circular delay
    (linear interpolation between the two nearest samples)."""
    n = mix.shape[-1]
    cycles = max(1, round(rate_hz * n / sr))  # a whole number of wobbles per loop keeps it seamless
    depth = (2.0 ** (cents / 1200.0) - 1.0) * n / (2 * math.pi * cycles)  # samples of delay swing
    ramp = np.arange(n, dtype=np.float64)
    where = ramp - depth * (1.0 + np.sin(ramp * (2 * np.pi * cycles / n)))
    base = np.floor(where)
    frac = (where - base).astype(np.float32)
    before = base.astype(np.int64) % n  # the delay reaches back past the start, into the loop's end
    after = before + 1
    after[after == n] = 0
    early = mix[:, before]
    out: Signal = early + (mix[:, after] - early) * frac
    return out


def loudness(mix: Signal, rms_dbfs: float, ceiling: float) -> Signal:
    """Set the mix's RMS to ``rms_dbfs`` and soft-limit peaks: linear up to two thirds of ``ceiling``,
    bent smoothly (tanh) toward ``ceiling`` above, so no sample ever exceeds it.
    """
    rms = float(np.sqrt(np.mean(mix.astype(np.float64) ** 2)))
    out = mix * np.float32(10.0 ** (rms_dbfs / 20.0) / max(rms, 1e-12))
    knee = ceiling * 2.0 / 3.0
    over = np.abs(out) > knee
    if over.any():
        loud = out[over]
        room = ceiling - knee
        out[over] = np.sign(loud) * (knee + room * np.tanh((np.abs(loud) - knee) / room))
    return out
