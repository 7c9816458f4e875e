"""Built-in background music (``bgm:<style>``, SPEC section 5), made here with nothing to download.

    theory.py       the score's types, keys, chords, voice leading, the seed's progression
    writing.py      melodies, arpeggios, bass lines and drum hits shared by the styles
    styles.py       the four styles: what each plays and how it sounds
    synth.py        oscillators, envelopes, shaped noise
    instruments.py  the voices (piano, pads, basses, plucks, bells, drums)
    mixer.py        the circular loop mixer and master bus (reverb, echo, tone, loudness)
    loop.py         the public functions: compose a score, render it to a seamless loop, repeat it

The style names are :data:`frameloom.domain.video.MUSIC_STYLES`. This package imports only ``domain``.
"""

from frameloom.music.loop import MAX_SECONDS, music, music_loop, score
from frameloom.music.theory import Chord, Note, Score

__all__ = ["MAX_SECONDS", "Chord", "Note", "Score", "music", "music_loop", "score"]
