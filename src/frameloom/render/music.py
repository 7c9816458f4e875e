"""Built-in background music for ``bgm:<style>`` audio sources (SPEC section 5), with nothing to download.

A style is first *composed* into a :class:`Score` (a key, a chord progression and every note, all chosen
by the seed), then *rendered* by :mod:`frameloom.render.synth` into one seamless 8-bar stereo loop, and
:func:`music` repeats that loop to any length.

    lofi       80 bpm, swung boom-bap drums, electric-piano seventh and ninth chords, round bass, a soft
               lead, vinyl crackle, tape wow and a warm low-pass
    ambient    60 bpm, slow detuned pads, a sub drone and sparse glass bells in a long reverb; no drums
    upbeat    120 bpm, four on the floor: pumping pad, plucked chords and arpeggio, synth bass, claps
    cinematic  70 bpm, minor: swelling strings, a low ostinato, booms and toms, a riser into the loop point

Levels: peaks stay at or below 0.9 and the RMS is -17 to -15 dBFS (background level), so a volume of
0.35 puts the music about 9 dB under that.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from frameloom.domain.errors import InvalidRequest, UnknownStyle
from frameloom.domain.images import MAX_SEED
from frameloom.render import synth
from frameloom.render.synth import Channel, LoopMixer, Master, Voice

__all__ = ["MAX_SECONDS", "STYLES", "Chord", "Note", "Score", "music", "music_loop", "score"]

STYLES = ("lofi", "ambient", "upbeat", "cinematic")
SAMPLE_RATES = (8000, 192000)  # the accepted range, Hz
MAX_SECONDS = 600.0  # a draft is at most 10 minutes (SPEC section 5)
BARS = 8
STEPS_PER_BAR = 16  # the grid is in sixteenth notes
LOOP_STEPS = BARS * STEPS_PER_BAR

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
FLATS = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
SHARPS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_SHARP_KEYS = frozenset({7, 2, 9, 4, 11, 6})  # major tonics (G D A E B F#) whose scales are spelt with sharps
_QUALITIES = {(4, 7): "", (3, 7): "m", (3, 6): "dim", (4, 7, 11): "maj7", (3, 7, 10): "m7", (4, 7, 10): "7"}
_NINTHS = {"maj7": "maj9", "m7": "m9", "7": "9", "": "add9", "m": "madd9"}
_T = TypeVar("_T")


# --- the score: what is played -----------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """One event. ``step`` (onset) and ``length`` are in sixteenth notes from the loop start on the straight
    grid (swing is applied when rendering); ``pitch`` is a MIDI note (0 for drums); ``velocity`` 0..1.
    """

    part: str
    step: float
    length: float
    pitch: int = 0
    velocity: float = 1.0


@dataclass(frozen=True)
class Chord:
    """A chord of the progression: ``name`` ("Em7"), ``step`` and ``length`` in sixteenths, ``root`` pitch
    class (0 = C) and ``voicing`` (MIDI notes, low to high; ninth chords are voiced without the root).
    """

    name: str
    step: int
    length: int
    root: int
    voicing: tuple[int, ...]

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset({self.root, *(p % 12 for p in self.voicing)})


@dataclass(frozen=True)
class Score:
    """Everything one loop plays: ``bpm`` (nominal; the rendered loop is within 1 %), ``bars``, ``key``
    ("D major"), the ``chords`` in order and every ``note``.
    """

    style: str
    seed: int
    bpm: float
    bars: int
    key: str
    chords: tuple[Chord, ...]
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class _Key:
    tonic: int
    minor: bool

    @property
    def names(self) -> tuple[str, ...]:
        """Note names as this key spells them (F# in D major, Gb in Db major)."""
        relative_major = (self.tonic + 3) % 12 if self.minor else self.tonic
        return SHARPS if relative_major in _SHARP_KEYS else FLATS

    @property
    def name(self) -> str:
        return f"{self.names[self.tonic]} {'minor' if self.minor else 'major'}"

    def pc(self, degree: int) -> int:
        """Pitch class of scale degree ``degree`` (0 = tonic; 7 and up wrap)."""
        return (self.tonic + (MINOR if self.minor else MAJOR)[degree % 7]) % 12

    def pentatonic(self) -> frozenset[int]:
        """The five-note scale melodies use: it has no half steps, so it rarely clashes with a chord."""
        return frozenset(self.pc(d) for d in ((0, 2, 3, 4, 6) if self.minor else (0, 1, 2, 4, 5)))


@dataclass(frozen=True)
class _Harmony:
    """How a style builds chords: ``progressions`` of scale degrees (0 = I), ``chord_bars`` per chord,
    ``tones`` as scale steps above the root ((0, 2, 4) a triad, 6 the seventh, 8 the ninth), and the MIDI
    ``register`` the voicing stays in.
    """

    minor: bool
    progressions: tuple[tuple[int, ...], ...]
    chord_bars: int
    tones: tuple[int, ...]
    register: tuple[int, int]


def _chord_name(names: tuple[str, ...], root: int, pcs: frozenset[int]) -> str:
    intervals = sorted({(p - root) % 12 for p in pcs} - {0})
    core = tuple(i for i in intervals if i != 2)
    quality = _QUALITIES.get(core, "")
    if 2 in intervals:
        quality = _NINTHS.get(quality, quality + "add9")
    return names[root] + quality


def _pick(rng: np.random.Generator, options: tuple[_T, ...]) -> _T:
    """One of ``options``, chosen by the seed."""
    return options[int(rng.integers(len(options)))]


def _voice_lead(pcs: list[int], previous: tuple[int, ...] | None, low: int, high: int) -> tuple[int, ...]:
    """The close-position inversion of ``pcs`` within MIDI ``low``..``high`` that moves least from
    ``previous`` (smooth voice leading, as a pianist plays), with a pull toward the middle of the range so
    a progression does not drift to one end of it.
    """
    order = sorted(pcs, key=lambda p: (p - pcs[0]) % 12)
    options: list[tuple[int, ...]] = []
    for turn in range(len(order)):
        stack = order[turn:] + order[:turn]
        for base in range(low, high + 1):
            if base % 12 != stack[0]:
                continue
            notes = [base]
            for pc in stack[1:]:
                notes.append(notes[-1] + ((pc - notes[-1]) % 12 or 12))
            if notes[-1] <= high:
                options.append(tuple(notes))
    middle = (low + high) / 2

    def cost(voicing: tuple[int, ...]) -> float:
        centre = sum(voicing) / len(voicing)
        if previous is None:
            return abs(centre - middle)
        move: float
        if len(previous) == len(voicing):
            move = sum(abs(a - b) for a, b in zip(voicing, previous, strict=True))
        else:
            move = len(voicing) * abs(centre - sum(previous) / len(previous))
        return move + 0.5 * abs(centre - middle)

    return min(options, key=cost)


def _progression(harmony: _Harmony, key: _Key, rng: np.random.Generator) -> tuple[Chord, ...]:
    """The seed's chord progression, repeated to fill the loop. Each chord is voice-led from the one
    before, and the loop is voiced twice keeping the second pass, so that its last chord also leads
    smoothly into its first when the loop repeats."""
    degrees = _pick(rng, harmony.progressions)
    length = harmony.chord_bars * STEPS_PER_BAR
    count = LOOP_STEPS // length
    chords: list[Chord] = []
    voicing: tuple[int, ...] | None = None
    for i in range(2 * count):
        degree = degrees[i % len(degrees)]
        root = key.pc(degree)
        # A flat ninth (a half step over the root) is the one extension that sounds wrong here: drop it.
        pcs = [key.pc(degree + t) for t in harmony.tones if (key.pc(degree + t) - root) % 12 != 1]
        voiced = [p for p in pcs if p != root] if len(pcs) >= 5 else pcs  # the bass plays the root
        voicing = _voice_lead(voiced, voicing, *harmony.register)
        if i >= count:
            name = _chord_name(key.names, root, frozenset(pcs))
            chords.append(Chord(name, (i - count) * length, length, root, voicing))
    return tuple(chords)


# --- shared writing: melodies, arpeggios, bass lines, drums --------------------------------------------


def _chord_at(chords: tuple[Chord, ...], step: float) -> Chord:
    return chords[int(step // chords[0].length) % len(chords)]


# How likely a melody note is on each sixteenth of a beat: on the beat, after it, the off-beat eighth, before
# the next beat.
_BEAT_WEIGHTS = (1.0, 0.12, 0.55, 0.12)


def _rhythm(rng: np.random.Generator, density: float, span: int, max_len: int) -> list[tuple[int, int]]:
    """Onsets and lengths (sixteenths) of a phrase ``span`` steps long; notes favour beats, then eighths."""
    onsets = [s for s in range(span - 2) if rng.random() < density * _BEAT_WEIGHTS[s % 4]] or [0]
    ends = [*onsets[1:], span]
    return [(s, min(e - s, max_len)) for s, e in zip(onsets, ends, strict=True)]


def _moves(rng: np.random.Generator, count: int, choices: tuple[int, ...]) -> list[int]:
    """``count`` melodic moves, in steps of the scale."""
    return [int(m) for m in rng.choice(choices, size=count)]


def _melody(
    part: str,
    key: _Key,
    chords: tuple[Chord, ...],
    rng: np.random.Generator,
    *,
    register: tuple[int, int],
    density: float,
    max_len: int,
    velocity: float,
) -> list[Note]:
    """A tune in A A' A B form (two bars each) on the pentatonic scale: a motif, the motif with a changed
    ending, the motif again, and a sparser answer that lands on the tonic. Notes on beats 1 and 3 move to
    the nearest chord tone, so the tune follows the harmony.
    """
    pool = [p for p in range(register[0], register[1] + 1) if p % 12 in key.pentatonic()]
    motif = _rhythm(rng, density, 32, max_len)
    moves = _moves(rng, len(motif), (-2, -1, -1, 0, 1, 1, 2, 3, -3))  # mostly steps, a few leaps
    varied = moves[:-2] + [-m for m in moves[-2:]]
    answer = _rhythm(rng, density * 0.6, 28, max_len)
    phrases = (
        (motif, moves),
        (motif, varied),
        (motif, moves),
        (answer, _moves(rng, len(answer), (-2, -1, 1, 2))),
    )
    notes: list[Note] = []
    for section, (rhythm, steps) in enumerate(phrases):
        index = len(pool) // 2
        for (onset, length), move in zip(rhythm, steps, strict=True):
            index = min(max(index + move, 0), len(pool) - 1)
            at = section * 32 + onset
            if onset % 8 == 0:
                tones = _chord_at(chords, at).pitch_classes
                index = min(range(len(pool)), key=lambda i: (pool[i] % 12 not in tones, abs(i - index)))
            accent = 1.0 if onset % 4 == 0 else 0.8
            notes.append(Note(part, at, length, pool[index], velocity * accent))
    last = notes[-1]
    home = min((p for p in pool if p % 12 == key.tonic), key=lambda p: abs(p - last.pitch))
    notes[-1] = replace(last, pitch=home, length=max(last.length, 4))
    return notes


_ARP_SHAPES = ((0, 1, 2, 3), (0, 1, 2, 3, 2, 1), (0, 2, 1, 3), (3, 2, 1, 0), (0, 2, 3, 1))


def _arpeggio(
    part: str, chords: tuple[Chord, ...], rng: np.random.Generator, *, every: int, up: int, velocity: float
) -> list[Note]:
    """Chord tones played one at a time every ``every`` sixteenths, ``up`` semitones above the voicing,
    in a shape the seed picks (rising, rising and falling, broken)."""
    shape = _pick(rng, _ARP_SHAPES)
    notes: list[Note] = []
    for chord in chords:
        tones = [*chord.voicing, chord.voicing[0] + 12]
        for i, at in enumerate(range(chord.step, chord.step + chord.length, every)):
            pitch = tones[shape[i % len(shape)] % len(tones)] + up
            notes.append(Note(part, at, every * 0.8, pitch, velocity * (1.0 if at % 4 == 0 else 0.75)))
    return notes


def _bass_pitch(pc: int, low: int = 33) -> int:
    """The MIDI note of pitch class ``pc`` in the octave from ``low`` (33 = A1, 55 Hz) up."""
    return low + (pc - low) % 12


_APPROACH = -1  # in a bass pattern: a half step below the next chord's root, leading into it
BassPattern = tuple[tuple[int, int, float], ...]
"""(step in the bar, interval above the root or ``_APPROACH``, length in sixteenths) for each note."""


def _bass_line(part: str, chords: tuple[Chord, ...], pattern: BassPattern, velocity: float) -> list[Note]:
    """``pattern`` played in every bar under the chord sounding there."""
    notes: list[Note] = []
    for bar in range(BARS):
        root = _bass_pitch(_chord_at(chords, bar * STEPS_PER_BAR).root)
        following = _bass_pitch(_chord_at(chords, (bar + 1) * STEPS_PER_BAR).root)
        for step, interval, length in pattern:
            pitch = following - 1 if interval == _APPROACH else root + interval
            accent = 1.0 if step == 0 else 0.85
            notes.append(Note(part, bar * STEPS_PER_BAR + step, length, pitch, velocity * accent))
    return notes


def _hits(
    part: str,
    steps: tuple[int, ...],
    velocity: float,
    rng: np.random.Generator,
    *,
    bars: range = range(BARS),
    jitter: float = 0.0,
) -> list[Note]:
    """Drum hits on ``steps`` of every bar in ``bars``, each a little softer or harder, and off the grid
    by about ``jitter`` sixteenths, so the loop does not sound like a machine."""
    notes: list[Note] = []
    for bar in bars:
        for step in steps:
            late = float(rng.normal(0.0, jitter)) if jitter else 0.0
            level = velocity * float(rng.uniform(0.85, 1.0))
            notes.append(Note(part, bar * STEPS_PER_BAR + step + late, 1.0, 0, level))
    return notes


# --- the four styles -----------------------------------------------------------------------------------

_LAST_BAR = range(BARS - 1, BARS)
_LOFI_KICKS = ((0, 7, 10), (0, 10), (0, 3, 10), (0, 8, 10), (0, 6, 10, 11))
_LOFI_COMPING = (((0, 14),), ((0, 9), (10, 6)), ((0, 6), (6, 10)), ((0, 3), (3, 11), (14, 2)))
_LOFI_BASS: tuple[BassPattern, ...] = (
    ((0, 0, 7.0), (10, 0, 4.0), (14, _APPROACH, 2.0)),
    ((0, 0, 9.0), (10, 7, 4.0), (14, 12, 2.0)),
    ((0, 0, 5.0), (6, 0, 2.0), (10, 7, 5.0)),
)


def _lofi(key: _Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Boom-bap: a kick pattern by seed, a lazy snare on 2 and 4, swung eighth hats, a ghost-note fill
    into the loop point, rolled electric-piano chords, a round bass and a soft lead."""
    notes = _hits("kick", _pick(rng, _LOFI_KICKS), 0.95, rng, jitter=0.03)
    snares = _hits("snare", (4, 12), 0.8, rng, jitter=0.03)
    notes += [replace(n, step=n.step + 0.12) for n in snares]  # laid back behind the beat
    notes += _hits("hat", (0, 4, 8, 12), 0.6, rng, jitter=0.04)
    notes += _hits("hat", (2, 6, 10, 14), 0.38, rng, jitter=0.04)
    notes += _hits("snare", (14, 15), 0.22, rng, bars=_LAST_BAR)
    comping = _pick(rng, _LOFI_COMPING)
    for chord in chords:
        for start, length in comping:
            level = 0.75 if start == 0 else 0.55
            for i, pitch in enumerate(chord.voicing):  # rolled: each key a hair after the one below
                notes.append(Note("keys", chord.step + start + 0.06 * i, length, pitch, level))
    notes += _bass_line("bass", chords, _pick(rng, _LOFI_BASS), 0.9)
    notes += _melody("lead", key, chords, rng, register=(64, 84), density=0.6, max_len=6, velocity=0.7)
    return notes


def _ambient(key: _Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Slow pads held across each chord (overlapping a little so there is never a gap), a shimmer an
    octave up, a sub drone on the root and a few glass bells."""
    notes: list[Note] = []
    for chord in chords:
        notes += [Note("pad", chord.step, chord.length + 1, p, 0.8) for p in chord.voicing]
        notes += [Note("shimmer", chord.step + 2, chord.length - 2, p + 12, 0.5) for p in chord.voicing[-2:]]
        notes.append(Note("sub", chord.step, chord.length, _bass_pitch(chord.root, 36), 0.7))
    notes += _melody("bell", key, chords, rng, register=(72, 91), density=0.35, max_len=8, velocity=0.6)
    return notes


_UPBEAT_KICKS = ((0, 4, 8, 12), (0, 4, 8, 12), (0, 4, 8, 11, 12))
_UPBEAT_BASS: tuple[BassPattern, ...] = (
    tuple((s, 12 if s % 4 == 2 else 0, 1.5) for s in range(0, 16, 2)),  # octave jumps on the off-beats
    ((0, 0, 1.5), (2, 0, 1.5), (6, 0, 1.5), (7, 7, 1.0), (10, 0, 1.5), (14, 0, 1.5)),
    ((0, 0, 3.0), (3, 0, 1.5), (6, 12, 1.5), (8, 0, 3.0), (11, 7, 1.5), (14, 12, 1.5)),
)
_UPBEAT_STABS = ((2, 6, 10, 14), (0, 3, 6, 10, 12), (0, 6, 12))


def _upbeat(key: _Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Four on the floor with claps on 2 and 4, sixteenth or off-beat open hats, a crash at the top and a
    snare fill into the loop point; a pumping pad, plucked chord stabs, an arpeggio and a lead hook."""
    notes = _hits("kick", _pick(rng, _UPBEAT_KICKS), 1.0, rng)
    notes += _hits("clap", (4, 12), 0.85, rng) + _hits("snare", (4, 12), 0.45, rng)
    if rng.random() < 0.5:
        notes += _hits("hat", (0, 2, 4, 6, 8, 10, 12, 14), 0.6, rng) + _hits("hat", (1, 5, 9, 13), 0.3, rng)
        notes += _hits("hat", (3, 7, 11, 15), 0.3, rng)
    else:
        notes += _hits("hat", (0, 4, 8, 12), 0.5, rng) + _hits("open_hat", (2, 6, 10, 14), 0.5, rng)
    notes += _hits("crash", (0,), 0.7, rng, bars=range(1))
    fill = _hits("snare", (12, 13, 14, 15), 0.8, rng, bars=_LAST_BAR)
    notes += [replace(n, velocity=n.velocity * (0.5 + 0.15 * i)) for i, n in enumerate(fill)]  # crescendo
    stabs = _pick(rng, _UPBEAT_STABS)
    for chord in chords:
        notes += [Note("pad", chord.step, chord.length, p, 0.7) for p in chord.voicing]
        notes += [Note("stab", chord.step + s, 1.5, p, 0.7) for s in stabs for p in chord.voicing]
    notes += _bass_line("bass", chords, _pick(rng, _UPBEAT_BASS), 0.9)
    notes += _arpeggio("arp", chords, rng, every=2, up=12, velocity=0.6)
    notes += _melody("lead", key, chords, rng, register=(76, 91), density=0.65, max_len=4, velocity=0.7)
    return notes


_OSTINATI = ((0, 1, 2, 1), (0, 2, 1, 2), (0, 1, 2, 3), (0, 2, 3, 2))  # into (root, fifth, octave, tenth)


def _ostinato(chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Low strings in eighth notes on root, fifth, octave and tenth, growing louder through each chord."""
    shape = _pick(rng, _OSTINATI)
    notes: list[Note] = []
    for chord in chords:
        root = _bass_pitch(chord.root, 40)
        third = min((p - chord.root) % 12 for p in chord.voicing if (p - chord.root) % 12 in (3, 4))
        tones = (root, root + 7, root + 12, root + 12 + third)
        count = chord.length // 2
        for i in range(count):
            notes.append(
                Note("ostinato", chord.step + 2 * i, 1.6, tones[shape[i % 4]], 0.45 + 0.4 * i / count)
            )
    return notes


def _cinematic(key: _Key, chords: tuple[Chord, ...], rng: np.random.Generator) -> list[Note]:
    """Strings swelling through each chord over a sub and a low ostinato, a boom on every chord change,
    toms building through the second half, a riser into the loop point and a sparse high piano line."""
    notes = _ostinato(chords, rng)
    for chord in chords:
        notes += [Note("strings", chord.step, chord.length, p, 0.85) for p in chord.voicing]
        notes.append(Note("sub", chord.step, chord.length, _bass_pitch(chord.root, 33), 0.7))
    notes += _hits("boom", (0,), 1.0, rng, bars=range(0, BARS, 2))
    build = _hits("tom", (0, 4, 8, 12), 1.0, rng, bars=range(BARS // 2, BARS))
    notes += [
        replace(n, velocity=n.velocity * (0.3 + 0.12 * (n.step // STEPS_PER_BAR - BARS // 2))) for n in build
    ]
    notes += _hits("tom", (2, 6, 10, 14), 0.6, rng, bars=_LAST_BAR)
    notes.append(Note("riser", (BARS - 1) * STEPS_PER_BAR, STEPS_PER_BAR, 0, 0.9))
    notes += _melody("piano", key, chords, rng, register=(65, 84), density=0.35, max_len=8, velocity=0.55)
    return notes


# --- how each style sounds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    voice: Voice
    channel: Channel


@dataclass(frozen=True)
class _Style:
    """A style: tempo (``bpm``), ``swing`` (where the off-beat eighth falls in the beat: 0.5 straight),
    ``harmony``, the ``arrange`` function that writes the notes, how each part sounds (``parts``), the
    ``master`` bus, ``echo_steps`` (echo time in sixteenths) and ``pump`` (depth of the beat-synced duck).
    """

    bpm: float
    swing: float
    harmony: _Harmony
    arrange: Callable[[_Key, tuple[Chord, ...], np.random.Generator], list[Note]]
    parts: Mapping[str, _Part]
    master: Master
    echo_steps: int = 3
    pump: float = 0.0


_TRIAD = (0, 2, 4)
_ADD9 = (0, 2, 4, 8)
_NINTH = (0, 2, 4, 6, 8)

_STYLES: dict[str, _Style] = {
    "lofi": _Style(
        bpm=80.0,
        swing=0.6,
        harmony=_Harmony(
            minor=False,
            progressions=((1, 4, 0, 5), (0, 5, 1, 4), (3, 2, 1, 0), (5, 1, 4, 0), (3, 4, 2, 5)),
            chord_bars=1,
            tones=_NINTH,
            register=(52, 74),
        ),
        arrange=_lofi,
        parts={
            "kick": _Part(
                partial(synth.kick, top_hz=120.0, low_hz=50.0, ring=0.28, click=0.15), Channel(0.65)
            ),
            "snare": _Part(
                partial(synth.snare, top_hz=6000.0, tail=0.12), Channel(1.6, pan=0.05, reverb=0.25)
            ),
            "hat": _Part(partial(synth.hat, tail=0.03, low_hz=3500.0), Channel(5.0, pan=0.3)),
            "keys": _Part(synth.epiano, Channel(0.3, pan=-0.15, reverb=0.3, width_s=0.012)),
            "bass": _Part(synth.bass, Channel(0.35)),
            "lead": _Part(synth.lead, Channel(0.24, pan=0.2, reverb=0.35, echo=0.25)),
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
    "ambient": _Style(
        bpm=60.0,
        swing=0.5,
        harmony=_Harmony(
            minor=False,
            progressions=((0, 3, 5, 4), (0, 4, 5, 3), (5, 3, 0, 4), (0, 2, 3, 0), (3, 0, 4, 5)),
            chord_bars=2,
            tones=_ADD9,
            register=(50, 72),
        ),
        arrange=_ambient,
        parts={
            "pad": _Part(
                partial(synth.pad, attack=2.5, release=3.0, limit_hz=1800.0), Channel(0.35, reverb=0.5)
            ),
            "shimmer": _Part(
                partial(synth.pad, attack=3.0, release=3.0, limit_hz=3500.0, detune_cents=5.0),
                Channel(0.18, reverb=0.8),
            ),
            "sub": _Part(synth.sub, Channel(0.27)),
            "bell": _Part(synth.bell, Channel(0.26, pan=0.25, reverb=0.6, echo=0.35)),
        },
        master=Master(
            reverb_s=4.5, reverb_damping_hz=4000.0, echo_feedback=0.4, lowpass_hz=9000.0, rms_dbfs=-17.0
        ),
    ),
    "upbeat": _Style(
        bpm=120.0,
        swing=0.5,
        harmony=_Harmony(
            minor=False,
            progressions=((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4), (3, 0, 4, 5), (0, 3, 5, 4)),
            chord_bars=1,
            tones=_TRIAD,
            register=(55, 72),
        ),
        arrange=_upbeat,
        parts={
            "kick": _Part(partial(synth.kick, top_hz=160.0, low_hz=50.0, ring=0.25, click=0.4), Channel(1.0)),
            "clap": _Part(synth.clap, Channel(4.5, reverb=0.2)),
            "snare": _Part(synth.snare, Channel(2.0, pan=0.05, reverb=0.15)),
            "hat": _Part(synth.hat, Channel(3.5, pan=0.35)),
            "open_hat": _Part(partial(synth.hat, tail=0.18), Channel(1.5, pan=0.35)),
            "crash": _Part(synth.crash, Channel(3.0, pan=-0.3, reverb=0.2)),
            "pad": _Part(
                partial(synth.pad, attack=0.05, release=0.3, limit_hz=3000.0),
                Channel(0.6, duck=1.0, reverb=0.2),
            ),
            "stab": _Part(partial(synth.pluck, ring=0.18), Channel(0.75, pan=-0.3, reverb=0.2, width_s=0.01)),
            "bass": _Part(partial(synth.bass, growl=0.6), Channel(0.8, duck=0.6)),
            "arp": _Part(
                partial(synth.pluck, shape="square", ring=0.15, dark_hz=1500.0),
                Channel(0.55, pan=0.4, echo=0.35, reverb=0.2),
            ),
            "lead": _Part(
                partial(synth.pluck, ring=0.35, bright_hz=6000.0, dark_hz=2000.0),
                Channel(0.8, pan=0.1, reverb=0.3, echo=0.2),
            ),
        },
        master=Master(
            reverb_s=1.0, reverb_damping_hz=6000.0, echo_feedback=0.3, lowpass_hz=14000.0, rms_dbfs=-15.0
        ),
        pump=0.6,
    ),
    "cinematic": _Style(
        bpm=70.0,
        swing=0.5,
        harmony=_Harmony(
            minor=True,
            progressions=((0, 5, 2, 6), (0, 3, 5, 6), (0, 6, 5, 6), (0, 5, 6, 4)),
            chord_bars=2,
            tones=_TRIAD,
            register=(55, 74),
        ),
        arrange=_cinematic,
        parts={
            "strings": _Part(
                partial(synth.pad, swell=0.6, release=2.0, limit_hz=3000.0, detune_cents=12.0),
                Channel(0.35, reverb=0.45),
            ),
            "ostinato": _Part(
                partial(synth.pluck, ring=0.3, bright_hz=2500.0, dark_hz=900.0),
                Channel(0.38, pan=-0.2, reverb=0.3, width_s=0.008),
            ),
            "sub": _Part(synth.sub, Channel(0.22)),
            "boom": _Part(synth.boom, Channel(0.5, reverb=0.35)),
            "tom": _Part(synth.tom, Channel(0.4, pan=0.2, reverb=0.4)),
            "riser": _Part(synth.riser, Channel(0.6, reverb=0.3, width_s=0.015)),
            "piano": _Part(partial(synth.epiano, bright=1.6), Channel(0.26, pan=0.25, reverb=0.6, echo=0.25)),
        },
        master=Master(reverb_s=3.2, reverb_damping_hz=4500.0, echo_feedback=0.35, lowpass_hz=12000.0),
    ),
}


# --- public API ----------------------------------------------------------------------------------------


def _check_style(style: str) -> _Style:
    if style not in _STYLES:
        raise UnknownStyle(style, list(STYLES))
    return _STYLES[style]


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
    key = _Key(int(rng.integers(12)), spec.harmony.minor)
    chords = _progression(spec.harmony, key, rng)
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
    spec = _STYLES[style]
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
