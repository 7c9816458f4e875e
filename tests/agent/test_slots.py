"""The slot parsers, one behaviour each: value and the span it covers."""

from __future__ import annotations

import pytest

from frameloom.agent import refs, slots
from frameloom.agent.lexicon import normalise, to_number, zh_number


@pytest.mark.parametrize(("text", "value"), [
    ("6", 6), ("2.5", 2.5), ("six", 6), ("twelve", 12), ("六", 6), ("十", 10), ("十五", 15),
    ("二十", 20), ("三十五", 35), ("两", 2), ("两百", 200), ("五十", 50), ("cat", None),
])
def test_numbers_in_digits_words_and_chinese(text: str, value: float | None) -> None:
    assert to_number(text) == value


def test_zh_number_refuses_other_characters() -> None:
    assert zh_number("三只") is None


@pytest.mark.parametrize(("text", "value"), [
    ("a 6 second video", 6), ("a 6-second clip", 6), ("6s", 6), ("make it 10 secs", 10),
    ("六秒", 6), ("10秒钟", 10), ("1 minute", 60), ("two minutes", 120), ("2分钟", 120), ("1.5 seconds", 1.5),
])
def test_seconds(text: str, value: float) -> None:
    found = slots.seconds(text)
    assert found is not None
    assert found.value == value


def test_seconds_span_covers_the_words() -> None:
    found = slots.seconds("a 6 second video")
    assert found is not None
    assert "a 6 second video"[found.start:found.end] == "6 second"


@pytest.mark.parametrize("text", ["a video of six cats", "the 6 of us", "3 images", ""])
def test_no_seconds_without_a_unit(text: str) -> None:
    assert slots.seconds(text) is None


@pytest.mark.parametrize(("text", "start_ms", "duration_ms"), [
    ("for the first 3 seconds", 0, 3000), ("0-3s", 0, 3000), ("from 2 to 5 seconds", 2000, 3000),
    ("between 1 and 4 seconds", 1000, 3000), ("2s-5s", 2000, 3000), ("at 2s", 2000, None),
    ("starting at 1.5 seconds", 1500, None), ("for 3 seconds", None, 3000), ("for the last 2 seconds", -2000, 2000),
    ("前3秒", 0, 3000), ("从2秒到5秒", 2000, 3000), ("第2秒到第5秒", 2000, 3000), ("持续3秒", None, 3000),
    ("最后2秒", -2000, 2000), ("在第4秒", 4000, None), ("last 5 seconds", None, 5000),
])
def test_time_ranges(text: str, start_ms: int | None, duration_ms: int | None) -> None:
    found = slots.time_range(text)
    assert found is not None
    assert (found.value.start_ms, found.value.duration_ms) == (start_ms, duration_ms)


def test_a_range_knows_its_end() -> None:
    assert slots.TimeRange(2000, 3000).end_ms == 5000
    assert slots.TimeRange(None, 3000).end_ms is None


@pytest.mark.parametrize(("text", "value"), [
    ("at 35%", 0.35), ("35 percent", 0.35), ("35 per cent", 0.35), ("音量50%", 0.5), ("百分之二十", 0.2),
    ("volume 0.5", 0.5), ("set the volume to 60", 0.6), ("音量调到三十", 0.3), ("mute", 0.0), ("静音", 0.0),
])
def test_volume_as_a_fraction(text: str, value: float) -> None:
    found = slots.volume(text)
    assert found is not None
    assert found.value == pytest.approx(value)


