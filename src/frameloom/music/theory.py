"""Music theory for the built-in music: the score's types (:class:`Note`, :class:`Chord`, :class:`Score`),
keys and scales, chord names, voice leading and the seed's chord progression.

Steps and lengths are in sixteenth notes; pitches are MIDI notes; pitch classes 0..11 (0 = C).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

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
class Key:
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
class Harmony:
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


def pick(rng: np.random.Generator, options: tuple[_T, ...]) -> _T:
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


def progression(harmony: Harmony, key: Key, rng: np.random.Generator) -> tuple[Chord, ...]:
    """The seed's chord progression, repeated to fill the loop. Each chord is voice-led from the one
    before, and the loop is voiced twice keeping the second pass, so that its last chord also leads
    smoothly into its first when the loop repeats."""
    degrees = pick(rng, harmony.progressions)
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
