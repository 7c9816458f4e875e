"""The planner's rules beyond single messages: tools, folding, for-each, robustness."""

from __future__ import annotations

import random
import string

import pytest

from frameloom.agent import TOOLS, PlanContext, ToolCall, expand_for_each, plan
from frameloom.domain.errors import InvalidRequest

UPLOADS = PlanContext(uploads=("med_a1", "med_b2"))


def test_a_call_carries_every_argument_of_its_tool() -> None:
    call = ToolCall.of("generate_image", prompt="a cat")
    assert dict(call.args) == {"prompt": "a cat", "aspect": None, "n": 1, "seed": None, "style": None}


@pytest.mark.parametrize(("name", "args", "field"), [
    ("paint_wall", {}, "name"), ("export", {"fmt": "gif"}, "export.fmt"), ("remove", {}, "remove.target"),
])
def test_a_bad_call_is_refused_naming_the_field(name: str, args: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        ToolCall.of(name, **args)
    assert raised.value.problems[0].field == field


def test_the_vocabulary_is_the_contract() -> None:
    assert set(TOOLS) == {
        "generate_image", "generate_video", "vary", "add_title", "set_title", "add_music", "set_volume",
        "set_aspect", "set_duration", "remove", "move", "trim", "use_upload", "for_each_upload", "export",
        "undo", "redo", "show_status", "help"}
    assert TOOLS["generate_video"].arg_names == ("prompt", "seconds", "aspect", "style", "music", "title")


def test_every_planned_call_is_a_valid_call() -> None:
    result = plan("a 6 second video of a city with lo-fi music at 35% and the title 'Night' at the top")
    for call in result.calls:
        assert ToolCall.of(call.name, **call.args) == call


def test_generation_takes_what_its_arguments_hold_and_adds_calls_for_the_rest() -> None:
    result = plan("a 6 second video of a city with lo-fi music at 35% and the title 'Night' at the top")
    assert [c.name for c in result.calls] == ["generate_video", "set_volume", "set_title"]
    video, volume, title = result.calls
    assert (video.args["prompt"], video.args["seconds"], video.args["music"], video.args["title"]) == (
        "a city", 6, "lofi", "Night")
    assert (volume.args["volume"], volume.args["target"]) == (0.35, "music")
    assert title.args["pos"] == "top"


def test_music_without_a_style_is_lofi_inside_a_generation() -> None:
    assert plan("make a video of a beach with music").calls[0].args["music"] == "lofi"


def test_an_aspect_said_after_a_generation_folds_into_it() -> None:
    result = plan("draw a cat and make it vertical")
    assert [c.name for c in result.calls] == ["generate_image"]
    assert result.calls[0].args["aspect"] == "9:16"


def test_then_starts_a_new_action_after_a_generation() -> None:
    assert [c.name for c in plan("draw a cat, then export as png").calls] == ["generate_image", "export"]


def test_the_prompt_keeps_the_users_case_and_words() -> None:
    assert plan("genrate an imge of The Eiffel Tower at Dusk").calls[0].args["prompt"] == "The Eiffel Tower at Dusk"


def test_for_each_upload_is_one_call_whose_instruction_plans_per_upload() -> None:
    (call,) = plan("turn each clip into a 5-second GIF", UPLOADS).calls
    steps = expand_for_each(call, UPLOADS)
    assert [(c.name, c.args.get("media") or c.args.get("seconds") or c.args.get("format")) for c in steps] == [
        ("use_upload", "med_a1"), ("set_duration", 5), ("export", "gif"),
        ("use_upload", "med_b2"), ("set_duration", 5), ("export", "gif"),
    ]


def test_for_each_in_chinese_plans_the_same() -> None:
    (call,) = plan("把每个视频都做成5秒的GIF", UPLOADS).calls
    assert [c.name for c in expand_for_each(call, UPLOADS)] == [
        "use_upload", "set_duration", "export", "use_upload", "set_duration", "export"]


def test_for_each_with_no_uploads_expands_to_nothing() -> None:
    (call,) = plan("turn each clip into a GIF").calls
    assert expand_for_each(call, PlanContext()) == ()


def test_the_same_message_always_gives_the_same_plan() -> None:
    message = "add lo-fi music at 35% and the title Urban Dreams for 3 seconds"
    assert plan(message) == plan(message)


def test_a_quoted_title_keeps_its_commas_and_ands() -> None:
    (call,) = plan('add the title "Salt, Pepper and Ash" at the top').calls
    assert (call.name, call.args["text"], call.args["pos"]) == ("add_title", "Salt, Pepper and Ash", "top")


def test_random_text_never_raises() -> None:
    rng = random.Random(7)
    alphabet = string.printable + "标题音乐导出视频秒，。“”「」的一二三"
    for _ in range(500):
        message = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        result = plan(message)
        assert result.calls or result.reply_hint