@pytest.mark.parametrize(("text", "value"), [
    ("make it quieter", "quieter"), ("turn the music down", "quieter"), ("lower the music", "quieter"),
    ("小声一点", "quieter"), ("louder", "louder"), ("turn it up", "louder"), ("大声一点", "louder"), ("调高", "louder"),
])
def test_volume_changes(text: str, value: str) -> None:
    found = slots.volume_change(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("vertical for tiktok", "9:16"), ("make it portrait", "9:16"), ("reels", "9:16"), ("shorts", "9:16"),
    ("竖屏", "9:16"), ("square", "1:1"), ("方形", "1:1"), ("instagram post", "1:1"), ("widescreen", "16:9"),
    ("横屏", "16:9"), ("for youtube", "16:9"), ("4:3", "4:3"), ("3x4", "3:4"), ("16:9", "16:9"), ("landscape", "16:9"),
])
def test_aspects(text: str, value: str) -> None:
    found = slots.aspect(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize("text", ["a portrait of an old sailor", "a town square at noon", "a vertical garden wall",
                                  "a mountain landscape"])
def test_description_words_are_not_aspects_inside_a_prompt(text: str) -> None:
    assert slots.aspect(text, strict=True) is None


@pytest.mark.parametrize(("text", "value"), [
    ("in a portrait format", "9:16"), ("a square image of", "1:1"), ("a sunset, vertical", "9:16"), ("竖屏的瀑布", "9:16"),
])
def test_description_words_with_a_marker_are_aspects_inside_a_prompt(text: str, value: str) -> None:
    found = slots.aspect(text, strict=True)
    assert found is not None
    assert found.value == value


def test_unlisted_ratios_are_not_aspects() -> None:
    assert slots.aspect("21:9") is None


@pytest.mark.parametrize(("text", "value"), [
    ("in watercolor style", "watercolor"), ("watercolour", "watercolor"), ("pixel art", "pixel_art"),
    ("an oil painting of", "oil_painting"), ("a pencil sketch", "sketch"), ("illustration", "illustration"),
    ("in neon style", "neon"), ("synthwave", "neon"), ("水彩风格的", "watercolor"), ("像素风", "pixel_art"),
    ("油画", "oil_painting"), ("素描", "sketch"), ("霓虹风格", "neon"),
])
def test_styles(text: str, value: str) -> None:
    found = slots.style(text)
    assert found is not None
    assert found.value == value


def test_neon_lights_are_a_subject_not_a_style() -> None:
    assert slots.style("a city at night with neon lights") is None


def test_a_style_span_leaves_a_clean_prompt() -> None:
    text = "a fox in watercolor style"
    found = slots.style(text)
    assert found is not None
    assert text[:found.start].strip() == "a fox"


@pytest.mark.parametrize(("text", "value"), [
    ("lo-fi", "lofi"), ("lofi", "lofi"), ("chill", "lofi"), ("ambient", "ambient"), ("upbeat", "upbeat"),
    ("cinematic", "cinematic"), ("epic", "cinematic"), ("轻音乐", "lofi"), ("氛围", "ambient"), ("欢快", "upbeat"),
    ("电影感", "cinematic"),
])
def test_music_styles(text: str, value: str) -> None:
    found = slots.music_style(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("at the top", "top"), ("bottom", "bottom"), ("in the middle", "center"), ("centre", "center"),
    ("顶部", "top"), ("在底部", "bottom"), ("居中", "center"),
])
def test_positions(text: str, value: str) -> None:
    found = slots.position(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("3 variations", 3), ("three images", 3), ("2 pictures", 2), ("两张", 2), ("4张", 4), ("a couple of images", 2),
])
def test_counts(text: str, value: int) -> None:
    found = slots.count(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [("seed 42", 42), ("with seed=7", 7), ("种子 123", 123)])
def test_seeds(text: str, value: int) -> None:
    found = slots.seed(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("as a gif", "gif"), ("导出webm", "webm"), ("jpeg", "jpg"), ("just the audio", "mp3"), ("a still", "png"),
    ("截图", "png"), ("mp4", "mp4"),
])
def test_export_formats(text: str, value: str) -> None:
    found = slots.export_format(text)
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("remove the title", "title"), ("delete the caption", "title"), ("the music", "music"), ("去掉音乐", "music"),
    ("the video", "video"), ("remove it", "last"), ("remove med_0123abcd", "med_0123abcd"), ("remove s3", "s3"),
    ("anything", None),
])
def test_targets(text: str, value: str | None) -> None:
    assert refs.target(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("my clip", "last"), ("the second clip", "2"), ("第三个视频", "3"), ("clip 4", "4"), ("all my clips", "all"),
    ("所有视频", "all"), ("use med_abcdef12", "med_abcdef12"),
])
def test_upload_references(text: str, value: str) -> None:
    assert refs.media_ref(text) == value


@pytest.mark.parametrize(("text", "inside"), [
    ('add "Hi there"', "Hi there"), ("add “城市之梦”", "城市之梦"), ("加上「新年快乐」", "新年快乐"), ("title 'Hello'", "Hello"),
])
def test_quoted_text(text: str, inside: str) -> None:
    found = refs.quoted(text)
    assert found is not None
    start, end = found.value
    assert text[start:end] == inside


def test_an_apostrophe_is_not_a_quote() -> None:
    assert refs.quoted("it's the title's text") is None


def test_marked_text_stops_at_the_next_slot() -> None:
    text = "add the title urban dreams for 3 seconds"
    found = refs.marked_text(text)
    assert found is not None
    assert text[slice(*found.value)] == "urban dreams"


@pytest.mark.parametrize(("message", "low"), [
    ("genrate an imge of a cat", "generate an image of a cat"), ("make it vertcal", "make it vertical"),
    ("exprot", "export"), ("a tile floor", "a tile floor"), ("an expert chef", "an expert chef"),
])
def test_misspelt_command_words_are_corrected(message: str, low: str) -> None:
    assert normalise(message).low == low


def test_corrections_map_back_to_the_words_typed() -> None:
    text = normalise("genrate an imge of A Cat")
    start = text.low.index("a cat")
    assert text.raw_span(start, len(text.low)) == "A Cat"
    assert text.raw_span(0, len("generate")) == "genrate"
