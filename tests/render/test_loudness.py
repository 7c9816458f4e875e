"""Exports are mastered to -14 LUFS with true peaks at most -1 dBTP, checked with an independent meter.

The files are real exports (MP4 and M4A with AAC, WebM with Opus, MP3, WAV; lossy decoders add
overshoot) read back with PyAV; loudness is pyloudnorm's BS.1770-4 meter, true peak scipy's 4x polyphase oversampling.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import av
import numpy as np
import pyloudnorm  # type: ignore[import-untyped]
import pytest
from scipy.signal import resample_poly  # type: ignore[import-untyped]

from frameloom.domain.video import MUSIC_STYLES
from frameloom.render.audio import RATE, AudioClip, BufferAudio, FileAudio, decode_audio
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.render.loudness import MasteredMix, limiter_gains, peaks, window_mean, window_min
from frameloom.timeline import parse_draft

TARGET, CEILING = -14.0, -1.0


def lufs(samples: np.ndarray) -> float:
    value: float = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    return value


def true_peak_db(samples: np.ndarray) -> float:
    return 20 * math.log10(float(np.abs(resample_poly(samples, 4, 1, axis=0)).max()))


def decoded(path: Path) -> np.ndarray:
    """The file's audio as ``(n, 2) float`` at 48 kHz."""
    return decode_audio(path).astype(np.float64)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """``(n, 2)`` float samples in -1..1 as 16-bit PCM."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=RATE, layout="stereo")
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def audio_draft(seconds: float, src: str, volume: float = 0.35, video: bool = False) -> Any:
    ms = int(seconds * 1000)
    tracks: list[dict[str, Any]] = [
        {"id": "a1", "tt": 1, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": src, "volume": volume, "loop": True,
                                                                        "fade_out": 1000}}]}]
    if video:
        tracks.append({"id": "x1", "tt": 7, "sg": [{"id": "t1", "s": 0, "d": ms, "m": {"text": "Loud"}}]})
    return parse_draft({"v": 1, "d": ms, "m": {"w": 320, "h": 180, "fps": 10}, "t": tracks})


def loud_square(seconds: float) -> np.ndarray:
    """A clipped, square-ish track at 0 dBFS: a 110 Hz square with a 1 kHz buzz, hard-clipped."""
    t = np.arange(int(seconds * RATE)) / RATE
    wave = np.sign(np.sin(2 * np.pi * 110 * t)) + 0.5 * np.sin(2 * np.pi * 1000 * t)
    mono = np.clip(wave, -1, 1)
    return np.stack([mono, mono], axis=1)


def quiet_music(seconds: float) -> np.ndarray:
    """Chords at about -40 LUFS, with quiet gaps: a track someone recorded far too low."""
    t = np.arange(int(seconds * RATE)) / RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220, 277.2, 329.6)) / 3
    gate = (np.sin(2 * np.pi * 0.5 * t) > -0.3).astype(np.float64)
    left = 0.02 * chord * gate
    return np.stack([left, 0.8 * left], axis=1)


@pytest.mark.parametrize("style", MUSIC_STYLES)
def test_each_music_style_is_exported_at_minus_14_lufs(style: str, tmp_path: Path) -> None:
    """In an MP4: the AAC decoder's overshoot included."""
    samples = decoded(render_draft(audio_draft(6, f"bgm:{style}", video=True), tmp_path / "m.mp4", "mp4").path)
    assert lufs(samples) == pytest.approx(TARGET, abs=1.0)
    assert true_peak_db(samples) <= CEILING


@pytest.mark.parametrize("fmt", ["wav", "webm", "mp3"])
def test_the_level_holds_in_other_formats(fmt: str, tmp_path: Path) -> None:
    """The brightest style (hi-hats up to 20 kHz), through PCM, Opus and MP3."""
    samples = decoded(render_draft(audio_draft(6, "bgm:upbeat", video=True), tmp_path / f"m.{fmt}", fmt).path)
    assert lufs(samples) == pytest.approx(TARGET, abs=1.0)
    assert true_peak_db(samples) <= CEILING


@pytest.mark.parametrize(("name", "make", "fmt"), [("loud", loud_square, "m4a"), ("quiet", quiet_music, "wav")])
def test_an_uploaded_track_is_brought_to_the_target(name: str, make: Any, fmt: str, tmp_path: Path) -> None:
    upload = write_wav(tmp_path / f"{name}.wav", make(6))
    before = lufs(decoded(upload))
    assert abs(before - TARGET) > 10, f"the {name} track starts far from the target ({before:.1f} LUFS)"
    media = SourceMap(files={"song": upload})
    samples = decoded(render_draft(audio_draft(6, "song", volume=1.0), tmp_path / f"out.{fmt}", fmt,
                                   media=media).path)
    assert lufs(samples) == pytest.approx(TARGET, abs=1.0)
    assert true_peak_db(samples) <= CEILING


