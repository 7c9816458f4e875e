"""The command line through click's CliRunner, plus real runs of the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from PIL import Image, PngImagePlugin

from frameloom import __version__
from frameloom.cli.main import cli
from frameloom.engines.compose import ComposeEngine

SMALL = ["--size", "256x144"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def only_error_line(result: Result) -> str:
    """The single line on stderr; fails if there is more, or a traceback."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    assert lines[0].startswith("error: ")
    return lines[0]


def test_generate_writes_one_png_with_metadata(tmp_path: Path) -> None:
    result = run("generate", "a fox reading a book", "-o", "fox.png", "--seed", "5", *SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "fox.png  256x144  seed 5"
    assert result.stderr == ""  # a given seed is not announced
    with Image.open(tmp_path / "fox.png") as img:
        assert img.size == (256, 144)
        assert isinstance(img, PngImagePlugin.PngImageFile)
        text = img.text
    assert text["prompt"] == "a fox reading a book"
    assert text["seed"] == "5"
    assert text["engine"] == "compose"
    assert text["parameters"].endswith("Steps: 0, Seed: 5, Size: 256x144, Model: compose")


def test_generate_n_numbers_the_files_and_prints_one_line_each(tmp_path: Path) -> None:
    result = run("generate", "a fox", "-o", "out.webp", "--n", "3", "--seed", "10", *SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "out-1.webp  256x144  seed 10",
        "out-2.webp  256x144  seed 11",
        "out-3.webp  256x144  seed 12",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-1.webp", "out-2.webp", "out-3.webp"]


def test_generate_aspect_and_style(tmp_path: Path) -> None:
    result = run("generate", "a fox", "-o", "tall.jpg", "--aspect", "9:16", "--style", "sketch", "--seed", "1")
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "tall.jpg") as img:
        assert img.size == (1080, 1920)


def test_without_a_seed_a_random_one_is_used_and_announced(tmp_path: Path) -> None:
    result = run("generate", "a fox", "-o", "a.png", *SMALL)
    assert result.exit_code == 0, result.output
    seed = result.stdout.split("seed ")[1].strip()
    assert result.stderr.strip() == f"seed {seed} (random; pass --seed {seed} to repeat)"
    again = run("generate", "a fox", "-o", "b.png", "--seed", seed, *SMALL)
    assert again.exit_code == 0
    assert (tmp_path / "a.png").exists()
    with Image.open(tmp_path / "a.png") as a, Image.open(tmp_path / "b.png") as b:
        assert a.tobytes() == b.tobytes()


def test_default_output_name_carries_the_seed(tmp_path: Path) -> None:
    result = run("generate", "a fox", "--seed", "77", *SMALL)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "frameloom-77.png").exists()


def test_generate_a_video_with_music(tmp_path: Path) -> None:
    import av

    out = tmp_path / "fox.mp4"
    result = run("generate", "a fox in a forest at night", "-o", str(out), "--seconds", "2", "--size", "320x176",
                 "--music", "lofi", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{out}  320x176  2 s  30 fps  seed 3"
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 320, 176)
        assert audio.codec_context.name == "aac"
        assert container.duration is not None
        assert abs(container.duration / 1e6 - 2.0) < 0.05
        assert sum(1 for _ in container.decode(video=0)) == 60


def frame_at_1s(path: Path) -> np.ndarray:
    """The frame at 1 s, RGB, as int."""
    import av

    with av.open(str(path)) as container:
        frame = next(f for f in container.decode(video=0) if f.time is not None and f.time >= 1.0)
    return frame.to_ndarray(format="rgb24").astype(int)


