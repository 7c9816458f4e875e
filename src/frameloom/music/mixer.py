"""The circular loop mixer of the built-in music: channels, the master bus, echo, reverb, tone, loudness.

One loop of ``n`` samples repeats forever, so everything here is circular: a note that rings past the end
of the loop wraps to its start (echo repeats too), and the master filters and reverb are applied to the
spectrum of the whole loop (one FFT), which is exactly the steady state a repeating loop reaches.

Units: times in seconds, frequencies in Hz, positions and lengths in samples, levels linear (1.0 = full
scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from frameloom.music.synth import SIXTY_DB, Signal, Spectrum, band_gain, pow2_at_least

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
    size = min(pow2_at_least(int((rt60 + 0.015) * sr)), n)
    t = np.arange(size, dtype=np.float64) / sr - 0.015
    onset = np.clip(t / 0.01, 0.0, 1.0)  # the first reflections build up rather than start at full level
    low_gain = band_gain(np.fft.rfftfreq(size, 1.0 / sr), 0.0, damping_hz)
    sides = []
    for _ in range(2):
        white = rng.standard_normal(size)
        low = np.fft.irfft(np.fft.rfft(white) * low_gain, size)
        side = (
            low * np.exp(-SIXTY_DB * t / rt60) + (white - low) * np.exp(-SIXTY_DB * t / (0.45 * rt60))
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