def test_silence_stays_silence(tmp_path: Path) -> None:
    upload = write_wav(tmp_path / "silence.wav", np.zeros((RATE * 3, 2)))
    samples = decoded(render_draft(audio_draft(3, "song", volume=1.0), tmp_path / "out.wav", "wav",
                                   media=SourceMap(files={"song": upload})).path)
    assert np.abs(samples).max() == 0


def test_a_near_silent_hiss_is_not_blown_up(tmp_path: Path) -> None:
    hiss = np.random.default_rng(1).normal(0, 10 ** (-90 / 20), (RATE * 3, 2))  # -90 dBFS, under the gate
    mix = MasteredMix([AudioClip(BufferAudio(hiss.astype(np.float32), loop=False), 0, RATE * 3, 1.0)], RATE * 3)
    assert mix.before.integrated_lufs is None
    assert mix.gain == 1.0


def test_the_limiter_catches_intersample_peaks() -> None:
    """A quarter-rate sine sampled 45 degrees off its crest: samples at 0.707, the wave itself at 1.0."""
    n = RATE
    wave = np.sin(2 * np.pi * (np.arange(n) / 4 + 1 / 8)).astype(np.float32)
    x = np.stack([wave, wave], axis=1)
    assert np.abs(x).max() < 0.71
    est = peaks(x)
    assert est.max() == pytest.approx(1.0, abs=0.02)
    gains = limiter_gains(x, 0.5)
    from frameloom.render.loudness import MARGIN_AFTER, MARGIN_BEFORE

    limited = x[MARGIN_BEFORE:n - MARGIN_AFTER] * gains[:, None]
    assert true_peak_db(limited[1000:-1000]) <= 20 * math.log10(0.5) + 0.15  # the two interpolators differ a little


def test_the_limiter_is_smooth_and_leaves_quiet_audio_alone() -> None:
    rng = np.random.default_rng(3)
    x = (rng.normal(0, 0.05, (RATE, 2))).astype(np.float32)
    x[RATE // 2] = 1.0  # one spike
    gains = limiter_gains(x, 0.8)
    assert gains.min() < 0.85
    assert np.abs(np.diff(gains)).max() < 0.01, "a ramp over 5 ms, no step"
    assert np.all(gains[:RATE // 4] == 1.0)


@pytest.mark.parametrize("width", [1, 3, 7, 64])
def test_moving_windows_match_the_obvious_ones(width: int) -> None:
    x = np.random.default_rng(width).random(200).astype(np.float32)
    assert np.array_equal(window_min(x, width), np.array([x[j:j + width].min() for j in range(201 - width)]))
    assert np.allclose(window_mean(x, width), [x[j:j + width].mean() for j in range(201 - width)], atol=1e-6)


def test_any_range_reads_the_same_samples_in_any_order(tmp_path: Path) -> None:
    upload = write_wav(tmp_path / "loud.wav", loud_square(4))
    clips = [AudioClip(FileAudio(upload, loop=True), RATE // 2, RATE * 5, 0.8, RATE // 10, RATE)]
    mix = MasteredMix(clips, RATE * 6)
    forward = np.concatenate([mix.read(s, 1600) for s in range(0, RATE * 6, 1600)])
    backward = np.concatenate([mix.read(s, 4000) for s in range(RATE * 6 - 4000, -1, -4000)][::-1])
    assert np.array_equal(forward, backward)
    # the 15 kHz low-pass is linear-phase: it rings 32 samples ahead of an onset, no further
    assert np.abs(forward[: RATE // 2 - 32]).max() == 0, "silence before the clip starts"


def test_a_file_source_reads_what_the_decoder_gives(tmp_path: Path) -> None:
    upload = write_wav(tmp_path / "q.wav", quiet_music(1.5))
    whole = decode_audio(upload)
    looped = FileAudio(upload, loop=True)
    assert np.array_equal(looped.read(1000, 5000), whole[1000:6000])
    n = len(whole)
    assert np.array_equal(looped.read(n - 100, 300), np.concatenate([whole[-100:], whole[:200]]))
    once = FileAudio(upload, loop=False)
    assert np.array_equal(once.read(n - 100, 300)[100:], np.zeros((200, 2), np.float32))
    looped.close()
    once.close()
