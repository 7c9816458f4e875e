from __future__ import annotations

import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.sizes import ASPECTS, Size, aspect_size, check_size, parse_size, resolve_size


def fields(exc: pytest.ExceptionInfo[InvalidRequest]) -> list[str]:
    return [p.field for p in exc.value.problems]


@pytest.mark.parametrize(("aspect", "size"), [(name, Size(*wh)) for name, wh in ASPECTS.items()])
def test_every_aspect_preset_is_a_valid_size(aspect: str, size: Size) -> None:
    assert aspect_size(aspect) == size
    assert check_size(size.width, size.height) == size


def test_default_is_1080p_landscape() -> None:
    assert resolve_size() == Size(1920, 1080)


@pytest.mark.parametrize("text", ["1920x1080", " 1280 X 720 ", "1080×1920"])
def test_parse_size_accepts_common_spellings(text: str) -> None:
    assert parse_size(text).width in (1920, 1280, 1080)


@pytest.mark.parametrize("text", ["", "1920", "axb", "1920x", "-8x64"])
def test_parse_size_rejects_garbage(text: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        parse_size(text)
    assert fields(exc) == ["size"]


@pytest.mark.parametrize(("w", "h"), [(100, 64), (64, 4096), (56, 64), (2056, 1080)])
def test_check_size_rejects_bad_dimensions(w: int, h: int) -> None:
    with pytest.raises(InvalidRequest) as exc:
        check_size(w, h)
    assert fields(exc) == ["size"]
    assert f"{w}x{h}" in str(exc.value)


def test_unknown_aspect_names_the_known_ones() -> None:
    with pytest.raises(InvalidRequest) as exc:
        aspect_size("5:4")
    assert fields(exc) == ["aspect"]
    assert "16:9" in str(exc.value)


def test_aspect_and_size_together_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        resolve_size("16:9", "1280x720")


def test_size_prints_as_wxh() -> None:
    assert str(Size(256, 144)) == "256x144"
