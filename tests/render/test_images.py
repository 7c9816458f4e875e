"""Files are reopened with Pillow; metadata is read back the way other tools read it."""

from __future__ import annotations

import errno
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from frameloom.domain.errors import InvalidRequest, OutputError
from frameloom.render import encode_image, format_for_path, image_metadata, save_image
from frameloom.render.images import XMP_NAMESPACE

PROMPTS = {"latin": "a fox reading a book", "chinese": "一只读书的狐狸 at sunset"}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "fl": XMP_NAMESPACE,
}


@pytest.fixture
def image() -> Image.Image:
    img = Image.new("RGB", (96, 64), (200, 120, 40))
    img.putpixel((3, 3), (0, 0, 255))
    return img


def meta(prompt: str) -> dict[str, str]:
    return image_metadata(prompt, 42, "compose", 96, 64, style="neon")


def test_image_metadata_follows_the_automatic1111_parameters_format() -> None:
    m = image_metadata("a fox", 7, "compose", 1920, 1080)
    assert m == {
        "prompt": "a fox",
        "seed": "7",
        "engine": "compose",
        "size": "1920x1080",
        "parameters": "a fox\nSteps: 0, Seed: 7, Size: 1920x1080, Model: compose",
    }
    neg = image_metadata("a fox", 7, "diffusers", 64, 64, negative_prompt="blurry", model="sdxl", style="sketch")
    assert neg["parameters"] == "a fox\nNegative prompt: blurry\nSteps: 0, Seed: 7, Size: 64x64, Model: sdxl, Style: sketch"
    assert neg["style"] == "sketch"


@pytest.mark.parametrize("prompt", PROMPTS.values(), ids=PROMPTS.keys())
def test_png_has_text_chunks(tmp_path: Path, image: Image.Image, prompt: str) -> None:
    path = save_image(image, tmp_path / "out.png", meta(prompt))
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert img.size == (96, 64)
        assert isinstance(img, PngImagePlugin.PngImageFile)
        text = img.text
    for key in ("prompt", "seed", "engine", "size", "style", "parameters"):
        assert text[key] == meta(prompt)[key]
    assert text["parameters"].startswith(prompt + "\nSteps: 0, Seed: 42, Size: 96x64, Model: compose")
    raw = path.read_bytes()
    expected_chunk = b"tEXt" if prompt.isascii() else b"iTXt"
    assert expected_chunk + b"parameters" in raw


def _exif_texts(img: Image.Image) -> tuple[str, str]:
    exif = img.getexif()
    description = exif[0x010E]
    comment = exif.get_ifd(0x8769)[0x9286]
    assert comment[:8] == b"UNICODE\x00"
    # ImageDescription holds UTF-8 bytes; Pillow hands them back as Latin-1 text.
    return description.encode("latin-1").decode("utf-8"), comment[8:].decode("utf-16-be")


def _xmp_values(img: Image.Image) -> dict[str, str]:
    root = ET.fromstring(img.info["xmp"])
    desc = root.find(".//rdf:Description", NS)
    assert desc is not None
    values = {child.tag.split("}")[1]: child.text or "" for child in desc if child.tag.startswith("{" + XMP_NAMESPACE)}
    title = desc.find("dc:description/rdf:Alt/rdf:li", NS)
    assert title is not None
    values["dc:description"] = title.text or ""
    return values


@pytest.mark.parametrize("suffix", [".jpg", ".jpeg", ".webp"])
@pytest.mark.parametrize("prompt", PROMPTS.values(), ids=PROMPTS.keys())
def test_jpeg_and_webp_have_exif_and_xmp(tmp_path: Path, image: Image.Image, suffix: str, prompt: str) -> None:
    expected = meta(prompt)
    path = save_image(image, tmp_path / f"out{suffix}", expected)
    with Image.open(path) as img:
        assert img.format == ("WEBP" if suffix == ".webp" else "JPEG")
        assert img.size == (96, 64)
        assert img.mode == "RGB"
        description, comment = _exif_texts(img)
        xmp = _xmp_values(img)
    assert description == prompt
    assert comment == expected["parameters"]
    assert xmp["dc:description"] == prompt
    for key, value in expected.items():
        assert xmp[key] == value


@pytest.mark.parametrize("fmt", ["png", "PNG", "jpeg", "jpg", "webp"])
def test_encode_image_returns_decodable_bytes(image: Image.Image, fmt: str) -> None:
    data = encode_image(image, fmt, {"prompt": "x"})
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (96, 64)


def test_png_is_lossless(tmp_path: Path, image: Image.Image) -> None:
    path = save_image(image, tmp_path / "out.png", {})
    with Image.open(path) as img:
        assert img.convert("RGB").tobytes() == image.tobytes()


def test_encode_image_refuses_an_unknown_format(image: Image.Image) -> None:
    with pytest.raises(InvalidRequest) as exc:
        encode_image(image, "bmp", {})
    assert exc.value.problems[0].field == "format"


def test_metadata_keys_must_be_identifiers(image: Image.Image) -> None:
    with pytest.raises(ValueError, match="metadata key"):
        encode_image(image, "png", {"bad key": "x"})


@pytest.mark.parametrize(("name", "fmt"), [("a.png", "png"), ("a.JPG", "jpeg"), ("a.jpeg", "jpeg"), ("a.WebP", "webp")])
def test_format_follows_the_suffix(name: str, fmt: str) -> None:
    assert format_for_path(name) == fmt


@pytest.mark.parametrize("name", ["a.gif", "a.bmp", "a", "a.mp4"])
def test_other_suffixes_are_refused_on_output(tmp_path: Path, image: Image.Image, name: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        save_image(image, tmp_path / name, {})
    assert exc.value.problems[0].field == "output"
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_raises_output_error_and_creates_nothing(tmp_path: Path, image: Image.Image) -> None:
    with pytest.raises(OutputError) as exc:
        save_image(image, tmp_path / "missing" / "out.png", {})
    assert "does not exist" in exc.value.reason
    assert list(tmp_path.iterdir()) == []


def test_readonly_folder_raises_output_error(readonly_dir: Path, image: Image.Image) -> None:
    with pytest.raises(OutputError) as exc:
        save_image(image, readonly_dir / "out.png", {})
    assert str(exc.value).endswith(("permission denied", "read-only file system"))
    assert list(readonly_dir.iterdir()) == []


def test_a_folder_in_the_way_leaves_nothing_behind(tmp_path: Path, image: Image.Image) -> None:
    (tmp_path / "out.png").mkdir()
    (tmp_path / "out.png" / "keep").write_text("x")
    with pytest.raises(OutputError):
        save_image(image, tmp_path / "out.png", {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_failed_temp_file_creation_raises_output_error(
    tmp_path: Path, image: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(OutputError, match="permission denied"):
        save_image(image, tmp_path / "out.png", {})
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_replace_keeps_the_old_file_and_removes_the_temp(
    tmp_path: Path, image: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OutputError, match="no space left on device"):
        save_image(image, target, {})
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_an_interrupted_write_leaves_nothing_behind(
    tmp_path: Path, image: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_image(image, tmp_path / "out.png", {})
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_overwrites_an_existing_file_with_normal_permissions(tmp_path: Path, image: Image.Image) -> None:
    target = tmp_path / "out.webp"
    target.write_bytes(b"old")
    umask = os.umask(0o022)
    try:
        save_image(image, target, {"prompt": "x"})
    finally:
        os.umask(umask)
    assert target.read_bytes()[:4] == b"RIFF"
    assert target.stat().st_mode & 0o777 == 0o644
