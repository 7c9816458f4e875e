"""Video shots from a tiny AnimateDiff pipeline, and the path when no video model is set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from frameloom.domain.errors import Cancelled, EngineUnavailable, InvalidRequest
from frameloom.engines import Hooks
from frameloom.engines.diffusers import DiffusersConfig, PipelineCache
from frameloom.engines.diffusers.tiny import save_tiny_animatediff
from frameloom.engines.diffusers.video import DiffusersVideo, ShotRequest, frame_count


@pytest.fixture(scope="module")
def tiny_video(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> DiffusersVideo:
    folder = save_tiny_animatediff(tmp_path_factory.mktemp("video") / "tiny-animatediff")
    config = DiffusersConfig(model=str(tiny_model), video_model=str(folder))
    return DiffusersVideo(config, PipelineCache(), steps=2)


def test_a_shot_is_frames_at_the_models_rate_and_the_requested_size(tiny_video: DiffusersVideo) -> None:
    shot = tiny_video.shot(ShotRequest(prompt="a fox running", seconds=1.0, width=128, height=72, seed=4))
    assert shot.fps == 8.0
    assert len(shot.frames) == 8
    assert shot.duration_ms == 1000
    assert all(f.shape == (72, 128, 3) and f.dtype == np.uint8 for f in shot.frames)
    assert shot.info["family"] == "animatediff"
    assert shot.info["drawn_at"] == "80x48"


def test_the_seed_decides_the_shot(tiny_video: DiffusersVideo) -> None:
    def frames(seed: int) -> np.ndarray:
        return np.stack(tiny_video.shot(ShotRequest(prompt="a fox", seconds=0.5, width=64, height=64,
                                                    seed=seed)).frames)

    assert np.array_equal(frames(1), frames(1))
    assert not np.array_equal(frames(1), frames(2))


def test_a_long_shot_is_capped_at_what_the_model_draws_at_once(tiny_video: DiffusersVideo) -> None:
    shot = tiny_video.shot(ShotRequest(prompt="a fox", seconds=6, width=64, height=64))
    assert len(shot.frames) == 32
    assert shot.duration_ms == 4000


def test_progress_and_cancel_between_steps(tiny_video: DiffusersVideo) -> None:
    seen: list[float] = []
    tiny_video.shot(ShotRequest(prompt="a fox", seconds=0.5, width=64, height=64), Hooks(progress=seen.append))
    assert seen == [0.5, 1.0, 1.0]
    with pytest.raises(Cancelled):
        tiny_video.shot(ShotRequest(prompt="a fox", seconds=0.5, width=64, height=64),
                        Hooks(cancelled=lambda: len(seen) > 3, progress=seen.append))


def test_no_video_model_says_so_and_what_happens_instead(tiny_model: Path) -> None:
    video = DiffusersVideo(DiffusersConfig(model=str(tiny_model)), PipelineCache())
    assert not video.configured
    with pytest.raises(EngineUnavailable, match=r"FRAMELOOM_DIFFUSERS_VIDEO_MODEL.*images with motion"):
        video.shot(ShotRequest(prompt="a fox", seconds=1, width=64, height=64))


def test_an_image_model_is_not_a_video_model(tiny_model: Path) -> None:
    video = DiffusersVideo(DiffusersConfig(model=str(tiny_model), video_model=str(tiny_model)), PipelineCache())
    with pytest.raises(EngineUnavailable, match="StableDiffusionPipeline is not a text-to-video pipeline"):
        video.load()


@pytest.mark.parametrize(
    ("seconds", "fps", "step", "most", "frames"),
    [(1, 8, 1, 32, 8), (10, 8, 1, 32, 32), (4, 24, 8, 257, 97), (2, 16, 4, 81, 33), (60, 8, 4, 49, 49),
     (0.01, 24, 8, 257, 9)],
)
def test_frame_counts_follow_each_models_rule(seconds: float, fps: int, step: int, most: int, frames: int) -> None:
    assert frame_count(seconds, fps, step, most) == frames


@pytest.mark.parametrize(("kwargs", "field"), [({"seconds": 0}, "seconds"), ({"seconds": 21}, "seconds"),
                                               ({"prompt": " "}, "prompt"), ({"width": 100}, "size")])
def test_bad_shot_requests_are_refused(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"prompt": "a fox", "seconds": 2.0, "width": 64, "height": 64, **kwargs}
    with pytest.raises(InvalidRequest) as exc:
        ShotRequest(**args)  # type: ignore[arg-type]  # wrong types on purpose
    assert field in [p.field for p in exc.value.problems]
