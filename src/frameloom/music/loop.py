"""Built-in background music for ``bgm:<style>`` audio sources (SPEC section 5), with nothing to download.

A style is first *composed* into a :class:`~frameloom.music.theory.Score` (a key, a chord progression and
every note, all chosen by the seed), then *rendered* by the instruments and the loop mixer into one
seamless 8-bar stereo loop, and :func:`music` repeats that loop to any length.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from frameloom.domain.errors import InvalidRequest, UnknownStyle
from frameloom.domain.images import MAX_SEED
from frameloom.domain.video import MUSIC_STYLES
from frameloom.music import synth
from frameloom.music.mixer import LoopMixer
from frameloom.music.styles import SOUNDS, Style
from frameloom.music.theory import BARS, LOOP_STEPS, Key, Score, progression

SAMPLE_RATES = (8000, 192000)  # the accepted range, Hz
MAX_SECONDS = 600.0  # a draft is at most 10 minutes (SPEC section 5)


# --- public API ----------------------------------------------------------------------------------------


def _check_style(style: str) -> Style:
    if style not in SOUNDS:
        raise UnknownStyle(style, list(MUSIC_STYLES))
    return SOUNDS[style]


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InvalidRequest.of("seed", f"{seed!r}: must be an integer 0 to {MAX_SEED}")


def _check_rate(sample_rate: int) -> None:
    low, high = SAMPLE_RATES
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not low <= sample_rate <= high:
        raise InvalidRequest.of("sample_rate", f"{sample_rate!r}: must be an integer {low} to {high} Hz")


def _rng(style: str, seed: int, stream: str) -> np.random.Generator:
    """A generator for one use (composing, rendering) of one (style, seed): stable across runs and versions
    of Python, and independent per stream so changing the sound never changes the notes. Hashed, because
    small integer seeds fed straight to numpy gave equal first draws (the same key for seeds 0 and 1)."""
    digest = hashlib.blake2b(f"{style}/{stream}/{seed}".encode(), digest_size=16).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


def score(style: str, seed: int = 0) -> Score:
    """What the loop of ``style`` with ``seed`` plays: key, chords and every note. Deterministic.

    Raises :class:`~frameloom.domain.errors.UnknownStyle` (an ``InvalidRequest`` on field ``style`` that
    lists the styles) or ``InvalidRequest`` on ``seed`` (an integer 0..2**32-1).
    """
    spec = _check_style(style)
    _check_seed(seed)
    rng = _rng(style, seed, "score")
    key = Key(int(rng.integers(12)), spec.harmony.minor)
    chords = progression(spec.harmony, key, rng)
    notes = sorted(spec.arrange(key, chords, rng), key=lambda n: (n.step, n.part, n.pitch))
    return Score(style, seed, spec.bpm, BARS, key.name, chords, tuple(notes))


def music_loop(style: str, seed: int = 0, sample_rate: int = 48000) -> NDArray[np.float32]:
    """One seamless loop of ``style``: ``(n, 2)`` float32 stereo, peaks under 0.9, at ``sample_rate`` Hz,
    8 bars long (lofi 24 s, ambient 32 s, upbeat 16 s, cinematic about 27.4 s). Played end to end it
    never clicks: note tails, echoes and reverb from the end of the loop already sound at its start.

    The same arguments give identical samples; another seed gives another key, progression, tune and
    groove. The result is cached and read-only (copy it to change it).

    Raises :class:`~frameloom.domain.errors.UnknownStyle` on ``style`` and ``InvalidRequest`` on ``seed``
    or ``sample_rate`` (an integer 8000..192000).
    """
    _check_style(style)
    _check_seed(seed)
    _check_rate(sample_rate)
    return _loop(style, seed, sample_rate)


def music(
    style: str, seconds: float, seed: int = 0, sample_rate: int = 48000, fade_out_s: float = 0.0
) -> NDArray[np.float32]:
    """``seconds`` of ``style``: exactly ``round(seconds * sample_rate)`` samples, ``(n, 2)`` float32, the
    loop repeated from its start, faded to silence (a half cosine) over the last ``fade_out_s`` seconds.

    Raises ``InvalidRequest`` on ``seconds`` (more than 0, at most :data:`MAX_SECONDS`), ``fade_out_s``
    (0..seconds) and everything :func:`music_loop` raises.
    """
    _check_style(style)
    _check_seed(seed)
    _check_rate(sample_rate)
    if not 0 < seconds <= MAX_SECONDS:  # also refuses NaN
        raise InvalidRequest.of("seconds", f"{seconds!r}: must be more than 0 and at most {MAX_SECONDS}")
    if not 0 <= fade_out_s <= seconds:
        raise InvalidRequest.of("fade_out_s", f"{fade_out_s!r}: must be 0 to {seconds} seconds")
    n = round(seconds * sample_rate)
    out = np.resize(_loop(style, seed, sample_rate), (n, 2))  # repeats the rows in order: a new, tiled array
    fade = round(fade_out_s * sample_rate)
    if fade:
        ramp = 0.5 + 0.5 * np.cos(np.arange(1, fade + 1) * (math.pi / fade))
        out[-fade:] *= ramp.astype(np.float32)[:, None]
    return out


# --- rendering -----------------------------------------------------------------------------------------


def _is_smooth(n: int) -> bool:
    for p in (2, 3, 5, 7, 11):
        while n % p == 0:
            n //= p
    return n == 1


def _step_samples(bpm: float, sr: int) -> int:
    """Samples per sixteenth note, nudged (by well under 1 %) to a number with only small prime factors:
    the whole loop is then a fast FFT size; a large prime factor would make it ten times slower."""
    target = round(sr * 60.0 / bpm / 4.0)
    return next(m for d in range(target) for m in (target + d, target - d) if m > 0 and _is_smooth(m))


def _swing(step: float, ratio: float) -> float:
    """Where a straight-grid ``step`` (sixteenths) falls once swung: the off-beat eighth of each beat moves
    from half-way to ``ratio`` of the beat, and the sixteenths around it stretch to match."""
    beat, within = divmod(step / 4.0, 1.0)
    bent = within / 0.5 * ratio if within < 0.5 else ratio + (within - 0.5) / 0.5 * (1.0 - ratio)
    return (beat + bent) * 4.0


def _pump(n: int, beat: int, sr: int, depth: float) -> synth.Signal:
    """The sidechain duck: on every beat the gain dips by ``depth`` within 5 ms and recovers over ~0.2 s,
    the "breathing" of dance music that leaves room for the kick."""
    t = (np.arange(n) % beat).astype(np.float32) * np.float32(1.0 / sr)
    dip = np.minimum(t * np.float32(200.0), np.float32(1.0)) * np.exp(t * np.float32(-1.0 / 0.09))
    curve: synth.Signal = np.float32(1.0) - np.float32(depth) * dip
    return curve


@lru_cache(maxsize=8)
def _loop(style: str, seed: int, sr: int) -> NDArray[np.float32]:
    """Render one loop (cached: a loop is 6 to 12 MB at 48 kHz): compose the score, synthesise each note
    at its swung onset into the circular mixer, then run the master bus."""
    spec = SOUNDS[style]
    plan = score(style, seed)
    step = _step_samples(spec.bpm, sr)
    n = LOOP_STEPS * step
    master = replace(spec.master, echo_s=spec.echo_steps * step / sr)
    mixer = LoopMixer(n, sr, master, _pump(n, 4 * step, sr, spec.pump) if spec.pump else None)
    rng = _rng(style, seed, "render")
    for note in plan.notes:
        part = spec.parts[note.part]
        start = round(_swing(note.step, spec.swing) * step)
        sound = part.voice(synth.midi_hz(note.pitch), note.length * step / sr, note.velocity, sr, rng)
        mixer.add(start, sound, part.channel)
    loop = mixer.render(rng)
    loop.setflags(write=False)
    return loop
