"""The studio page's Make panel and gallery in a real browser on a real server: a prompt becomes an
image in the gallery, search, favorites that survive a reload, upload limits and errors shown
plainly, remix, compare, keyboard shortcuts, English and Chinese, a phone-width run; and how the
page and its files are served. Screenshots of each step in ``screens/``."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image

from frameloom.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

Screenshot = Callable[["Page", str], Path]
UPLOAD_MAX = 64 * 1024  # so that an oversized upload is small to make
IMAGE_PRICE = 30  # 100 free credits: three images, then 2001
JOB_MS = 60_000  # a 1920x1080 compose image takes a few seconds on a loaded 2-core machine


@pytest.fixture
def studio_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"upload_max_bytes": UPLOAD_MAX, "image_price": IMAGE_PRICE})


def open_studio(page: Page) -> None:
    page.goto("/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def gallery(page: Page) -> Locator:
    return page.get_by_role("list", name="Gallery")


def generate(page: Page, prompt: str, *, seed: int | None = None) -> Locator:
    """Type ``prompt``, press Generate, wait for its picture in the gallery; returns the gallery item."""
    page.get_by_label("Prompt").fill(prompt)
    if seed is not None:
        page.get_by_label("Seed").fill(str(seed))
    page.get_by_role("button", name="Generate").click()
    item = gallery(page).get_by_role("listitem", name=prompt)
    expect(item).to_be_visible(timeout=JOB_MS)
    expect(item.get_by_role("img", name=prompt)).to_have_js_property("complete", True)
    return item


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def choose_files(page: Page, *files: tuple[str, str, bytes]) -> None:
    from playwright.sync_api import FilePayload

    page.locator("#upload-input").set_input_files(
        [FilePayload(name=name, mimeType=mime, buffer=data) for name, mime, data in files])


def test_a_prompt_becomes_an_image_in_the_gallery(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    expect(page.locator("#balance")).to_have_text("100 credits")
    screenshot(page, "make-0-empty")
    prompt = "a red lighthouse on a cliff at sunset"
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("progressbar", name=f"Progress of {prompt}")).to_be_visible()
    item = gallery(page).get_by_role("listitem", name=prompt)
    expect(item).to_be_visible(timeout=JOB_MS)
    expect(page.locator("#toasts")).to_contain_text(f"Done: {prompt}")
    expect(page.locator(".job .stage").first).to_have_text("Done")
    expect(page.locator("#balance")).to_have_text(f"{100 - IMAGE_PRICE} credits")
    image = item.get_by_role("img", name=prompt)
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 1920
    picture = Image.open(io.BytesIO(page.request.get(image.get_attribute("src") or "").body()))
    assert (picture.format, picture.size) == ("PNG", (1920, 1080))
    expect(item).to_contain_text("compose")
    screenshot(page, "make-1-generated")


def test_search_finds_an_item_by_a_word_of_its_prompt_or_its_seed(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    generate(page, "a lighthouse in a storm", seed=11)
    generate(page, "a bowl of ripe oranges", seed=4242)
    items = gallery(page).get_by_role("listitem")
    expect(items).to_have_count(2)
    page.get_by_label("Search").fill("oranges")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("aria-label", "a bowl of ripe oranges")
    screenshot(page, "gallery-search")
    page.get_by_label("Search").fill("11")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("aria-label", "a lighthouse in a storm")
    page.get_by_label("Search").fill("violin")
    expect(items).to_have_count(0)
    expect(page.get_by_text("Nothing matches.")).to_be_visible()
    page.get_by_label("Search").fill("")
    expect(items).to_have_count(2)


def test_prompt_history_and_remix_fill_the_form_from_an_item(page: Page) -> None:
    open_studio(page)
    prompt = "a paper boat on a pond"
    item = generate(page, prompt, seed=777)
    page.get_by_label("Prompt").fill("something else")
    page.get_by_label("Seed").fill("")
    item.get_by_role("button", name="Remix").click()
    expect(page.get_by_label("Prompt")).to_have_value(prompt)
    expect(page.get_by_label("Seed")).to_have_value("777")
    expect(page.get_by_label("Aspect")).to_have_value("16:9")
    page.get_by_label("Prompt").fill("")
    page.get_by_text("Prompt history").click()
    page.get_by_role("button", name=f"Reuse: {prompt}").click()
    expect(page.get_by_label("Prompt")).to_have_value(prompt)


def test_an_oversized_upload_shows_the_4002_message(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    expect(page.locator(".drop")).to_contain_text("at most 64 KB each")
    choose_files(page, ("long-take.mp4", "video/mp4", b"\0" * (UPLOAD_MAX + 1)))
    alert = page.locator(".drop").get_by_role("alert")
    expect(alert).to_have_text("This file is too large: at most 64 KB per file. Compress or trim it and try again.")
    expect(gallery(page).get_by_role("listitem")).to_have_count(0)
    screenshot(page, "gallery-upload-4002")


def test_an_unsupported_file_shows_the_supported_formats(page: Page) -> None:
    open_studio(page)
    choose_files(page, ("notes.png", "image/png", b"plain text, not a picture"))
    expect(page.locator(".drop").get_by_role("alert")).to_contain_text(
        "This file type is not supported. Supported: mp4, mov")


def test_a_dropped_picture_is_uploaded_into_the_gallery(page: Page) -> None:
    open_studio(page)
    data = list(png_bytes())
    transfer = page.evaluate_handle(
        """bytes => { const dt = new DataTransfer();
                      dt.items.add(new File([new Uint8Array(bytes)], "red dot.png", {type: "image/png"})); return dt; }""",
        data)
    page.locator("#gallery").dispatch_event("drop", {"dataTransfer": transfer})
    item = gallery(page).get_by_role("listitem", name="red dot.png")
    expect(item).to_be_visible()
    expect(page.locator(".drop")).to_contain_text("Uploaded 1 file(s)")
    page.get_by_label("Kind").select_option("upload")
    expect(gallery(page).get_by_role("listitem")).to_have_count(1)
    page.get_by_label("Kind").select_option("video")
    expect(gallery(page).get_by_role("listitem")).to_have_count(0)


def test_favorites_persist_across_reload(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    choose_files(page, ("one.png", "image/png", png_bytes()), ("two.png", "image/png", png_bytes(16, 16)))
    expect(gallery(page).get_by_role("listitem")).to_have_count(2)
    star = gallery(page).get_by_role("listitem", name="two.png").get_by_role("button", name="Favorite")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(gallery(page).get_by_role("listitem")).to_have_count(2)
    expect(gallery(page).get_by_role("listitem", name="two.png").get_by_role("button", name="Favorite")
           ).to_have_attribute("aria-pressed", "true")
    expect(gallery(page).get_by_role("listitem", name="one.png").get_by_role("button", name="Favorite")
           ).to_have_attribute("aria-pressed", "false")
    page.get_by_label("Favorites only").check()
    expect(gallery(page).get_by_role("listitem")).to_have_count(1)
    expect(gallery(page).get_by_role("listitem").first).to_have_attribute("aria-label", "two.png")
    screenshot(page, "gallery-favorites")


def test_compare_and_download_two_selected_items(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    choose_files(page, ("left.png", "image/png", png_bytes(8, 8)), ("right.png", "image/png", png_bytes(32, 16)))
    expect(gallery(page).get_by_role("listitem")).to_have_count(2)
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()
    for name in ("left.png", "right.png"):
        gallery(page).get_by_role("listitem", name=name).get_by_label("Select").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    with page.expect_download() as first:
        page.get_by_role("button", name="Download selected").click()
    assert first.value.suggested_filename in {"left.png", "right.png"}
    compare.click()
    dialog = page.get_by_role("dialog", name="Compare")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("img")).to_have_count(2)
    assert {"8×8", "32×16"} <= set(dialog.locator("dd.differs").all_inner_texts())
    screenshot(page, "gallery-compare")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_keyboard_generate_move_favorite_and_help(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    choose_files(page, ("a.png", "image/png", png_bytes()), ("b.png", "image/png", png_bytes()))
    expect(gallery(page).get_by_role("listitem")).to_have_count(2)
    page.get_by_label("Prompt").fill("a kite over the dunes")
    page.get_by_label("Prompt").press("Control+Enter")
    expect(gallery(page).get_by_role("listitem", name="a kite over the dunes")).to_be_visible(timeout=JOB_MS)
    page.get_by_label("Prompt").blur()
    page.keyboard.press("j")
    first = gallery(page).get_by_role("listitem").nth(0)
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = gallery(page).get_by_role("listitem").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("f")
    expect(second.get_by_role("button", name="Favorite")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("k")
    expect(first).to_be_focused()
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    screenshot(page, "keyboard-help")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()


def test_escape_cancels_the_running_generation_and_the_credits_come_back(page: Page) -> None:
    open_studio(page)
    page.get_by_label("Prompt").fill("four large canvases of a slow sunrise")
    page.get_by_label("Count").select_option("3")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_visible()
    page.get_by_label("Prompt").blur()
    page.keyboard.press("Escape")
    expect(page.locator(".job .stage").first).to_have_text("Cancelled", timeout=JOB_MS)
    expect(page.locator("#balance")).to_have_text("100 credits")


def test_out_of_credits_shows_the_registration_link(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    page.get_by_label("Prompt").fill("four pictures of the sea")
    page.get_by_label("Count").select_option("4")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#make").get_by_role("alert")).to_have_text(
        f"Not enough credits: {4 * IMAGE_PRICE} needed, 100 left.")
    link = page.get_by_role("link", name="Out of credits: register to get more")
    expect(link).to_be_visible()
    assert re.search(r"/register\?bind=bind_\w+", link.get_attribute("href") or "")
    link.click()
    dialog = page.get_by_role("dialog")
    page.get_by_label("Email").fill("maker@example.com")
    page.get_by_label("Password (at least 8 characters)").fill("a long enough password")
    screenshot(page, "register")
    dialog.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Signed in as maker@example.com")).to_be_visible()
    expect(link).to_be_hidden()
    expect(page.locator("#balance")).to_have_text("100 credits")  # the anonymous account's, kept


def test_english_and_chinese_from_the_browser_and_switchable(open_page: Callable[..., Page],
                                                             screenshot: Screenshot) -> None:
    page = open_page(locale="zh-CN")
    open_studio(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="生成")).to_be_visible()
    expect(page.get_by_role("list", name="画廊")).to_be_attached()
    expect(page.locator("#balance")).to_have_text("100 积分")
    screenshot(page, "lang-zh")
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("button", name="Generate")).to_be_visible()
    expect(page.get_by_label("Prompt")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("100 credits")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is kept
    page.get_by_label("Language").select_option("zh")
    expect(page.get_by_label("提示词")).to_be_visible()


def test_a_phone_width_run(phone_page: Page, screenshot: Screenshot) -> None:
    page = phone_page
    open_studio(page)
    screenshot(page, "phone-0-start")
    item = generate(page, "a tram in the rain")
    page.get_by_label("Search").fill("tram")
    expect(gallery(page).get_by_role("listitem")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for name in ("Prompt", "Generate", "Message", "Send", "Export", "Undo", "Redo"):
        control = page.get_by_label(name, exact=True).or_(page.get_by_role("button", name=name, exact=True))
        box = control.first.bounding_box()
        assert box is not None, name
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, name
    item.scroll_into_view_if_needed()
    screenshot(page, "phone-1-generated")


def test_the_page_and_its_files_are_served_with_caching_headers(studio: str) -> None:
    with httpx.Client(base_url=studio) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert f'data-upload-max="{UPLOAD_MAX}"' in page.text
        assert "{{" not in page.text
        script = client.get("/static/app.js")
        assert script.headers["content-type"].startswith("text/javascript")
        assert script.headers["cache-control"] == "no-cache"
        again = client.get("/static/app.js", headers={"If-None-Match": script.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")
        for missing in ("/static/nope.js", "/static/%2e%2e/static/app.js", "/static/%2e%2e/%2e%2e/api/app.py"):
            answer = client.get(missing)
            assert (answer.status_code, answer.json()["code"]) == (404, 1002), missing


def test_video_mode_makes_a_video_with_its_prompt_in_the_gallery(page: Page, screenshot: Screenshot) -> None:
    open_studio(page)
    page.get_by_role("radio", name="Video").check()
    expect(page.get_by_label("Count")).to_be_hidden()
    prompt = "waves rolling onto a quiet beach"
    page.get_by_label("Prompt").fill(prompt)
    page.get_by_label("Seconds").fill("2")
    page.get_by_label("Title").fill("Shore")
    page.get_by_label("Music").select_option("ambient")
    page.get_by_role("button", name="Generate").click()
    item = gallery(page).get_by_role("listitem", name=prompt)
    expect(item).to_be_visible(timeout=JOB_MS)
    video = item.locator("video")
    expect(video).to_have_js_property("readyState", 4, timeout=JOB_MS)  # HAVE_ENOUGH_DATA: it plays
    assert round(video.evaluate("v => v.duration")) == 2
    expect(item).to_contain_text("2.0 s")
    expect(page.locator("#balance")).to_have_text("98 credits")  # 1 credit a second
    screenshot(page, "make-video")
