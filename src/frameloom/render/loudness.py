"""Loudness: the whole timeline's mix at -14 LUFS integrated, true peaks under -1 dBTP.

Streaming platforms play everything at about -14 LUFS (EBU R128 / ITU-R
BS.1770 integrated loudness) and ask for true peaks of at most -1 dBTP, the
headroom a lossy encoder's overshoot needs. The master follows the usual two
passes, both streamed in one-second blocks (a 10-minute mix is never held):

1. measure: the raw mix through FFmpeg's ``ebur128`` filter (PyAV), a real
   BS.1770-4 meter: integrated loudness (gated) and true peak;
2. one gain to the target (at most +30 dB; silence, below the meter's
   absolute gate of -70 LUFS, gets none), then a look-ahead true-peak limiter.

The limiter is a pure function of a short window around each sample (no state
carried from block to block), so :class:`MasteredMix` serves any range of the
mix in any order: the compositor reads it frame by frame, an exporter that
renders video in parallel chunks can read the audio once on its own.

Limiter: each sample's peak is its own and its 4x-oversampled neighbours'
(a windowed-sinc interpolator, as BS.1770-4's true-peak meter does), the gain
it needs to stay under the ceiling is held for 50 ms and then averaged over
10 ms (min-hold wider than the average: the average never exceeds the gain
any sample in it needs). Gains ramp down over 5 ms before a peak and back up
over 10 ms after the hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np

from frameloom.render.audio import RATE, Array, AudioClip, mix_raw

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
# the limiter aims 1 dB under the ceiling: decoded AAC, Opus and MP3 overshoot it by up to 0.9 dB
# (measured: bgm:upbeat limited to -2.0 dBTP decodes at -1.39 from AAC, -1.08 from Opus)
LIMIT_DBTP = -2.5
SILENCE_LUFS = -70.0  # BS.1770's absolute gate: quieter than this is nothing to measure
MAX_GAIN_DB = 30.0
BLOCK = RATE  # samples per processed block (1 s)
ATTACK = RATE // 200  # 5 ms: the gain ramps down over this before a peak (2 x ATTACK wide average)
HOLD = RATE // 20  # 50 ms: then holds before it ramps back up
_TAPS = np.arange(-5, 7)  # the interpolator's 12 taps per phase around a sample
# Lossy encoders drop what lies above about 16 kHz, and a waveform that loses its top band peaks higher
# (bgm:upbeat's hi-hats limited to -2 dBTP came back from AAC at +0.2 dBTP): the master is band-limited
# there first, so the limiter sees the peaks the listener's decoder will make.
LOWPASS_HZ = 15000
_LOWPASS_HALF = 32  # taps each side
MARGIN_BEFORE = 2 * ATTACK + HOLD + 8
MARGIN_AFTER = 2 * ATTACK + 8

Read = Callable[[int, int], Array]


@dataclass(frozen=True)
class Loudness:
    """A measured mix: integrated loudness in LUFS (None: silence) and true peak in dBTP (None: silence,
    or not asked for)."""

    integrated_lufs: float | None
    true_peak_dbtp: float | None


def measure(read: Read, total: int, block: int = BLOCK, true_peak: bool = True) -> Loudness:
    """BS.1770-4 loudness of samples ``[0, total)`` as ``read(start, count)`` gives them
    (``(count, 2) float32`` at 48 kHz), streamed through FFmpeg's ``ebur128`` filter; its true
    peak (4x oversampled) when ``true_peak``, which costs 3.5 times the loudness alone."""
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="fltp", sample_rate=RATE, layout="stereo", time_base=Fraction(1, RATE))
    meter = graph.add("ebur128", "metadata=1:peak=true" if true_peak else "metadata=1")
    sink = graph.add("abuffersink")
    source.link_to(meter)
    meter.link_to(sink)
    graph.configure()
    last: dict[str, str] = {}
    for start in range(0, total, block):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(read(start, min(block, total - start)).T),
                                           format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
        graph.push(frame)
        last = _drain(graph) or last
    graph.push(None)
    last = _drain(graph) or last
    return _loudness(last)


def _drain(graph: av.filter.Graph) -> dict[str, str]:
    """The metadata of the last frame the meter gives back now ({} when none)."""
    last: dict[str, str] = {}
    while True:
        try:
            frame = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return last
        last = dict(frame.metadata)


def _loudness(meta: dict[str, str]) -> Loudness:
    integrated = float(meta.get("lavfi.r128.I", "-inf"))
    if not integrated > SILENCE_LUFS:
        return Loudness(None, None)
    peak = float(meta.get("lavfi.r128.true_peak", "0"))
    return Loudness(integrated, 20 * math.log10(peak) if peak > 0 else None)


def gain_for(loudness: Loudness, target_lufs: float = TARGET_LUFS) -> float:
    """The linear gain that brings ``loudness`` to ``target_lufs``: 1 for silence, at most +30 dB."""
    if loudness.integrated_lufs is None:
        return 1.0
    return float(10 ** (min(target_lufs - loudness.integrated_lufs, MAX_GAIN_DB) / 20))


def _lowpass() -> Array:
    """Taps of a linear-phase low-pass at ``LOWPASS_HZ`` (windowed sinc, Blackman, unit gain at DC)."""
    n = np.arange(-_LOWPASS_HALF, _LOWPASS_HALF + 1)
    taps = np.sinc(2 * LOWPASS_HZ / RATE * n) * np.blackman(len(n))
    out: Array = (taps / taps.sum()).astype(np.float32)
    return out


_LOWPASS_TAPS = _lowpass()


def _fir(x: Array, taps: Array, before: int) -> Array:
    """``out[i] = sum_k taps[k] * x[i + k - before]`` down the columns of ``(n, c) float32`` ``x``,
    for the ``n - len(taps) + 1`` rows where the window is inside ``x`` (OpenCV's SIMD filter)."""
    kernel = np.ascontiguousarray(taps, np.float32).reshape(1, -1)
    rows = np.ascontiguousarray(x.T, np.float32)  # one row per channel: OpenCV runs along rows fastest
    out: Array = cv2.filter2D(rows, -1, kernel, anchor=(before, 0), borderType=cv2.BORDER_CONSTANT)
    return out[:, before:len(x) - (len(taps) - 1 - before)].T


def band_limited(x: Array) -> Array:
    """``x`` (``(n, 2)``) low-passed at ``LOWPASS_HZ``: ``(n - 64, 2)``, the samples 32 .. n - 33."""
    return _fir(x, _LOWPASS_TAPS, _LOWPASS_HALF)


def _interpolator() -> Array:
    """``(3, 12)`` taps of a 4x windowed-sinc interpolator: the values a quarter, a half and
    three quarters of a sample after each sample (Kaiser window, unit gain at DC)."""
    rows = []
    for phase in (0.25, 0.5, 0.75):
        t = phase - _TAPS
        window = np.i0(6.0 * np.sqrt(np.clip(1 - (t / 6.5) ** 2, 0, 1))) / np.i0(6.0)
        taps = np.sinc(t) * window
        rows.append(taps / taps.sum())
    return np.asarray(rows)


_PHASES = _interpolator()


def peaks(x: Array) -> Array:
    """``(n - 12,)`` true-peak estimates of samples 6 .. n - 7 of ``x`` (``(n, 2)``): each sample's
    magnitude and its interpolated neighbours' on both sides, the larger channel's."""
    inner = np.abs(x[6:-6]).max(axis=1)
    # [i]: between samples 5 + i and 6 + i (taps on x[i .. i + 11]), the larger channel and phase
    between = np.max([np.abs(_fir(x, taps, 0)).max(axis=1) for taps in _PHASES], axis=0)
    out: Array = np.maximum(inner, np.maximum(between[:-1], between[1:]))
    return out


def window_min(x: Array, width: int) -> Array:
    """``out[j] = min(x[j : j + width])`` for each full window (van Herk / Gil-Werman, O(n))."""
    n = len(x)
    padded = np.concatenate([x, np.full((-n) % width, np.inf, x.dtype)]).reshape(-1, width)
    ahead = np.minimum.accumulate(padded, axis=1).ravel()
    behind = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    out: Array = np.minimum(behind[: n - width + 1], ahead[width - 1 : n])
    return out


def window_mean(x: Array, width: int) -> Array:
    """``out[j] = mean(x[j : j + width])`` for each full window."""
    sums = np.concatenate([[0.0], np.cumsum(x, dtype=np.float64)])
    out: Array = ((sums[width:] - sums[:-width]) / width).astype(np.float32)
    return out


def limiter_gains(x: Array, ceiling: float) -> Array:
    """Gains for samples ``MARGIN_BEFORE .. n - MARGIN_AFTER`` of ``x`` (``(n, 2)``) that keep
    their true peaks under ``ceiling`` (linear), ramping smoothly (see the module's docstring)."""
    count = len(x) - MARGIN_BEFORE - MARGIN_AFTER
    # below half the ceiling no interpolated peak of real audio comes near it
    if float(np.abs(x).max(initial=0.0)) < ceiling / 2:
        return np.ones(count, np.float32)
    need = np.minimum(1.0, ceiling / np.maximum(peaks(x), 1e-9)).astype(np.float32)  # samples 6 ..
    held = window_min(need, 2 * ATTACK + HOLD + 1)  # held[k] covers need[k .. k + 2A + H]
    gains = window_mean(held, 2 * ATTACK + 1)
    # gains[j] is the gain of sample 6 + j + 2A + H (the hold looks H + A back, A ahead; the average A each way)
    first = MARGIN_BEFORE - (6 + 2 * ATTACK + HOLD)
    return gains[first : first + count]


class MasteredMix:
    """The timeline's mix at ``target_lufs`` under ``CEILING_DBTP``: ``read(start, count)`` for any range.

    Building it measures the whole mix (the first pass); reads are computed a block at a time
    with the margins the limiter looks at, the last block kept for the frame-sized reads that follow.
    """

    def __init__(self, clips: Sequence[AudioClip], total: int, target_lufs: float = TARGET_LUFS) -> None:
        self.clips, self.total = list(clips), total
        # the limiter finds the peaks itself: the meter's own true peak is not needed here
        self.before = measure(self._raw, total, true_peak=False) if self.clips else Loudness(None, None)
        self.gain = gain_for(self.before, target_lufs)
        self.ceiling = float(10 ** (LIMIT_DBTP / 20))
        self._cached: tuple[int, Array] | None = None

    def _raw(self, start: int, count: int) -> Array:
        return band_limited(mix_raw(self.clips, start - _LOWPASS_HALF, count + 2 * _LOWPASS_HALF))

    def read(self, start: int, count: int) -> Array:
        """``(count, 2) float32`` of the mastered mix from sample ``start``."""
        out = np.zeros((count, 2), np.float32)
        if not self.clips:
            return out
        pos = start
        while pos < start + count:
            index = pos // BLOCK
            block = self._block(index)
            lo, hi = pos - index * BLOCK, min(start + count - index * BLOCK, BLOCK)
            out[pos - start : pos - start + hi - lo] = block[lo:hi]
            pos += hi - lo
        return out

    def _block(self, index: int) -> Array:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        start = index * BLOCK
        x = self._raw(start - MARGIN_BEFORE, MARGIN_BEFORE + BLOCK + MARGIN_AFTER)
        x *= np.float32(self.gain)
        block: Array = x[MARGIN_BEFORE : MARGIN_BEFORE + BLOCK] * limiter_gains(x, self.ceiling)[:, None]
        self._cached = (index, block)
        return block
