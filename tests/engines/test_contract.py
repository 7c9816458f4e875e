"""The engine contract: every registered engine runs this class.

Small sizes keep it fast (the contract allows any multiple of 8 from 64 px);
an engine whose optional extra is missing is skipped with the reason. The
settings (``engine_settings``) point ``diffusers`` at a tiny random pipeline
and ``openai`` at a local fake server.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from frameloom.domain.errors import Cancelled, EngineUnavailable, InvalidRequest, UnknownStyle
from frameloom.domain.images import MAX_PROMPT_CHARS, ImageRequest
from frameloom.engines import NO_HOOKS, Capabilities, Engine, GeneratedImage, Hooks, default_registry
from frameloom.settings import Settings

W, H = 256, 144
PROMPT = "a fox reading a book in a forest at sunset"
ENGINE_NAMES = ["compose", "diffusers", "openai"]  # what default_registry ships


@pytest.fixture(scope="module", params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest, engine_settings: Settings) -> Engine:
    try:
        return default_registry(engine_settings).get(request.param)
    except EngineUnavailable as exc:
        pytest.skip(f"engine {request.param} is not available here: {exc}")


def generate(engine: Engine, hooks: Hooks = NO_HOOKS, **kwargs: Any) -> list[GeneratedImage]:
    args: dict[str, Any] = {"prompt": PROMPT, "width": W, "height": H, "seed": 1, **kwargs}
    return engine.generate(ImageRequest(**args), hooks)


def pixels(result: GeneratedImage) -> np.ndarray:
    return np.asarray(result.image)


class TestEngineContract:
    def test_describes_itself(self, engine: Engine) -> None:
        assert isinstance(engine.name, str)
        assert engine.name in ENGINE_NAMES
        assert isinstance(engine.capabilities, Capabilities)

    @pytest.mark.parametrize(("width", "height"), [(W, H), (H, W), (128, 128)])
    def test_result_has_the_requested_size_and_is_rgb(self, engine: Engine, width: int, height: int) -> None:
        (result,) = generate(engine, width=width, height=height)
        assert result.image.size == (width, height)
        assert result.image.mode == "RGB"
        assert pixels(result).shape == (height, width, 3)
        assert result.engine == engine.name

    def test_n_results_with_consecutive_seeds(self, engine: Engine) -> None:
        results = generate(engine, seed=40, n=3)
        assert len(results) == 3
        assert [r.seed for r in results] == [40, 41, 42]
        assert all(r.image.size == (W, H) for r in results)

    def test_same_seed_gives_the_same_pixels(self, engine: Engine) -> None:
        first, second = generate(engine, seed=7)[0], generate(engine, seed=7)[0]
        assert np.array_equal(pixels(first), pixels(second))

    def test_result_i_of_n_is_reproducible_alone(self, engine: Engine) -> None:
        second_of_two = generate(engine, seed=7, n=2)[1]
        alone = generate(engine, seed=8)[0]
        assert np.array_equal(pixels(second_of_two), pixels(alone))

    def test_different_seeds_give_different_pixels(self, engine: Engine) -> None:
        a, b = generate(engine, seed=1)[0], generate(engine, seed=2)[0]
        assert not np.array_equal(pixels(a), pixels(b))

    def test_every_declared_style_draws(self, engine: Engine) -> None:
        for style in engine.capabilities.styles:
            (result,) = generate(engine, style=style, width=128, height=72)
            assert result.image.size == (128, 72), style

    def test_unknown_style_is_refused_on_the_style_field(self, engine: Engine) -> None:
        with pytest.raises(UnknownStyle) as exc:
            generate(engine, style="no-such-style")
        assert [p.field for p in exc.value.problems] == ["style"]

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"prompt": ""}, "prompt"),
            ({"prompt": "   "}, "prompt"),
            ({"width": 100}, "size"),
            ({"height": 4096}, "size"),
            ({"n": 0}, "n"),
            ({"n": 5}, "n"),
        ],
    )
    def test_bad_requests_are_refused_with_the_field(
        self, engine: Engine, kwargs: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidRequest) as exc:
            generate(engine, **kwargs)
        assert field in [p.field for p in exc.value.problems]

    @pytest.mark.parametrize(
        "prompt",
        ["一只在日落时分的森林里读书的狐狸", "🦊📚 at night", "zzqx blorf", ("a fox " * 700)[:MAX_PROMPT_CHARS]],
        ids=["chinese", "emoji", "unknown-words", "longest"],
    )
    def test_any_valid_prompt_draws(self, engine: Engine, prompt: str) -> None:
        (result,) = generate(engine, prompt=prompt, width=128, height=72)
        assert result.image.size == (128, 72)

    def test_progress_rises_to_one(self, engine: Engine) -> None:
        seen: list[float] = []
        generate(engine, Hooks(progress=seen.append), n=2)
        assert seen, "no progress reported"
        assert all(0.0 <= f <= 1.0 for f in seen)
        assert seen == sorted(seen)
        assert seen[-1] == 1.0

    def test_a_cancel_before_the_start_draws_nothing(self, engine: Engine) -> None:
        seen: list[float] = []
        with pytest.raises(Cancelled):
            generate(engine, Hooks(progress=seen.append, cancelled=lambda: True))
        assert seen == []

    def test_a_cancel_is_seen_between_steps(self, engine: Engine) -> None:
        seen: list[float] = []
        with pytest.raises(Cancelled):
            generate(engine, Hooks(progress=seen.append, cancelled=lambda: bool(seen)), n=2)
        assert seen, "no progress before the cancel"
        assert seen[-1] < 1.0


def test_the_contract_covers_every_shipped_engine(settings: Settings) -> None:
    assert default_registry(settings).names() == sorted(ENGINE_NAMES)
