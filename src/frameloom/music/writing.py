"""Shared writing for the styles: melodies, arpeggios, bass lines and drum hits, as :class:`Note` lists.

Steps and lengths are in sixteenth notes on the straight grid (swing is applied when rendering).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from frameloom.music.theory import BARS, STEPS_PER_BAR, Chord, Key, Note, pick

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


def melody(
    part: str,
    key: Key,
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


def arpeggio(
    part: str, chords: tuple[Chord, ...], rng: np.random.Generator, *, every: int, up: int, velocity: float
) -> list[Note]:
    """Chord tones played one at a time every ``every`` sixteenths, ``up`` semitones above the voicing,
    in a shape the seed picks (rising, rising and falling, broken)."""
    shape = pick(rng, _ARP_SHAPES)
    notes: list[Note] = []
    for chord in chords:
        tones = [*chord.voicing, chord.voicing[0] + 12]
        for i, at in enumerate(range(chord.step, chord.step + chord.length, every)):
            pitch = tones[shape[i % len(shape)] % len(tones)] + up
            notes.append(Note(part, at, every * 0.8, pitch, velocity * (1.0 if at % 4 == 0 else 0.75)))
    return notes


def bass_pitch(pc: int, low: int = 33) -> int:
    """The MIDI note of pitch class ``pc`` in the octave from ``low`` (33 = A1, 55 Hz) up."""
    return low + (pc - low) % 12


APPROACH = -1  # in a bass pattern: a half step below the next chord's root, leading into it
BassPattern = tuple[tuple[int, int, float], ...]
"""(step in the bar, interval above the root or ``APPROACH``, length in sixteenths) for each note."""


def bass_line(part: str, chords: tuple[Chord, ...], pattern: BassPattern, velocity: float) -> list[Note]:
    """``pattern`` played in every bar under the chord sounding there."""
    notes: list[Note] = []
    for bar in range(BARS):
        root = bass_pitch(_chord_at(chords, bar * STEPS_PER_BAR).root)
        following = bass_pitch(_chord_at(chords, (bar + 1) * STEPS_PER_BAR).root)
        for step, interval, length in pattern:
            pitch = following - 1 if interval == APPROACH else root + interval
            accent = 1.0 if step == 0 else 0.85
            notes.append(Note(part, bar * STEPS_PER_BAR + step, length, pitch, velocity * accent))
    return notes


def hits(
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