def test_generate_a_video_with_a_title_drawn_by_the_compose_engine(tmp_path: Path) -> None:
    common = ["a city street at night", "--seconds", "2", "--size", "320x176", "--seed", "3"]
    titled = run("generate", *common, "-o", "titled.mp4", "--title", "URBAN DREAMS", "--title-seconds", "1.5",
                 "--engine", "compose")
    assert titled.exit_code == 0, titled.output
    assert titled.stdout.strip() == "titled.mp4  320x176  2 s  30 fps  seed 3"
    assert run("generate", *common, "-o", "plain.mp4").exit_code == 0
    with_title, without = frame_at_1s(tmp_path / "titled.mp4"), frame_at_1s(tmp_path / "plain.mp4")
    letters = (with_title.min(axis=2) > 190) & ((with_title - without).min(axis=2) > 40)
    rows = np.flatnonzero(letters.any(axis=1))
    assert letters.sum() > 100, "white letters drawn over the picture"
    assert rows[-1] - rows[0] < 40, "in one line (a 16 px title on 176 px)"


def test_what_is_not_drawn_is_named_on_stderr(tmp_path: Path) -> None:
    result = run("generate", "a zorblax juggling on a beach", "-o", str(tmp_path / "l.png"), "--seed", "1", *SMALL)
    assert result.exit_code == 0
    assert "note: not drawn: zorblax, juggling" in result.stderr
    planned = run("plan", "a zorblax juggling on a beach", "--seed", "1", *SMALL)
    assert "note: not drawn: zorblax, juggling" in planned.stderr
    fates = {f["word"]: f["fate"] for f in json.loads(planned.stdout)["report"]}
    assert fates == {"zorblax": "not_drawn", "juggling": "not_drawn", "beach": "scene"}


def test_plan_prints_json() -> None:
    result = run("plan", "一只狐狸 reading", "--seed", "3", "--size", "1280x720")
    assert result.exit_code == 0, result.output
    assert "一只狐狸" in result.stdout  # not \\u escaped
    plan: dict[str, Any] = json.loads(result.stdout)
    assert isinstance(plan, dict)
    expected = ComposeEngine().plan("一只狐狸 reading", width=1280, height=720, seed=3)
    assert plan == json.loads(json.dumps(expected))  # the same plan, tuples as JSON lists


def test_plan_refuses_an_unknown_style() -> None:
    result = run("plan", "a fox", "--style", "cubism")
    assert result.exit_code == 2
    assert only_error_line(result).startswith("error: style: unknown style 'cubism'")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["generate", ""], "error: prompt: must not be empty"),
        (["generate", "   "], "error: prompt: must not be empty"),
        (["generate", "a fox", "--size", "100x100"], "error: size: 100x100: each side must be a multiple of 8"),
        (["generate", "a fox", "--size", "big"], "error: size: 'big' is not WIDTHxHEIGHT"),
        (["generate", "a fox", "--aspect", "5:4"], "error: aspect: unknown aspect '5:4'"),
        (["generate", "a fox", "--aspect", "1:1", "--size", "64x64"], "error: size: give either"),
        (["generate", "a fox", "--style", "cubism", *SMALL], "error: style: unknown style 'cubism'"),
        (["generate", "a fox", "--engine", "dalle"], "error: engine: unknown engine 'dalle'; known: compose"),
        (["generate", "a fox", "--n", "0"], "error: n: 0: must be 1 to 4"),
        (["generate", "a fox", "--n", "5"], "error: n: 5: must be 1 to 4"),
        (["generate", "a fox", "--seed", "-1"], "error: seed: -1: must be 0 to"),
        (["generate", "a fox", "-o", "nowhere/out.png"], "error: output: cannot write nowhere/out.png: folder"),
        (["generate", "a fox", "-o", "out.mp4", "--seconds", "0"], "error: seconds: 0.0: must be 1 to 300"),
        (["generate", "a fox", "-o", "out.mp4", "--music", "polka"], "error: music: unknown music 'polka'"),
        (["generate", "a fox", "-o", "out.mp4", "--n", "2"], "error: n: 2: a video output takes one variation"),
        (["generate", "a fox", "-o", "nowhere/out.mp4"], "error: output: cannot write nowhere/out.mp4: folder"),
        (["generate", "a fox", "-o", "out.bmp"], "error: output: .bmp is not an image format"),
        (["generate", "a fox", "-o", "out.png", "--seconds", "5"], "error: seconds: needs a video output"),
        (["generate", "a fox", "-o", "out.png", "--music", "lofi"], "error: music: needs a video output"),
        (["generate", "a fox", "-o", "out.png", "--title", "Urban Dreams"], "error: title: needs a video output"),
        (["generate", "a fox", "-o", "out.png", "--title-seconds", "2"], "error: title_seconds: needs a video output"),
        (["generate", "a fox", "-o", "out.mp4", "--title", "x" * 201], "error: title: 201 characters; at most 200"),
        (["generate", "a fox", "-o", "out.mp4", "--title", "Hi", "--title-seconds", "0"],
         "error: title_seconds: 0.0: must be above 0"),
        (["generate", "a fox", "-o", "out.mp4", "--engine", "dalle"],
         "error: engine: 'dalle' cannot make a video; text to video draws with compose, diffusers, openai"),
        (["generate", "a fox", "-o", "out.gif", "--engine", "dalle"], "error: engine: 'dalle' cannot make a video"),
        (["plan", ""], "error: prompt: must not be empty"),
        (["plan", "a fox", "--aspect", "2:1"], "error: aspect: unknown aspect '2:1'"),
    ],
)
def test_every_error_is_one_line_and_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert only_error_line(result).startswith(expected)
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


