from __future__ import annotations

import pytest

from frameloom.domain import errors
from frameloom.domain.errors import (
    EngineFailed,
    EngineUnavailable,
    FrameloomError,
    InvalidRequest,
    OutputError,
    Problem,
    UnknownEngine,
    UnknownStyle,
)


def test_invalid_request_message_lists_each_field() -> None:
    exc = InvalidRequest([Problem("prompt", "must not be empty"), Problem("n", "0: must be 1 to 4")])
    assert str(exc) == "prompt: must not be empty; n: 0: must be 1 to 4"
    assert InvalidRequest.of("size", "bad").problems == [Problem("size", "bad")]


def test_unknown_names_carry_the_field_and_the_known_names() -> None:
    engine = UnknownEngine("dalle", ["compose"])
    style = UnknownStyle("cubist", ["neon", "sketch"])
    assert engine.problems[0].field == "engine"
    assert "compose" in str(engine)
    assert style.problems[0].field == "style"
    assert style.name == "cubist"


def test_output_error_names_the_path_and_reason() -> None:
    exc = OutputError("/x/out.png", "permission denied")
    assert (exc.path, exc.reason) == ("/x/out.png", "permission denied")
    assert str(exc) == "output: cannot write /x/out.png: permission denied"


@pytest.mark.parametrize(
    "cls", [InvalidRequest, UnknownEngine, UnknownStyle, EngineUnavailable, EngineFailed, OutputError]
)
def test_every_error_is_a_frameloom_error(cls: type[Exception]) -> None:
    assert issubclass(cls, FrameloomError)


def test_the_docstring_tree_names_every_error_class() -> None:
    classes = [
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, FrameloomError)
    ]
    assert errors.__doc__ is not None
    for name in classes:
        assert name in errors.__doc__, f"{name} is missing from the exception tree in domain/errors.py"
