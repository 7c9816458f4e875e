"""The instruments of the built-in music: pitched voices (piano, pads, basses, plucks, bells) and drums.

Each is a :data:`~frameloom.music.synth.Voice`: given a frequency (Hz), a gate (s), a velocity (0..1), the
sample rate (Hz) and an rng, it returns the note with its release as float32 mono ``(L,)`` or stereo
``(2, L)``, with peaks about ``velocity``.
"""

from __future__ import annotations

import math

import numpy as np

from frameloom.music.synth import (
    CYCLE,
    Signal,
    bend,
    decay,
    envelope,
    grit,
    noise,
    oscillator,
    phase,
    played,
    samples,
    sine,
    times,
)

# --- pitched voices ----------------------------------------------------------------------------------


def epiano(
    freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator, *, bright: float = 1.0
) -> Signal:
    """Electric piano (Rhodes-like): a sine phase-modulated by itself. The modulation index falls after the
    strike, so each note goes from a bell-like attack to a round tone; harder notes are brighter.
    """
    ring = 1.8 * (261.6 / freq) ** 0.5  # s; low notes ring longer, as struck tines do
    n = samples(gate + 0.35, sr)
    at = phase(freq, n, sr, float(rng.random()))
    index = np.exp(times(n, sr) * np.float32(-1.0 / 0.3)) * np.float32(
        bright * (0.2 + 0.9 * velocity) / (2 * math.pi)
    )
    index += np.float32(0.15 / (2 * math.pi))
    tone = sine(bend(at, index * sine(at)))
    return played(
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
    n = samples(gate + release, sr)
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
    n = samples(gate + 0.1, sr)
    at = phase(freq, n, sr)
    tone = np.tanh(sine(at) * np.float32(1.8)) * np.float32(1.0 / math.tanh(1.8))
    if growl > 0:
        snap = np.exp(times(n, sr) * np.float32(-1.0 / 0.09))
        tone += np.float32(growl) * (
            np.float32(0.35) * oscillator("saw", at, freq, sr, 500.0)
            + np.float32(0.5) * oscillator("saw", at, freq, sr, 1800.0) * snap
        )
    return played(
        tone, envelope(n, sr, attack=0.005, decay=0.45, sustain=0.6, gate=gate, release=0.09), velocity
    )


def sub(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A sub-bass drone: sine plus a little triangle, slow in and out, for ambient and cinematic roots."""
    n = samples(gate + 1.5, sr)
    at = phase(freq, n, sr)
    tone = sine(at) * np.float32(0.85) + oscillator("triangle", at, freq, sr, 600.0) * np.float32(0.25)
    return played(
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
    n = samples(gate + 0.12, sr)
    at = phase(freq, n, sr, float(rng.random()))
    dark = oscillator(shape, at, freq, sr, dark_hz)
    bright = oscillator(shape, at, freq, sr, bright_hz)
    tone = dark + (bright - dark) * np.exp(times(n, sr) * np.float32(-1.0 / (0.3 * ring)))
    return played(
        tone, envelope(n, sr, attack=0.003, decay=ring, sustain=0.15, gate=gate, release=0.12), velocity
    )


def lead(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A soft flute-like lead: a triangle with vibrato that fades in after 0.25 s, as a player's would."""
    n = samples(gate + 0.2, sr)
    t = times(n, sr)
    depth = np.clip((t - np.float32(0.25)) * np.float32(2.5), 0.0, 1.0) * np.float32(
        0.004 * freq / (2 * math.pi * 5.0)
    )
    at = bend(phase(freq, n, sr), depth * sine(phase(5.0, n, sr)))  # about 7 cents at 5 Hz
    tone = oscillator("triangle", at, freq, sr, 4000.0) + np.float32(0.15) * sine(at * np.uint32(2))
    return played(
        tone, envelope(n, sr, attack=0.04, decay=0.6, sustain=0.75, gate=gate, release=0.18), velocity
    )


def bell(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """A soft glass bell: FM at a 3.5:1 ratio gives the inharmonic partials of struck metal; they die
    away first, leaving a pure ring.
    """
    hold = max(gate, 2.5)
    n = samples(hold + 0.5, sr)
    start = float(rng.random())
    index = np.exp(times(n, sr) * np.float32(-1.0 / 0.5)) * np.float32(0.6 * velocity / (2 * math.pi))
    index += np.float32(0.1 / (2 * math.pi))
    tone = sine(bend(phase(freq, n, sr, start), index * sine(phase(3.5 * freq, n, sr, 3.5 * start))))
    return played(
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
    n = samples(ring * 6, sr)
    t = times(n, sr).astype(np.float64)
    sweep = 0.035  # s
    cycles = low_hz * t + (top_hz - low_hz) * sweep * (1.0 - np.exp(-t / sweep))
    body = sine((cycles * CYCLE).astype(np.int64).astype(np.uint32)) * decay(n, sr, ring, 0.0008)
    tap = min(n, samples(0.03, sr))
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
    n = samples(tail * 6, sr)
    head = (sine(phase(185.0, n, sr)) + np.float32(0.5) * sine(phase(330.0, n, sr))) * decay(
        n, sr, 0.05, 0.001
    )
    wires = grit(noise(n, sr, rng, 1200.0, top_hz)) * decay(n, sr, tail, 0.001)
    return (head * np.float32(0.6) + wires * np.float32(0.35)) * np.float32(velocity)


def clap(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Hand clap: three quick noise bursts 11 ms apart (several hands) and a short room tail."""
    n = samples(0.6, sr)
    env = decay(n, sr, 0.11) * np.float32(0.6)
    gap = samples(0.011, sr)
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
    n = samples(tail * 6, sr)
    return grit(noise(n, sr, rng, low_hz, 12000.0)) * decay(n, sr, tail) * np.float32(0.3 * velocity)


def crash(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Crash cymbal: bright noise with a 0.8 s time constant and a softer low shimmer."""
    n = samples(4.0, sr)
    body = grit(noise(n, sr, rng, 4000.0, 15000.0) + np.float32(0.4) * noise(n, sr, rng, 2000.0, 5000.0))
    return body * decay(n, sr, 0.8, 0.002) * np.float32(0.2 * velocity)


def boom(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Cinematic boom: a very low, long kick with a dull noise thump (a big drum in a hall)."""
    body = kick(freq, gate, 1.0, sr, rng, top_hz=95.0, low_hz=38.0, ring=0.9, click=0.0)
    thump = min(body.size, samples(1.0, sr))
    body[:thump] += noise(thump, sr, rng, 30.0, 350.0) * decay(thump, sr, 0.18, 0.002) * np.float32(0.25)
    return body * np.float32(velocity)


def tom(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Low tom: a short, higher kick sweep with a touch of skin noise."""
    return kick(freq, gate, velocity, sr, rng, top_hz=170.0, low_hz=95.0, ring=0.25, click=0.5)


def riser(freq: float, gate: float, velocity: float, sr: int, rng: np.random.Generator) -> Signal:
    """Noise swell over ``gate`` s that brightens as it grows and lands just before the next downbeat
    (a 50 ms fade: it never ends on a click). Kept below 6 kHz: a background swell, not a hiss."""
    n = samples(gate, sr)
    x = times(n, sr) * np.float32(sr / n)
    tone = noise(n, sr, rng, 200.0, 1200.0) * (np.float32(1.0) - x) + noise(n, sr, rng, 1200.0, 6000.0) * x
    land = np.minimum((np.float32(1.0) - x) * np.float32(n / (0.05 * sr)), np.float32(1.0))
    return played(tone, x**2.5 * land, 0.25 * velocity)