def test_unwritable_folder_is_one_line_and_exit_2(readonly_dir: Path) -> None:
    target = readonly_dir / "out.png"
    result = run("generate", "a fox", "-o", str(target), *SMALL)
    assert result.exit_code == 2
    assert only_error_line(result) == f"error: output: cannot write {target}: folder {readonly_dir} is not writable"
    assert list(readonly_dir.iterdir()) == []


def test_unknown_default_engine_from_the_environment() -> None:
    result = run("generate", "a fox", env={"FRAMELOOM_ENGINE": "dalle"})
    assert result.exit_code == 2
    assert only_error_line(result) == "error: engine: unknown engine 'dalle'; known: compose, diffusers, openai"


def test_bad_setting_names_the_variable() -> None:
    result = run("generate", "a fox", *SMALL, env={"FRAMELOOM_PORT": "many"})
    assert result.exit_code == 2
    assert only_error_line(result).startswith("error: FRAMELOOM_PORT: ")


def test_an_internal_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: ComposeEngine, request: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ComposeEngine, "generate", broken)
    result = run("generate", "a fox", *SMALL)
    assert result.exit_code == 1
    assert only_error_line(result) == "error: internal error (RuntimeError): boom"


def test_serve_runs_uvicorn_on_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from fastapi import FastAPI

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = run("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert isinstance(calls[0]["app"], FastAPI)
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8123)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"frameloom, version {__version__}"
    help_text = run("generate", "--help").stdout
    for option in ("--aspect", "--size", "--n", "--seed", "--style", "--engine", "-o"):
        assert option in help_text


def _script() -> Path:
    script = Path(sys.executable).parent / "frameloom"
    assert script.exists(), f"{script} is missing: install the project (pip install -e '.[dev]')"
    return script


def test_installed_console_script_generates(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(_script()), "generate", "a fox reading a book", "-o", "fox.jpg", "--seed", "9", *SMALL],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "fox.jpg  256x144  seed 9"
    with Image.open(tmp_path / "fox.jpg") as img:
        assert img.size == (256, 144)


def test_installed_console_script_error_has_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(_script()), "generate", "", "-o", "x.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == "error: prompt: must not be empty\n"
    assert proc.stdout == ""


def test_python_dash_m_frameloom(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "frameloom", "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0
    assert __version__ in proc.stdout
