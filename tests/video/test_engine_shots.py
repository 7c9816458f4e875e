"""Text to video with the configured engine: a fake OpenAI-compatible server on loopback, a tiny
real Stable Diffusion, a tiny real AnimateDiff; compose stays the default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from pydantic import SecretStr
from tests.conftest import LiveServer
from tests.engines.conftest import FakeImagesServer

from frameloom.domain.errors import Cancelled, EngineUnavailable
from frameloom.domain.video import VideoRequest
from frameloom.engines import default_registry
from frameloom.settings import Settings
from frameloom.video.engine_shots import shot_lengths
from frameloom.video.text_to_video import text_to_video


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]


def facts(path: Path) -> tuple[float, bool]:
    """Seconds of video and whether there is sound."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        seconds = float(video.duration * video.time_base) if video.duration and video.time_base else 0.0
        return seconds, bool(container.streams.audio)


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[tuple[FakeImagesServer, str]]:
    fake = FakeImagesServer()
    with LiveServer(fake.app()) as server:
        yield fake, f"{server.url}/v1"


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", **values)  # type: ignore[call-arg]


def test_shots_of_about_four_seconds_fill_the_film() -> None:
    assert shot_lengths(8000) == [4000, 4000]
    assert shot_lengths(10000) == [5000, 5000]
    assert shot_lengths(1000) == [1000]
    assert sum(shot_lengths(29999)) == 29999


def test_a_remote_engine_draws_one_seeded_image_per_shot_then_the_camera_moves(
        fake_openai: tuple[FakeImagesServer, str], tmp_path: Path) -> None:
    fake, url = fake_openai
    fake.bodies.clear()
    settings = settings_for(tmp_path, engine="openai", openai_base_url=url, openai_api_key=SecretStr("sk-test"),
                            openai_send_seed=True)
    request = VideoRequest(prompt="a lighthouse at dusk", seconds=8, width=320, height=176, fps=10, seed=40,
                           music="ambient", title="Harbour")
    seen: list[float] = []
    result = text_to_video(request, tmp_path / "out.mp4", progress=seen.append, engines=default_registry(settings))
    # the server drew one image per shot, seeded and framed in turn
    assert [b.get("seed") for b in fake.bodies] == [40, 41]
    assert [b["prompt"] for b in fake.bodies] == ["a lighthouse at dusk, wide shot",
                                                 "a lighthouse at dusk, medium shot"]
    seconds, sound = facts(result.path)
    assert (result.width, result.height) == (320, 176)
    assert seconds == pytest.approx(8.0, abs=0.11)
    assert sound
    frames = frames_of(result.path)
    assert np.abs(frames[10] - frames[30]).mean() > 3, "the camera moves over the first shot's picture"
    assert np.abs(frames[20] - frames[60]).mean() > 20, "the second shot is another picture"
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"], "the shots' scratch folder is gone"


def test_compose_stays_the_default(fake_openai: tuple[FakeImagesServer, str], tmp_path: Path) -> None:
    fake, url = fake_openai
    fake.bodies.clear()
    settings = settings_for(tmp_path, openai_base_url=url, openai_api_key=SecretStr("sk-test"))
    request = VideoRequest(prompt="a lighthouse at dusk", seconds=1, width=160, height=96, fps=5)
    text_to_video(request, tmp_path / "c.mp4", engines=default_registry(settings))
    assert fake.bodies == []


def test_cancelling_while_shots_are_drawn_leaves_nothing(fake_openai: tuple[FakeImagesServer, str],
                                                         tmp_path: Path) -> None:
    _, url = fake_openai
    settings = settings_for(tmp_path, openai_base_url=url, openai_api_key=SecretStr("sk-test"))
    request = VideoRequest(prompt="a lighthouse", seconds=8, width=160, height=96, engine="openai")
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(Cancelled):
        text_to_video(request, tmp_path / "x.mp4", cancelled=cancelled, engines=default_registry(settings))
    left = [p.name for p in tmp_path.iterdir()]
    assert "x.mp4" not in left
    assert not [name for name in left if name.startswith(".frameloom-shots-")], "the scratch folder is gone"


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny Stable Diffusion and a tiny AnimateDiff, random weights, saved once; skipped without the extra."""
    from frameloom.engines.diffusers.config import check_installed

    try:
        check_installed()
    except EngineUnavailable as exc:
        pytest.skip(str(exc))
    import torch

    from frameloom.engines.diffusers.tiny import save_tiny_animatediff, save_tiny_sd

    torch.set_num_threads(1)  # tiny tensors on 2 shared cores
    folder = tmp_path_factory.mktemp("models")
    return save_tiny_sd(folder / "tiny-sd"), save_tiny_animatediff(folder / "tiny-animatediff")


def test_a_diffusers_model_draws_the_shots(tiny_models: tuple[Path, Path], tmp_path: Path) -> None:
    image_model, _ = tiny_models
    settings = settings_for(tmp_path, engine="diffusers", diffusers_model=str(image_model), diffusers_steps=2)
    request = VideoRequest(prompt="a fox in the snow", seconds=8, width=128, height=72, fps=8, seed=3)
    result = text_to_video(request, tmp_path / "d.mp4", engines=default_registry(settings))
    seconds, _ = facts(result.path)
    assert seconds == pytest.approx(8.0, abs=0.13)
    frames = frames_of(result.path)
    assert np.abs(frames[8] - frames[24]).mean() > 20, "two shots, two seeds, two pictures"


def test_a_diffusers_video_model_draws_clips(tiny_models: tuple[Path, Path], tmp_path: Path) -> None:
    image_model, video_model = tiny_models
    settings = settings_for(tmp_path, diffusers_model=str(image_model), diffusers_video_model=str(video_model),
                            diffusers_steps=2)
    request = VideoRequest(prompt="a fox running", seconds=2, width=128, height=72, fps=8, seed=5,
                           engine="diffusers")
    result = text_to_video(request, tmp_path / "v.mp4", engines=default_registry(settings))
    seconds, _ = facts(result.path)
    assert seconds == pytest.approx(2.0, abs=0.13)
    frames = frames_of(result.path)
    # AnimateDiff's own frames (8 fps, no camera motion): consecutive frames of the clip differ
    assert np.abs(frames[6] - frames[10]).mean() > 1
