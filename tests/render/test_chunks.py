"""Chunked renders: frame ranges of one timeline rendered apart and joined by packet copy give the
file a single render gives (frame count, duration, audio sample for sample, pictures at the joins).

The timeline (``chunk_media``) puts each join inside something moving: a video clip decoded from an
in-point, a crossfade, a Ken Burns still, a fading title, music. 6 s at 320x180 and 10 fps keeps it fast;
bench/chunks.py runs the same timeline for 60 s at 1080p.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest
from tests.render.chunk_media import make_media, timeline

from frameloom.domain.errors import Cancelled, InvalidRequest
from frameloom.render.chunks import Piece, frames_of, join_pieces, plan_ranges, render_audio, render_range
from frameloom.render.compositor import (
    Canvas,
    OpenVisuals,
    SourceMap,
    compose_frame,
    prepare_text,
    render_draft,
)
from frameloom.timeline import TextSegment

W, H, FPS, LENGTH = 320, 180, 10, 6_000


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> SourceMap:
    return SourceMap(files=make_media(tmp_path_factory.mktemp("media")))


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="yuv420p").astype(np.float64) for f in container.decode(video=0)]


def audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a - b) ** 2).mean())
    return 99.0 if mse == 0 else 10 * float(np.log10(255**2 / mse))


def facts(path: Path) -> tuple[int, float, int]:
    """Video frames, video duration (s, from the packets) and audio frames, as the demuxer counts them."""
    with av.open(str(path)) as container:
        video, sound = container.streams.video[0], container.streams.audio[0]
        packets = [p for p in container.demux(video) if p.size]
        assert video.time_base is not None
        end = max(float((p.pts + (p.duration or 0)) * video.time_base) for p in packets if p.pts is not None)
        return len(packets), end, sound.frames


def test_ranges_cover_every_frame_in_order() -> None:
    assert plan_ranges(600, 10, 20) == [(0, 200), (200, 400), (400, 600)]
    assert plan_ranges(1799, 30, 20) == [(0, 899), (899, 1799)]  # 59.97 s: two chunks of about 30 s
    assert plan_ranges(1199, 30, 20) == []  # under two chunks: one job
    assert plan_ranges(600, 10, 0) == []
    for frames in (401, 997, 1800):
        ranges = plan_ranges(frames, 30, 5)
        assert ranges[0][0] == 0
        assert ranges[-1][1] == frames
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


def test_the_compositor_starts_mid_timeline_on_the_frame_a_single_pass_draws(media: SourceMap) -> None:
    """A fresh set of sources opened at a join draws exactly what sources that played from 0 draw there."""
    draft = timeline(W, H, FPS, LENGTH)
    texts = {s.id: prepare_text(s, draft, W, H) for t in draft.tracks for s in t.segments
             if isinstance(s, TextSegment)}
    joins = {19, 20, 21, 39, 40, 41}
    through = OpenVisuals(media, W, H)
    canvas = Canvas(W, H)
    seen = {}
    for i in range(42):
        frame = compose_frame(draft, i * 100, through, texts, canvas)
        if i in joins:
            seen[i] = frame.copy()
    through.close()
    for i in sorted(joins):
        fresh = OpenVisuals(media, W, H)
        alone = compose_frame(draft, i * 100, fresh, texts, Canvas(W, H))
        fresh.close()
        assert np.array_equal(alone, seen[i]), f"frame {i} differs when the render starts there"


def test_joined_chunks_match_a_single_render(media: SourceMap, tmp_path: Path) -> None:
    draft = timeline(W, H, FPS, LENGTH)
    single = render_draft(draft, tmp_path / "single.mp4", "mp4", media=media)
    frames = frames_of(draft, None, None, None)
    ranges = plan_ranges(frames.count, frames.fps, 2)
    assert ranges == [(0, 20), (20, 40), (40, 60)]
    pieces = [render_range(draft, tmp_path / f"piece{i}.mp4", frames, a, b, media=media)
              for i, (a, b) in enumerate(ranges)]
    with av.open(str(pieces[1].path)) as piece:  # a piece opens on a keyframe and holds no audio
        assert not piece.streams.audio
        first = next(p for p in piece.demux(video=0) if p.size)
        assert first.is_keyframe
    sound = render_audio(draft, tmp_path / "audio.m4a", frames, media=media)
    joined = join_pieces(pieces, sound, tmp_path / "joined.mp4", "mp4", frames)

    assert facts(joined) == facts(single.path)
    assert facts(joined)[:2] == (60, 6.0)
    assert np.array_equal(audio(joined), audio(single.path)), "the audio is mixed once, as a single render mixes it"
    a, b = decoded(joined), decoded(single.path)
    for i in (0, 1, 19, 20, 21, 39, 40, 41, 59):
        assert psnr(a[i], b[i]) > 38, f"frame {i}: {psnr(a[i], b[i]):.1f} dB"
    assert np.array_equal(a[0], b[0])  # the first piece begins as the single render does
    # no seam: the step across a join is no bigger than the steps beside it
    for join in (20, 40):
        steps = [float(np.abs(a[i + 1] - a[i]).mean()) for i in range(join - 3, join + 2)]
        assert steps[2] <= 2 * max(steps[:2] + steps[3:]) + 1, steps


def test_a_join_refuses_pieces_that_do_not_add_up(media: SourceMap, tmp_path: Path) -> None:
    draft = timeline(W, H, FPS, LENGTH)
    frames = frames_of(draft, None, None, None)
    piece = render_range(draft, tmp_path / "p.mp4", frames, 0, 20, media=media)
    sound = render_audio(draft, tmp_path / "a.m4a", frames, media=media)
    with pytest.raises(InvalidRequest, match="not 60"):
        join_pieces([piece], sound, tmp_path / "j.mp4", "mp4", frames)
    with pytest.raises(InvalidRequest, match="starts at frame 40, not 20"):
        join_pieces([piece, Piece(piece.path, 40, 20, 0)], sound, tmp_path / "j.mp4", "mp4", frames)
    with pytest.raises(InvalidRequest, match="not within"):
        render_range(draft, tmp_path / "q.mp4", frames, 50, 61, media=media)
    assert not list(tmp_path.glob("*.part*"))
    assert not (tmp_path / "j.mp4").exists()


def test_a_cancelled_range_leaves_no_file(media: SourceMap, tmp_path: Path) -> None:
    draft = timeline(W, H, FPS, LENGTH)
    frames = frames_of(draft, None, None, None)
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 5

    with pytest.raises(Cancelled):
        render_range(draft, tmp_path / "p.mp4", frames, 20, 40, media=media, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []
