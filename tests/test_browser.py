"""The chat page in a real browser: headless Chromium (Debian's package, through Playwright's
`executable_path`, since Playwright cannot download its own browser here) against the app on a
free loopback port. Screenshots go to the test's tmp dir (and /tmp/answer.png for a quick look).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
from pathlib import Path

import pytest

from bot.app import BotLoader, build_app, serve
from bot.safety import DISCLAIMER, ESCALATION_TEXT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RED_FLAG = "I suddenly can't feel anything when I wipe and I've wet myself"
HOSTILE = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> sciatica?"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found: install Debian's "
                       "`chromium` package (apt-get install chromium) to run the browser test"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def page_url(bot, settings, tmp_path: Path):
    flags = tmp_path / "flags.jsonl"
    demo = build_app(BotLoader.loaded(bot), dataclasses.replace(settings, flags_path=flags))
    url = serve(demo, "127.0.0.1", _free_port())
    try:
        yield url, flags
    finally:
        demo.close()


def _ask(page, text: str, answers_before: int) -> str:
    """Type a message, send it, and return the text of the new reply once it is complete."""
    page.locator("#message textarea").fill(text)
    page.locator("#send").click()
    replies = page.locator("#chat .message.bot, #chat [data-testid='bot']")
    page.wait_for_function(
        """([n, disclaimer]) => {
            const els = document.querySelectorAll("#chat .message.bot, #chat [data-testid='bot']");
            return els.length > n && els[els.length - 1].innerText.includes(disclaimer);
        }""", arg=[answers_before, DISCLAIMER[:60]], timeout=120_000)
    return replies.last.inner_text()


def test_chat_sources_escalation_and_flag_in_chromium(page_url, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, flags = page_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="domcontentloaded")
            page.locator("#message textarea").wait_for(timeout=60_000)

            # 1. a question: quote, citation, sources panel with highlight, disclaimer
            reply = _ask(page, "can MS cause sciatica?", 0)
            assert "peripheral nervous system" in reply
            assert "[1]" in reply and "Sources" in reply
            assert DISCLAIMER[:60] in reply
            page.locator("#chat blockquote").first.wait_for()
            marks = page.locator("#sources mark.quote")
            assert marks.count() >= 1
            assert "peripheral nervous system" in page.locator("#sources").inner_text()
            page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
            shutil.copy(tmp_path / "answer.png", "/tmp/answer.png")

            # 2. one click shows the whole article, the quote highlighted and in view
            page.locator("#sources button.source-open").first.click()
            mark = page.locator("#article #article-quote")
            mark.wait_for(timeout=30_000)
            page.wait_for_function(
                """() => {
                    const m = document.querySelector('#article-quote');
                    const box = m && m.closest('.article-body');
                    if (!m || !box) return false;
                    const r = m.getBoundingClientRect(), b = box.getBoundingClientRect();
                    return r.top >= b.top - 1 && r.top <= b.bottom;
                }""", timeout=30_000)
            page.screenshot(path=str(tmp_path / "article.png"), full_page=True)

            # 3. markup typed by a user is shown as text, never run or rendered
            _ask(page, HOSTILE, 1)
            assert page.evaluate("window.pwned") is None
            assert page.locator("#chat img[src='x'], #chat script").count() == 0

            # 4. a red flag: the escalation comes first, in the reply and as a banner
            reply = _ask(page, RED_FLAG, 2)
            first_line = ESCALATION_TEXT["emergency"].replace("**", "").split("\n")[0][:40]
            assert reply.strip().startswith(first_line)
            banner = page.locator("#escalation .escalation-banner")
            banner.wait_for(timeout=30_000)
            assert first_line in banner.inner_text()
            page.screenshot(path=str(tmp_path / "escalation.png"), full_page=True)

            # 5. flag the latest answer: one JSON line in the flags file
            page.locator("#flag-reason textarea").fill("should have quoted the bladder advice")
            page.locator("#flag-button").click()
            page.wait_for_function("() => document.querySelector('#flag-status')"
                                   " && document.querySelector('#flag-status').innerText.trim()",
                                   timeout=30_000)
        finally:
            browser.close()
    lines = flags.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["question"] == RED_FLAG
    assert record["reason"] == "should have quoted the bladder advice"
    assert record["reply"].startswith(ESCALATION_TEXT["emergency"])
    assert record["escalation"] == "emergency"
    assert record["history"] == ["can MS cause sciatica?", HOSTILE]
    assert record["ts"].endswith("Z") and isinstance(record["quotes"], list)
