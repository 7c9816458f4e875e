"""The content policy: blocklist matching (words, phrases, CJK substrings, normalisation) and the
moderation hook in OpenAI's shape, served for real on loopback, refusing, passing, down."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from frameloom.domain.errors import ContentRefused, InvalidRequest, PolicyUnavailable
from frameloom.services.policy import Blocklist, PolicyService
from frameloom.settings import Settings

ENTRIES = ["ass", "blow up", "刀", "kill bill", "# a comment", "ＦＯＯ", "нож", "ナイフ", "  spaced  "]


@pytest.fixture(scope="module")
def blocklist() -> Blocklist:
    return Blocklist.of(ENTRIES)


@pytest.mark.parametrize(("text", "found"), [
    ("a class of students", None),  # word boundaries: "ass" is not in "class"
    ("passage, assess, bass", None),
    ("you ass!", "ass"),
    ("ASS", "ass"),
    ("Ａｓｓ", "ass"),  # full-width folds to ASCII (NFKC)
    ("ass_hat", "ass"),  # the underscore is punctuation
    ("blow-up the bridge", "blow up"),  # a phrase across punctuation and runs of spaces
    ("BLOW    UP", "blow up"),
    ("blowup", None),
    ("blow something up", None),
    ("一把刀放在桌上", "刀"),  # no word spaces in Chinese: a substring
    ("刀", "刀"),
    ("a knife: 刀!", "刀"),
    ("kill 刀 bill", "刀"),  # Chinese between the words is not a phrase's gap, but 刀 itself is refused
    ("kill bill vol. 2", "kill bill"),
    ("foo", "foo"),
    ("# a comment", None),  # comments are not entries
    ("большой НОЖ", "нож"),  # Cyrillic is a spaced script: whole words, case-folded
    ("ножницы", None),
    ("ナイフを持つ", "ナイフ"),  # kana: substrings
    ("spaced", "spaced"),
    ("", None),
])
def test_matching(blocklist: Blocklist, text: str, found: str | None) -> None:
    assert blocklist.find(text) == found


def test_the_list_reads_utf8_with_comments_and_counts_entries(tmp_path: Path) -> None:
    path = tmp_path / "blocklist.txt"
    path.write_text("\ufeff# refused\nass\n\n刀\nblow up\n", encoding="utf-8")
    blocklist = Blocklist.read(path)
    assert len(blocklist) == 3
    assert blocklist.find("一把刀") == "刀"
    with pytest.raises(InvalidRequest, match="FRAMELOOM_BLOCKLIST"):
        Blocklist.read(tmp_path / "missing.txt")


def test_a_refusal_names_the_field_and_the_word(blocklist: Blocklist) -> None:
    policy = PolicyService(blocklist)
    policy.check("a class photo")
    with pytest.raises(ContentRefused) as refused:
        policy.check("一把刀", field="title")
    assert (refused.value.field, refused.value.source) == ("title", "blocklist")
    assert "刀" in refused.value.reason


@pytest.fixture
def hook() -> Iterator[dict[str, Any]]:
    """A moderation service on 127.0.0.1 in OpenAI's shape: flags inputs containing "forbidden";
    ``state["status"]`` forces an error status; ``state["seen"]`` records the bodies."""
    state: dict[str, Any] = {"status": 200, "seen": [], "shape": True}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["seen"].append((body, self.headers.get("Authorization")))
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            results = [{"flagged": "forbidden" in text, "categories": {"violence": "forbidden" in text,
                                                                       "hate": False}} for text in inputs]
            answer = {"id": "modr-1", "model": "test", "results": results} if state["shape"] else {"oops": 1}
            payload = json.dumps(answer).encode()
            self.send_response(state["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1/moderations"
    yield state
    server.shutdown()
    server.server_close()


def test_the_moderation_hook_refuses_what_it_flags(hook: dict[str, Any], settings: Settings) -> None:
    policy = PolicyService.from_settings(settings.model_copy(update={
        "moderation_url": hook["url"], "moderation_key": SecretStr("sk-test"), "moderation_model": "omni-moderation-latest"}))
    policy.check("a quiet lake")
    with pytest.raises(ContentRefused) as refused:
        policy.check("something forbidden")
    assert refused.value.source == "moderation"
    assert refused.value.categories == ("violence",)
    body, auth = hook["seen"][-1]
    assert body == {"input": "something forbidden", "model": "omni-moderation-latest"}
    assert auth == "Bearer sk-test"


def test_several_texts_go_in_one_request(hook: dict[str, Any]) -> None:
    from frameloom.services.policy import Checked, Moderation

    policy = PolicyService(Blocklist(), Moderation(hook["url"], None, None, 5.0))
    with pytest.raises(ContentRefused) as refused:
        policy.check_all([Checked("prompt", "a lake"), Checked("title", "forbidden words")])
    assert refused.value.field == "title"
    assert hook["seen"][-1][0] == {"input": ["a lake", "forbidden words"]}


def test_the_blocklist_is_asked_first(hook: dict[str, Any]) -> None:
    from frameloom.services.policy import Moderation

    policy = PolicyService(Blocklist.of(["刀"]), Moderation(hook["url"], None, None, 5.0))
    with pytest.raises(ContentRefused):
        policy.check("刀")
    assert hook["seen"] == []


@pytest.mark.parametrize("trouble", ["status", "down", "shape", "slow"])
def test_an_unreachable_hook_fails_closed_unless_the_operator_says_open(hook: dict[str, Any], trouble: str) -> None:
    from frameloom.services.policy import Moderation

    url, timeout_s = hook["url"], 2.0
    if trouble == "status":
        hook["status"] = 500
    elif trouble == "down":
        url = "http://127.0.0.1:9/v1/moderations"  # the discard port: nothing listens
    elif trouble == "shape":
        hook["shape"] = False
    else:
        url, timeout_s = "http://10.255.255.1/v1/moderations", 0.3  # unroutable: the connect times out
    moderation = Moderation(url, None, None, timeout_s)
    with pytest.raises(PolicyUnavailable):
        PolicyService(Blocklist(), moderation).check("a quiet lake")
    PolicyService(Blocklist(), moderation, fail_open=True).check("a quiet lake")  # let through, logged


def test_a_passed_text_is_not_asked_again_at_once_a_flagged_one_is(hook: dict[str, Any]) -> None:
    from frameloom.services.policy import Moderation

    policy = PolicyService(Blocklist(), Moderation(hook["url"], None, None, 5.0))
    policy.check("a quiet lake")
    policy.check("a quiet lake")  # the chat checks an order, says its price, then submits it
    assert len(hook["seen"]) == 1
    for _ in range(2):
        with pytest.raises(ContentRefused):
            policy.check("forbidden")
    assert len(hook["seen"]) == 3
