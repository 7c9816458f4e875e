"""A 60 s timeline whose every join falls inside something moving: a video clip decoded from an
in-point, a crossfade, a Ken Burns still, a fading title and music (shared by the chunk tests
and bench/chunks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from frameloom.timeline import Draft
from frameloom.timeline.parse import parse_draft

LENGTH_MS = 60_000


def make_media(folder: Path) -> dict[str, Path]:
    """A 30 s moving clip (a bar sweeping over a gradient, 24 fps, 320x240) and a 640x360 still."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "sweep.mp4"
    with av.open(str(clip), "w") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        ramp = np.linspace(0, 200, 320, dtype=np.float32)
        for i in range(24 * 30):
            rgb = np.empty((240, 320, 3), np.uint8)
            rgb[..., 0] = ramp.astype(np.uint8)
            rgb[..., 1] = (i * 3) % 256
            rgb[..., 2] = 255 - ramp.astype(np.uint8)
            x = (i * 4) % 300
            rgb[:, x:x + 20] = 255
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    still = folder / "still.png"
    yy, xx = np.mgrid[0:360, 0:640]
    rgb = np.stack([(xx * 255 // 640), (yy * 255 // 360), ((xx + yy) % 64) * 4], axis=-1).astype(np.uint8)
    Image.fromarray(rgb).save(still)
    return {"sweep": clip, "still": still}


def _seg(sid: str, start: int, dur: int, k: float, **meta: Any) -> dict[str, Any]:
    return {"id": sid, "s": round(start * k), "d": round(dur * k), "m": meta}


def timeline(width: int, height: int, fps: int, length_ms: int = LENGTH_MS) -> Draft:
    return parse_draft(timeline_json(width, height, fps, length_ms))


def timeline_json(width: int, height: int, fps: int, length_ms: int = LENGTH_MS,
                  names: dict[str, str] | None = None) -> dict[str, Any]:
    """Joins at a third and two thirds (3 chunks of ``length_ms / 3``) fall in a crossfade, a title's
    fade and a clip's middle; ``names`` maps ``sweep`` and ``still`` to media ids."""
    k, src = length_ms / LENGTH_MS, names or {"sweep": "sweep", "still": "still"}
    video = [
        _seg("v1", 0, 19_600, k, src=src["sweep"], **{"in": 2_000}),  # decoded from 2 s on
        _seg("v2", 19_600, 20_000, k, src=src["still"], motion="ken_burns",
             transition={"type": "crossfade", "d": round(1_000 * k)}),  # across the first join
        _seg("v3", 39_600, 20_400, k, src=src["sweep"], transition={"type": "crossfade", "d": round(1_000 * k)},
             **{"in": 5_000}),
    ]
    text = [_seg("t1", 18_000, 4_000, k, text="Across the join", size=40, pos="center", fade_in=round(1_500 * k),
                 fade_out=round(1_500 * k)),
            _seg("t2", 38_000, 4_000, k, text="And the next", size=36, pos="bottom", fade_in=round(1_000 * k),
                 fade_out=round(1_000 * k))]
    audio = [_seg("a1", 0, LENGTH_MS, k, src="bgm:lofi", volume=0.5, fade_out=2_000)]
    return {"v": 1, "d": length_ms, "m": {"w": width, "h": height, "fps": fps}, "t": [
        {"id": "vt", "tt": 0, "m": {"name": "Video"}, "sg": video},
        {"id": "xt", "tt": 7, "sg": text},
        {"id": "at", "tt": 1, "sg": audio},
    ]}
