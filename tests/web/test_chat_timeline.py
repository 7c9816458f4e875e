"""The chat panel and the timeline in a real browser: the seed's chat flow makes an image, a video,
a title and music; the timeline draws three tracks; Undo and Redo move the music; Export plays an
MP4 in the page; a reload restores the conversation. Screenshots of each step in ``screens/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from tests.web.conftest import OpenPage

import frameloom
from frameloom.agent.tools import TOOLS
from frameloom.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import FloatRect, Locator, Page

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

Screenshot = Callable[["Page", str], Path]
TURN_MS = 60_000  # a 2-second 1080p video renders in ~10 s on a loaded 2-core machine

SEED = [
    "generate an image of a futuristic city skyline at night with neon lights",
    "make a 2 second video from it",
    "add the title Urban Dreams",
    "add lo-fi music at 35%",
]


def open_studio(page: Page) -> None:
    page.goto("/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def say(page: Page, text: str) -> None:
    """Send ``text`` in the chat and wait for the turn's end (its reply no longer busy)."""
    ended = page.locator('#chat .msg.agent[aria-busy="false"]')
    before = ended.count()
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(ended).to_have_count(before + 1, timeout=TURN_MS)
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()


def box_of(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def agent_texts(page: Page) -> list[str]:
    return page.locator("#chat .msg.agent .text").all_inner_texts()


def tracks(page: Page) -> list[str]:
    """The timeline's rows, each as ``kind: segment text``."""
    rows = page.locator("#timeline .tl-track")
    return [f"{row.get_attribute('data-kind')}: {row.locator('.tl-seg').first.inner_text()}"
            for row in rows.all()]


def test_the_seed_chat_builds_a_three_track_timeline_undo_redo_export_and_reload(
        page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    expect(page.locator("#timeline .tl-empty")).to_be_visible()
    screenshot(page, "chat-0-empty")

    say(page, SEED[0])
    steps = page.locator("#chat .step.done")
    expect(steps.first).to_have_text(re.compile("Generated an image"))
    expect(page.locator("#chat img.thumb")).to_have_attribute("alt", SEED[0].removeprefix("generate an image of "))
    screenshot(page, "chat-1-image")

    page.get_by_label("Message", exact=True).fill(SEED[1])
    page.keyboard.press("Enter")  # Enter sends
    running = page.locator("#chat .step.running")
    expect(running).to_contain_text("Making a video…")
    expect(running.get_by_role("progressbar", name=re.compile(r"^Rendering \d+%$"))).to_be_visible()
    screenshot(page, "chat-2-rendering")
    expect(page.locator('#chat .msg.agent[aria-busy="false"]')).to_have_count(2, timeout=TURN_MS)
    expect(page.locator("#chat .step.done").nth(1)).to_contain_text("Made a video")
    expect(page.locator("#timeline .tl-preview video")).to_have_count(1)
    screenshot(page, "chat-2-video")
    say(page, SEED[2])
    say(page, SEED[3])
    texts = agent_texts(page)
    assert not [t for t in texts if t.lstrip().startswith(("{", "["))], texts  # never raw JSON
    assert "Added Lo-fi music at 35%" in texts[-1]
    assert page.locator("#chat .msg.agent .error").count() == 0

    expect(page.locator("#timeline .tl-track")).to_have_count(3)
    assert tracks(page) == ["video: a futuristic city skyline at night with...", "text: Urban Dreams",
                            "audio: Lo-fi 35%"]
    expect(page.locator("#timeline .tl-summary")).to_contain_text("Timeline (3 tracks)")
    lane = box_of(page.locator("#timeline .tl-track .tl-lane").first)
    for segment in page.locator("#timeline .tl-track .tl-seg").all():  # each spans the whole 2 s
        assert abs(box_of(segment)["width"] - lane["width"]) < 6
    screenshot(page, "chat-3-three-tracks")

    undo = page.get_by_role("button", name="Undo", exact=True)
    redo = page.get_by_role("button", name="Redo", exact=True)
    expect(redo).to_be_disabled()
    undo.click()
    expect(page.locator("#timeline .tl-track")).to_have_count(2)
    expect(page.locator('#timeline .tl-track[data-kind="audio"]')).to_have_count(0)
    expect(redo).to_be_enabled()
    screenshot(page, "chat-4-undone")
    redo.click()
    expect(page.locator("#timeline .tl-track")).to_have_count(3)
    expect(page.locator('#timeline .tl-track[data-kind="audio"]')).to_contain_text("Lo-fi")
    expect(redo).to_be_disabled()

    page.get_by_label("Format", exact=True).select_option("mp4")
    page.get_by_label("Size", exact=True).select_option("480")
    page.get_by_role("button", name="Export", exact=True).click()
    video = page.locator("#timeline .export-result video")
    expect(video).to_have_count(1, timeout=TURN_MS)
    page.wait_for_function("() => document.querySelector('#timeline .export-result video').readyState >= 2",
                           timeout=TURN_MS)
    duration = video.evaluate("v => v.duration")
    assert abs(duration - 2.0) < 0.2, duration
    assert (video.evaluate("v => v.videoWidth"), video.evaluate("v => v.videoHeight")) == (854, 480)
    expect(page.locator("#timeline .export-result a[download]")).to_have_attribute("href", re.compile(r"\.mp4\?"))
    expect(page.locator("#timeline .export-note")).to_contain_text("Done: MP4, 854×480")
    screenshot(page, "chat-5-exported")

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    users = page.locator("#chat .msg.user .text")
    expect(users).to_have_count(4)
    assert users.all_inner_texts() == SEED
    assert "Added Lo-fi music at 35%" in agent_texts(page)[-1]
    expect(page.locator("#chat .step.done")).to_have_count(4)
    expect(page.locator("#timeline .tl-track")).to_have_count(3)
    screenshot(page, "chat-6-reloaded")


def test_at_a_phone_width_the_chat_and_the_timeline_fit(phone_page: Page, screenshot: Screenshot) -> None:
    open_studio(phone_page)
    say(phone_page, SEED[0])
    say(phone_page, SEED[2])
    expect(phone_page.locator("#timeline .tl-track")).to_have_count(2)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    for name in ("Message", "Send", "Undo", "Redo", "Export"):
        box = box_of(phone_page.get_by_label(name, exact=True) if name == "Message"
                     else phone_page.get_by_role("button", name=name, exact=True))
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, (name, box)
    phone_page.get_by_role("button", name="Undo", exact=True).click()
    expect(phone_page.locator("#timeline .tl-track")).to_have_count(1)
    screenshot(phone_page, "chat-phone")


class TestOutOfCredits:
    @pytest.fixture
    def studio_settings(self, settings: Settings) -> Settings:
        """3 credits: too few for a 10-second video."""
        return settings.model_copy(update={"anonymous_credits": 3})

    def test_the_chat_says_so_plainly_with_the_registration_link(self, page: Page, screenshot: Screenshot) -> None:
        open_studio(page)
        say(page, "make a 10 second video of a fox in the snow")
        error = page.locator("#chat .msg.agent .error")
        expect(error).to_contain_text("Not enough credits: 10 needed, 3 left.")
        expect(error.get_by_role("link")).to_have_attribute("href", re.compile(r"/register\?bind="))
        expect(page.locator("#register-link")).to_be_visible()
        assert "{" not in error.inner_text()
        screenshot(page, "chat-credits-out")


def test_a_running_export_shows_in_the_queue_and_cancel_stops_it(page: Page, studio: str,
                                                                  screenshot: Screenshot) -> None:
    open_studio(page)
    token, session_id = page.evaluate("""() => [localStorage.getItem('frameloom.token'),
        localStorage.getItem(`frameloom.session:${location.origin}`)]""")
    slow = {"v": 1, "d": 60_000, "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"},
            "t": [{"id": "x1", "tt": 7, "m": {"name": "Title"},
                   "sg": [{"id": "s1", "s": 0, "d": 60_000, "m": {"text": "A long minute"}}]},
                  {"id": "x2", "tt": 7, "m": {"name": "Caption"},
                   "sg": [{"id": "s2", "s": 30_000, "d": 15_000, "m": {"text": "half way", "pos": "bottom"}}]}]}
    answer = httpx.put(f"{studio}/api/state/nemo_agent/me/{session_id}/draft",
                       json={"version": 1, "draft": slow}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    page.reload()
    expect(page.locator("#timeline .tl-track")).to_have_count(2)
    lane, caption = box_of(page.locator("#timeline .tl-lane").last), box_of(page.locator('[data-segment="s2"]'))
    assert abs((caption["x"] - lane["x"]) / lane["width"] - 0.5) < 0.01  # starts at 30 of 60 s
    assert abs(caption["width"] / lane["width"] - 0.25) < 0.01  # lasts 15 of 60 s
    expect(page.locator('[data-segment="s2"]')).to_have_accessible_name("half way, 30s to 45s")

    page.get_by_label("Format", exact=True).select_option("webm")  # a minute of 1080p VP9: long enough to cancel
    page.get_by_role("button", name="Export", exact=True).click()
    cancel = page.get_by_role("button", name="Cancel Export to webm")
    expect(cancel).to_be_visible()
    expect(page.get_by_role("button", name="Export", exact=True)).to_be_disabled()
    screenshot(page, "chat-queue-running")
    cancel.click()
    expect(page.locator("#timeline .export-note")).to_have_text("The export was cancelled.")
    expect(page.locator("#timeline .queue-item")).to_have_count(0)
    expect(page.locator("#timeline .queue-empty")).to_be_visible()
    expect(page.get_by_role("button", name="Export", exact=True)).to_be_enabled()
    balance = httpx.get(f"{studio}/api/credits/balance/simple", headers={"Authorization": f"Bearer {token}"})
    assert balance.json()["data"]["frozen"] == 0  # the held credits came back


# --- the strings -------------------------------------------------------------------------------

STATIC = Path(frameloom.__file__).parent / "web" / "static"


def strings(language: str) -> dict[str, str]:
    """The ``en`` or ``zh`` table of i18n-chat.js (one ``"key": "text",`` per line)."""
    source = (STATIC / "i18n-chat.js").read_text(encoding="utf-8")
    block = source.split(f"export const {language} = {{", 1)[1].split("\n};", 1)[0]
    return dict(re.findall(r'^\s*"([^"]+)": "([^"]*)",$', block, flags=re.MULTILINE))


def test_every_string_is_in_english_and_chinese_and_every_agent_tool_has_a_friendly_step() -> None:
    en, zh = strings("en"), strings("zh")
    assert len(en) > 50
    assert en.keys() == zh.keys()
    assert [key for key in en if zh[key] == en[key]] == ["export.size.short"]  # "{p}p" is the same in both
    for tool in TOOLS:
        assert f"step.{tool}" in en, tool
        assert f"step.{tool}.done" in en, tool
    shared = (STATIC / "i18n.js").read_text(encoding="utf-8")
    for module in ("chat.js", "timeline.js", "queue.js"):
        for key in re.findall(r'\bt\("([\w.]+)"', (STATIC / module).read_text(encoding="utf-8")):
            assert key in en or f'"{key}":' in shared, (module, key)


def test_in_chinese_the_chat_and_the_timeline_speak_chinese(open_page: OpenPage) -> None:
    page = open_page(locale="zh-CN")
    open_studio(page)
    zh = strings("zh")
    for key in ("chat.message", "chat.send"):
        expect(page.get_by_label(zh[key], exact=True).or_(page.get_by_role("button", name=zh[key], exact=True))
               ).to_be_visible()
    for key in ("timeline.undo", "timeline.redo", "export.button"):
        expect(page.get_by_role("button", name=zh[key], exact=True)).to_be_visible()
    page.get_by_label("语言").select_option("en")  # switched: the panels relabel without a reload
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Undo", exact=True)).to_be_visible()
    expect(page.locator("#timeline h2")).to_have_text("Timeline")
