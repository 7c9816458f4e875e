"""The four built-in styles: what each plays (its arrangement) and how it sounds (tempo, swing, harmony,
instruments, channels and master bus). The names are :data:`frameloom.domain.video.MUSIC_STYLES`.

    lofi       80 bpm, swung boom-bap drums, electric-piano seventh and ninth chords, round bass, a soft
               lead, vinyl crackle, tape wow and a warm low-pass
    ambient    60 bpm, slow detuned pads, a sub drone and sparse glass bells in a long reverb; no drums
    upbeat    120 bpm, four on the floor: pumping pad, plucked chords and arpeggio, synth bass, claps
    cinematic  70 bpm, minor: swelling strings, a low ostinato, booms and toms, a riser into the loop point

Levels: peaks stay at or below 0.9 and the RMS is -17 to -15 dBFS (background level), so a volume of
0.35 puts the music about 9 dB under that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from frameloom.music import instruments
from frameloom.music.mixer import Channel, Master
from frameloom.music.synth import Voice
from frameloom.music.theory import BARS, STEPS_PER_BAR, Chord, Harmony, Key, Note, pick
from frameloom.music.writing import (
    APPROACH,
    BassPattern,
    arpeggio,
    bass_line,
    bass_pitch,
    hits,
    melody,
)

# --- the four styles -----------------------------------------------------------------------------------

_LAST_BAR = range(BARS - 1, BARS)
_LOFI_KICKS = ((0, 7, 10), (0, 10), (0, 3, 10), (0, 8, 10), (0, 6, 10, 11))
_LOFI_COMPING = (((0, 14),), ((0, 9), (10, 6)), ((0, 6), (6, 10)), ((0, 3), (3, 11), (14, 2)))
_LOFI_BASS: tuple[BassPattern, ...] = (
    ((0, 0, 7.0), (10, 0, 4.0), (14, APPROACH, 2.0)),
    ((0, 0, 9.0), (10, 7, 4.0), (14, 12, 2.0)),
    ((0, 0, 5.0), (6, 0, 2.0), (10, 7, 5.0)),
)


def _lofi(key: Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Boom-bap: a kick pattern by seed, a lazy snare on 2 and 4, swung eighth hats, a ghost-note fill
    into the loop point, rolled electric-piano chords, a round bass and a soft lead."""
    notes = hits("kick", pick(rng, _LOFI_KICKS), 0.95, rng, jitter=0.03)
    snares = hits("snare", (4, 12), 0.8, rng, jitter=0.03)
    notes += [replace(n, step=n.step + 0.12) for n in snares]  # laid back behind the beat
    notes += hits("hat", (0, 4, 8, 12), 0.6, rng, jitter=0.04)
    notes += hits("hat", (2, 6, 10, 14), 0.38, rng, jitter=0.04)
    notes += hits("snare", (14, 15), 0.22, rng, bars=_LAST_BAR)
    comping = pick(rng, _LOFI_COMPING)
    for chord in chords:
        for start, length in comping:
            level = 0.75 if start == 0 else 0.55
            for i, pitch in enumerate(chord.voicing):  # rolled: each key a hair after the one below
                notes.append(Note("keys", chord.step + start + 0.06 * i, length, pitch, level))
    notes += bass_line("bass", chords, pick(rng, _LOFI_BASS), 0.9)
    notes += melody("lead", key, chords, rng, register=(64, 84), density=0.6, max_len=6, velocity=0.7)
    return notes


