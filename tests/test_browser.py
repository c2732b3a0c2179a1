"""The chat page in a real browser: headless Chromium (Debian's package, through Playwright's
`executable_path`, since Playwright cannot download its own browser here) against the app on a
free loopback port. Screenshots go to the test's tmp dir (and /tmp/answer.png for a quick look).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import BotLoader, build_app, serve
from bot.safety import DISCLAIMER, ESCALATION_TEXT

CHROMIUM = (shutil.which("chromium") or shutil.which("chromium-browser")
            or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RED_FLAG = "I suddenly can't feel anything when I wipe and I've wet myself"
HOSTILE = ("<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> "
           "**sciatica** [link](javascript:window.pwned=3) &amp; `code`?")

REPLY_START_IN_VIEW = """() => {
    const bots = document.querySelectorAll("#chat [data-testid='bot']");
    const reply = bots[bots.length - 1], log = reply && reply.closest('[role="log"]');
    if (!log) return false;
    const r = reply.getBoundingClientRect(), l = log.getBoundingClientRect();
    return r.top >= l.top - 1 && r.top < l.bottom - 40;
}"""

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


@contextmanager
def _app(loader: BotLoader, settings, flags: Path) -> Iterator[str]:
    demo = build_app(loader, dataclasses.replace(settings, flags_path=flags))
    url = serve(demo, "127.0.0.1", _free_port())
    try:
        yield url
    finally:
        demo.close()


def _reply(page, count: int) -> str:
    """The text of reply number `count` (1-based), once it is complete (ends in the disclaimer)."""
    page.wait_for_function(
        """([n, disclaimer]) => {
            const els = document.querySelectorAll("#chat [data-testid='bot']");
            return els.length === n && els[n - 1].innerText.includes(disclaimer);
        }""", arg=[count, DISCLAIMER[:60]], timeout=120_000)
    return page.locator("#chat [data-testid='bot']").last.inner_text()


def _ask(page, text: str, answers_before: int) -> str:
    """Type a message, send it, and return the text of the new reply once it is complete."""
    page.locator("#message textarea").fill(text)
    page.locator("#send").click()
    return _reply(page, answers_before + 1)


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def test_a_question_asked_while_loading_waits_and_escalates_at_once(
        bot, settings, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    gate = threading.Event()
    loader = BotLoader(lambda: (gate.wait(120), bot)[1]).start()
    with _app(loader, settings, tmp_path / "flags.jsonl") as url, sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="domcontentloaded")
            page.locator("#message textarea").fill(RED_FLAG)
            page.locator("#send").click()
            loading = page.locator("#chat [data-testid='bot']", has_text="still loading")
            loading.wait_for(timeout=60_000)
            # the phrase rules need no model: the escalation shows before the bot is ready
            first_line = ESCALATION_TEXT["emergency"].replace("**", "")[:40]
            assert loading.inner_text().strip().startswith(first_line)
            assert first_line in page.locator("#escalation [role='alert']").inner_text()
            page.screenshot(path=str(tmp_path / "loading.png"), full_page=True)
            gate.set()
            reply = _reply(page, 1)
            assert "still loading" not in reply and reply.strip().startswith(first_line)
        finally:
            gate.set()
            browser.close()


def test_chat_sources_escalation_and_flag_in_chromium(bot, settings, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    flags = tmp_path / "flags.jsonl"
    with _app(BotLoader.loaded(bot), settings, flags) as url, sync_playwright() as p:
        browser = _browser(p)
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
            page.wait_for_function(REPLY_START_IN_VIEW, timeout=10_000)  # not the disclaimer
            marks = page.locator("#sources mark.quote")
            assert marks.count() == page.locator("#sources .source-card").count() >= 1
            assert "peripheral nervous system" in page.locator("#sources").inner_text()
            first_quote = " ".join(marks.first.inner_text().split())
            assert first_quote in " ".join(reply.split())  # the panel shows the reply's quote
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
                    return r.top >= b.top - 1 && r.top <= b.bottom
                        && r.top >= 0 && r.top <= window.innerHeight;
                }""", timeout=30_000)
            assert " ".join(mark.inner_text().split()) == first_quote
            page.screenshot(path=str(tmp_path / "article.png"), full_page=True)

            # 3. markup typed by a user is shown as text, never run or rendered
            _ask(page, HOSTILE, 1)
            assert page.evaluate("window.pwned") is None
            assert page.locator("#chat img[src='x'], #chat script").count() == 0
            user_says = page.locator("#chat [data-testid='user']").last.inner_text()
            assert user_says.strip() == HOSTILE  # shown as the very characters typed

            # 4. a red flag: the escalation comes first, in the reply and as a banner
            reply = _ask(page, RED_FLAG, 2)
            first_line = ESCALATION_TEXT["emergency"].replace("**", "").split("\n")[0][:40]
            assert reply.strip().startswith(first_line)
            banner = page.locator("#escalation .escalation-banner")
            banner.wait_for(timeout=30_000)
            assert first_line in banner.inner_text()
            assert banner.get_attribute("role") == "alert"
            banner_box, chat_box = banner.bounding_box(), page.locator("#chat").bounding_box()
            assert banner_box["y"] + banner_box["height"] <= chat_box["y"]  # above the chat
            # the chat box shows the reply from its start, so the escalation is in view there too
            page.wait_for_function(REPLY_START_IN_VIEW, timeout=10_000)
            page.screenshot(path=str(tmp_path / "escalation.png"), full_page=True)

            # 5. flag the latest answer: one JSON line in the flags file
            page.locator("#flag-reason textarea").fill("should have quoted the bladder advice")
            page.locator("#flag-button").click()
            page.locator("#flag-status", has_text="Flagged for review").wait_for(timeout=30_000)

            # 6. the chat's clear button starts over: no banner, no sources, no history
            page.locator("#chat button[aria-label='Clear']").click()
            page.wait_for_function("() => !document.querySelector('#escalation .escalation-banner')"
                                   " && document.querySelector('#sources .sources-empty')",
                                   timeout=30_000)
            page.locator("#flag-button").click()
            page.locator("#flag-status", has_text="no answer to flag").wait_for(timeout=30_000)
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