def _ambient(key: Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Slow pads held across each chord (overlapping a little so there is never a gap), a shimmer an
    octave up, a sub drone on the root and a few glass bells."""
    notes: list[Note] = []
    for chord in chords:
        notes += [Note("pad", chord.step, chord.length + 1, p, 0.8) for p in chord.voicing]
        notes += [Note("shimmer", chord.step + 2, chord.length - 2, p + 12, 0.5) for p in chord.voicing[-2:]]
        notes.append(Note("sub", chord.step, chord.length, bass_pitch(chord.root, 36), 0.7))
    notes += melody("bell", key, chords, rng, register=(72, 91), density=0.35, max_len=8, velocity=0.6)
    return notes


_UPBEAT_KICKS = ((0, 4, 8, 12), (0, 4, 8, 12), (0, 4, 8, 11, 12))
_UPBEAT_BASS: tuple[BassPattern, ...] = (
    tuple((s, 12 if s % 4 == 2 else 0, 1.5) for s in range(0, 16, 2)),  # octave jumps on the off-beats
    ((0, 0, 1.5), (2, 0, 1.5), (6, 0, 1.5), (7, 7, 1.0), (10, 0, 1.5), (14, 0, 1.5)),
    ((0, 0, 3.0), (3, 0, 1.5), (6, 12, 1.5), (8, 0, 3.0), (11, 7, 1.5), (14, 12, 1.5)),
)
_UPBEAT_STABS = ((2, 6, 10, 14), (0, 3, 6, 10, 12), (0, 6, 12))


def _upbeat(key: Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Four on the floor with claps on 2 and 4, sixteenth or off-beat open hats, a crash at the top and a
    snare fill into the loop point; a pumping pad, plucked chord stabs, an arpeggio and a lead hook."""
    notes = hits("kick", pick(rng, _UPBEAT_KICKS), 1.0, rng)
    notes += hits("clap", (4, 12), 0.85, rng) + hits("snare", (4, 12), 0.45, rng)
    if rng.random() < 0.5:
        notes += hits("hat", (0, 2, 4, 6, 8, 10, 12, 14), 0.6, rng) + hits("hat", (1, 5, 9, 13), 0.3, rng)
        notes += hits("hat", (3, 7, 11, 15), 0.3, rng)
    else:
        notes += hits("hat", (0, 4, 8, 12), 0.5, rng) + hits("open_hat", (2, 6, 10, 14), 0.5, rng)
    notes += hits("crash", (0,), 0.7, rng, bars=range(1))
    fill = hits("snare", (12, 13, 14, 15), 0.8, rng, bars=_LAST_BAR)
    notes += [replace(n, velocity=n.velocity * (0.5 + 0.15 * i)) for i, n in enumerate(fill)]  # crescendo
    stabs = pick(rng, _UPBEAT_STABS)
    for chord in chords:
        notes += [Note("pad", chord.step, chord.length, p, 0.7) for p in chord.voicing]
        notes += [Note("stab", chord.step + s, 1.5, p, 0.7) for s in stabs for p in chord.voicing]
    notes += bass_line("bass", chords, pick(rng, _UPBEAT_BASS), 0.9)
    notes += arpeggio("arp", chords, rng, every=2, up=12, velocity=0.6)
    notes += melody("lead", key, chords, rng, register=(76, 91), density=0.65, max_len=4, velocity=0.7)
    return notes


_OSTINATI = ((0, 1, 2, 1), (0, 2, 1, 2), (0, 1, 2, 3), (0, 2, 3, 2))  # into (root, fifth, octave, tenth)


def _ostinato(chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Low strings in eighth notes on root, fifth, octave and tenth, growing louder through each chord."""
    shape = pick(rng, _OSTINATI)
    notes: list[Note] = []
    for chord in chords:
        root = bass_pitch(chord.root, 40)
        third = min((p - chord.root) % 12 for p in chord.voicing if (p - chord.root) % 12 in (3, 4))
        tones = (root, root + 7, root + 12, root + 12 + third)
        count = chord.length // 2
        for i in range(count):
            notes.append(
                Note("ostinato", chord.step + 2 * i, 1.6, tones[shape[i % 4]], 0.45 + 0.4 * i / count)
            )
    return notes


def _cinematic(key: Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Strings swelling through each chord over a sub and a low ostinato, a boom on every chord change,
    toms building through the second half, a riser into the loop point and a sparse high piano line."""
    notes = _ostinato(chords, rng)
    for chord in chords:
        notes += [Note("strings", chord.step, chord.length, p, 0.85) for p in chord.voicing]
        notes.append(Note("sub", chord.step, chord.length, bass_pitch(chord.root, 33), 0.7))
    notes += hits("boom", (0,), 1.0, rng, bars=range(0, BARS, 2))
    build = hits("tom", (0, 4, 8, 12), 1.0, rng, bars=range(BARS // 2, BARS))
    notes += [
        replace(n, velocity=n.velocity * (0.3 + 0.12 * (n.step // STEPS_PER_BAR - BARS // 2))) for n in build
    ]
    notes += hits("tom", (2, 6, 10, 14), 0.6, rng, bars=_LAST_BAR)
    notes.append(Note("riser", (BARS - 1) * STEPS_PER_BAR, STEPS_PER_BAR, 0, 0.9))
    notes += melody("piano", key, chords, rng, register=(65, 84), density=0.35, max_len=8, velocity=0.55)
    return notes


# --- how each style sounds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    voice: Voice
    channel: Channel


@dataclass(frozen=True)
class Style:
    """A style: tempo (``bpm``), ``swing`` (where the off-beat eighth falls in the beat: 0.5 straight),
    ``harmony``, the ``arrange`` function that writes the notes, how each part sounds (``parts``), the
    ``master`` bus, ``echo_steps`` (echo time in sixteenths) and ``pump`` (depth of the beat-synced duck).
    """

    bpm: float
    swing: float
    harmony: Harmony
    arrange: Callable[[Key, tuple[Chord, ...], np.random.Generator], list[Note]]
    parts: Mapping[str, _Part]
    master: Master
    echo_steps: int = 3
    pump: float = 0.0


_TRIAD = (0, 2, 4)
_ADD9 = (0, 2, 4, 8)
_NINTH = (0, 2, 4, 6, 8)

SOUNDS: dict[str, Style] = {
    "lofi": Style(
        bpm=80.0,
        swing=0.6,
        harmony=Harmony(
            minor=False,
            progressions=((1, 4, 0, 5), (0, 5, 1, 4), (3, 2, 1, 0), (5, 1, 4, 0), (3, 4, 2, 5)),
            chord_bars=1,
            tones=_NINTH,
            register=(52, 74),
        ),
        arrange=_lofi,
        parts={
            "kick": _Part(
                partial(instruments.kick, top_hz=120.0, low_hz=50.0, ring=0.28, click=0.15), Channel(0.65)
            ),
            "snare": _Part(
                partial(instruments.snare, top_hz=6000.0, tail=0.12), Channel(1.6, pan=0.05, reverb=0.25)
            ),
            "hat": _Part(partial(instruments.hat, tail=0.03, low_hz=3500.0), Channel(5.0, pan=0.3)),
            "keys": _Part(instruments.epiano, Channel(0.3, pan=-0.15, reverb=0.3, width_s=0.012)),
            "bass": _Part(instruments.bass, Channel(0.35)),
            "lead": _Part(instruments.lead, Channel(0.24, pan=0.2, reverb=0.35, echo=0.25)),
        },
        master=Master(
            reverb_s=1.2,
            reverb_damping_hz=3000.0,
            echo_feedback=0.3,
            lowpass_hz=3800.0,
            crackle=0.5,
            wow_cents=6.0,
        ),
    ),
    "ambient": Style(
        bpm=60.0,
        swing=0.5,
        harmony=Harmony(
            minor=False,
            progressions=((0, 3, 5, 4), (0, 4, 5, 3), (5, 3, 0, 4), (0, 2, 3, 0), (3, 0, 4, 5)),
            chord_bars=2,
            tones=_ADD9,
            register=(50, 72),
        ),
        arrange=_ambient,
        parts={
            "pad": _Part(
                partial(instruments.pad, attack=2.5, release=3.0, limit_hz=1800.0), Channel(0.35, reverb=0.5)
            ),
            "shimmer": _Part(
                partial(instruments.pad, attack=3.0, release=3.0, limit_hz=3500.0, detune_cents=5.0),
                Channel(0.18, reverb=0.8),
            ),
            "sub": _Part(instruments.sub, Channel(0.27)),
            "bell": _Part(instruments.bell, Channel(0.26, pan=0.25, reverb=0.6, echo=0.35)),
        },
        master=Master(
            reverb_s=4.5, reverb_damping_hz=4000.0, echo_feedback=0.4, lowpass_hz=9000.0, rms_dbfs=-17.0
        ),
    ),
    "upbeat": Style(
        bpm=120.0,
        swing=0.5,
        harmony=Harmony(
            minor=False,
            progressions=((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4), (3, 0, 4, 5), (0, 3, 5, 4)),
            chord_bars=1,
            tones=_TRIAD,
            register=(55, 72),
        ),
        arrange=_upbeat,
        parts={
            "kick": _Part(partial(instruments.kick, top_hz=160.0, low_hz=50.0, ring=0.25, click=0.4), Channel(1.0)),
            "clap": _Part(instruments.clap, Channel(4.5, reverb=0.2)),
            "snare": _Part(instruments.snare, Channel(2.0, pan=0.05, reverb=0.15)),
            "hat": _Part(instruments.hat, Channel(3.5, pan=0.35)),
            "open_hat": _Part(partial(instruments.hat, tail=0.18), Channel(1.5, pan=0.35)),
            "crash": _Part(instruments.crash, Channel(3.0, pan=-0.3, reverb=0.2)),
            "pad": _Part(
                partial(instruments.pad, attack=0.05, release=0.3, limit_hz=3000.0),
                Channel(0.6, duck=1.0, reverb=0.2),
            ),
            "stab": _Part(partial(instruments.pluck, ring=0.18), Channel(0.75, pan=-0.3, reverb=0.2, width_s=0.01)),
            "bass": _Part(partial(instruments.bass, growl=0.6), Channel(0.8, duck=0.6)),
            "arp": _Part(
                partial(instruments.pluck, shape="square", ring=0.15, dark_hz=1500.0),
                Channel(0.55, pan=0.4, echo=0.35, reverb=0.2),
            ),
            "lead": _Part(
                partial(instruments.pluck, ring=0.35, bright_hz=6000.0, dark_hz=2000.0),
                Channel(0.8, pan=0.1, reverb=0.3, echo=0.2),
            ),
        },
        master=Master(
            reverb_s=1.0, reverb_damping_hz=6000.0, echo_feedback=0.3, lowpass_hz=14000.0, rms_dbfs=-15.0
        ),
        pump=0.6,
    ),
    "cinematic": Style(
        bpm=70.0,
        swing=0.5,
        harmony=Harmony(
            minor=True,
            progressions=((0, 5, 2, 6), (0, 3, 5, 6), (0, 6, 5, 6), (0, 5, 6, 4)),
            chord_bars=2,
            tones=_TRIAD,
            register=(55, 74),
        ),
        arrange=_cinematic,
        parts={
            "strings": _Part(
                partial(instruments.pad, swell=0.6, release=2.0, limit_hz=3000.0, detune_cents=12.0),
                Channel(0.35, reverb=0.45),
            ),
            "ostinato": _Part(
                partial(instruments.pluck, ring=0.3, bright_hz=2500.0, dark_hz=900.0),
                Channel(0.38, pan=-0.2, reverb=0.3, width_s=0.008),
            ),
            "sub": _Part(instruments.sub, Channel(0.22)),
            "boom": _Part(instruments.boom, Channel(0.5, reverb=0.35)),
            "tom": _Part(instruments.tom, Channel(0.4, pan=0.2, reverb=0.4)),
            "riser": _Part(instruments.riser, Channel(0.6, reverb=0.3, width_s=0.015)),
            "piano": _Part(partial(instruments.epiano, bright=1.6), Channel(0.26, pan=0.25, reverb=0.6, echo=0.25)),
        },
        master=Master(reverb_s=3.2, reverb_damping_hz=4500.0, echo_feedback=0.35, lowpass_hz=12000.0),
    ),
}
