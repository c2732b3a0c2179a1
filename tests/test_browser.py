"""Both pages in a real browser: headless Chromium (Debian's package, through Playwright's
`executable_path`, since Playwright cannot download its own browser here) against the apps on
free loopback ports, with axe-core (shipped inside axe-playwright-python, so no npm).

Checked: zero axe violations of any impact at 1280×900 and 390×844, light and dark (dark set
by the system's colour scheme only), with an answer, with the article view open and with an
escalation, on the chat and on the staff page; an emergency reply on screen as it arrives;
keyboard-only use with a visible focus ring; reflow at 320 CSS px; 44 px targets; the live
region; comfort settings kept in localStorage; Read aloud through speechSynthesis; escaping on
both pages; the staff page's flag, list, review and export.

Screenshots go to the test's tmp dir; with SCREENSHOTS_DIR set they are copied there too:
`SCREENSHOTS_DIR=docs/screenshots python -m pytest tests/test_browser.py -k screenshots`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import API_NAMES, BotLoader, build_chat, build_staff, serve
from bot.app.chat import EXAMPLES
from bot.feedback import make_flag, record
from bot.safety import DISCLAIMER, ESCALATION_TEXT

CHROMIUM = (shutil.which("chromium") or shutil.which("chromium-browser")
            or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
QUESTION = "can MS cause sciatica?"
RED_FLAG = "I suddenly can't feel anything when I wipe and I've wet myself"
HOSTILE = ("<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> "
           "**sciatica** [link](javascript:window.pwned=3) &amp; `code`?")
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
EMERGENCY_HEAD = ESCALATION_TEXT["emergency"].replace("**", "")[:40]

IN_VIEW = """(el) => { const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight - 40 && r.bottom > 0; }"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # CI sets REQUIRE_BROWSER=1 (.ci/run): there a missing Chromium fails instead of skipping
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"),
                       reason="no Chromium found: install Debian's `chromium` package "
                       "(apt-get install chromium) to run the browser tests"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _apps(loader: BotLoader, settings) -> Iterator[tuple[str, str]]:
    chat, staff = build_chat(loader, settings), build_staff(loader, settings)
    try:
        yield (serve(chat, "127.0.0.1", _free_port(), API_NAMES),
               serve(staff, "127.0.0.1", _free_port()))
    finally:
        chat.close()
        staff.close()


@pytest.fixture(scope="module")
def flags_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-flags")


@pytest.fixture(scope="module")
def urls(bot, settings, flags_dir) -> Iterator[tuple[str, str]]:
    app_settings = dataclasses.replace(settings, flags_path=flags_dir / "flags.jsonl")
    with _apps(BotLoader.loaded(bot), app_settings) as urls:
        yield urls


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _page(browser, url: str, size: str = "desktop", scheme: str = "light"):
    width, height = SIZES.get(size, size)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#message textarea").wait_for(timeout=60_000)
    return page


def _replies(page) -> int:
    return page.locator("#conversation article.reply").count()


def _ask(page, text: str, keyboard: bool = False):
    """Send a message; returns the new reply once it is complete (ends in the disclaimer)."""
    before = _replies(page)
    box = page.locator("#message textarea")
    box.fill(text)
    if keyboard:
        box.press("Enter")
    else:
        page.locator("#send").click()
    page.wait_for_function(
        """([n, disclaimer]) => {
            const els = document.querySelectorAll('#conversation article.reply');
            return els.length === n && els[n - 1].innerText.includes(disclaimer);
        }""", arg=[before + 1, DISCLAIMER[:60]], timeout=60_000)
    page.wait_for_timeout(250)  # the after-reply script runs 60 ms after the change
    return page.locator("#conversation article.reply").last


def _axe(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations]


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    if os.environ.get("SCREENSHOTS_DIR"):
        out = Path(os.environ["SCREENSHOTS_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / path.name)


# -- accessibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_nothing_with_an_answer_an_article_and_an_escalation(
        browser, urls, size, scheme, tmp_path):
    page = _page(browser, urls[0], size, scheme)
    found = {}
    reply = _ask(page, QUESTION)
    assert reply.locator(".reply-head").evaluate(IN_VIEW)  # the start of the reply, in view
    assert "the same disease" in reply.locator("blockquote.answer-quote").inner_text()
    if scheme == "dark":  # following the system's colour scheme, no URL parameter
        assert page.evaluate("document.body.classList.contains('dark')")
    found["answer"] = _axe(page)

    reply.locator("button.source-open").first.click()
    page.locator("#article-quote").wait_for(timeout=30_000)
    page.wait_for_function("() => document.activeElement && "
                           "document.activeElement.id === 'article-h'", timeout=10_000)
    assert page.locator("#article-quote").evaluate(IN_VIEW)
    found["article"] = _axe(page)

    reply = _ask(page, RED_FLAG)
    head = reply.locator(".reply-head")
    assert head.evaluate(IN_VIEW), "the escalating reply must be on screen when it arrives"
    assert reply.locator(".reply-escalation").inner_text().startswith(EMERGENCY_HEAD)
    banner = page.locator("#escalation [role='alert']")
    assert EMERGENCY_HEAD in banner.inner_text()
    found["escalation"] = _axe(page)
    _shot(page, tmp_path, f"chat-{size}-{scheme}-escalation")
    assert found == {"answer": [], "article": [], "escalation": []}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_emergency_as_the_first_message_is_on_screen(browser, urls, size):
    page = _page(browser, urls[0], size)
    assert page.evaluate("document.activeElement === document.body")  # no autofocus scroll
    reply = _ask(page, RED_FLAG)
    assert reply.locator(".reply-head").evaluate(IN_VIEW)
    assert reply.locator(".reply-escalation").evaluate(IN_VIEW)
    live = page.locator("#ms-live")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text().strip().startswith("Answer 1")
    assert EMERGENCY_HEAD in live.inner_text()


def test_keyboard_only_with_a_visible_focus_ring(browser, urls):
    page = _page(browser, urls[0])
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate("""() => { const e = document.activeElement;
            return (e.id || e.dataset.sizeStep || e.textContent || e.tagName).trim(); }"""))
    # comfort settings, the question box, Send, new conversation, then the examples
    assert order[:7] == ["0", "1", "2", "High contrast", "TEXTAREA", "send", "new"]
    assert order[7:] == list(EXAMPLES)
    # type and send by keyboard
    box = page.locator("#message textarea")
    box.focus()
    ring = box.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)")
    assert ring >= 3
    reply = _ask(page, QUESTION, keyboard=True)
    # from the reply, Tab reaches "Show this in the whole article"; Enter opens it and moves
    # focus to its heading
    reply.locator(".reply-head").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('source-open')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('source-open')")
    ring = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert ring >= 3
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'article-h'", timeout=30_000)
    # "More from the articles" opens from the keyboard too
    summary = reply.locator("details.more > summary")
    if summary.count():
        summary.focus()
        page.keyboard.press("Enter")
        assert reply.locator("details.more").evaluate("d => d.open")
    # a new conversation asks first
    page.locator("#new").focus()
    page.keyboard.press("Enter")
    page.locator("#confirm-no").wait_for(timeout=10_000)
    page.locator("#confirm-no").click()
    assert _replies(page) == 1
    # an example question, from the keyboard
    page.locator("#examples button").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#conversation article.reply')"
                           ".length === 2", timeout=30_000)
    page.locator("#new").click()
    page.locator("#confirm-yes").click()
    page.wait_for_function("() => !document.querySelector('#conversation article.reply')",
                           timeout=30_000)


def test_reflow_at_320_px_and_44_px_targets(browser, urls):
    page = _page(browser, urls[0], (320, 640))
    reply = _ask(page, QUESTION)
    reply.locator("button.source-open").first.click()
    page.locator("#article-quote").wait_for(timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 390, "height": 844})
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#send, #new, #examples button, .comfort button, button.source-open, button.read-aloud,'
        + ' details.more > summary, button.article-close')]
        .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44).map(([t, r]) => [t, r.width, r.height])
    """)
    assert small == []
    sizes = page.evaluate("""() => [...document.querySelectorAll('blockquote, .article-body')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 16  # quotes at least 16 px


def test_comfort_settings_are_kept_in_the_browser_only(browser, urls):
    page = _page(browser, urls[0])
    root_px = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    assert page.evaluate(root_px) == 16
    quote_px = "parseFloat(getComputedStyle(document.querySelector('blockquote')).fontSize)"
    _ask(page, QUESTION)
    normal = page.evaluate(quote_px)
    page.locator("[data-size-step='2']").click()
    assert page.evaluate(root_px) == 24 and page.evaluate(quote_px) == normal * 1.5  # rem
    page.locator("[data-contrast-toggle]").click()
    assert page.locator("[data-contrast-toggle]").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.querySelector('.reply')).color") == (
        "rgb(0, 0, 0)")
    assert _axe(page) == []  # high contrast, largest text
    stored = page.evaluate("JSON.parse(localStorage.getItem('ms-comfort'))")
    assert stored == {"size": 2, "contrast": True}
    page.reload()
    page.locator("#message textarea").wait_for()
    assert page.evaluate(root_px) == 24
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"
    page.locator("[data-size-step='0']").click()
    page.locator("[data-contrast-toggle]").click()
    assert page.evaluate(root_px) == 16


def test_read_aloud_uses_the_browsers_speech_synthesis(browser, urls):
    page = _page(browser, urls[0])
    page.evaluate("""() => { window.spoken = [];
        window.speechSynthesis.speak = (u) => window.spoken.push(u.text);
        window.speechSynthesis.cancel = () => {}; }""")
    reply = _ask(page, QUESTION)
    reply.locator("button.read-aloud").click()
    spoken = page.evaluate("window.spoken")
    assert len(spoken) == 1 and "the same disease" in spoken[0]
    assert DISCLAIMER[:40] in spoken[0] and "Read aloud" not in spoken[0]
    assert reply.locator("button.read-aloud").inner_text() == "Stop reading"


def test_markup_typed_by_a_user_is_shown_as_text_on_both_pages(browser, urls):
    for url in urls:
        page = _page(browser, url)
        _ask(page, HOSTILE)
        assert page.evaluate("window.pwned") is None
        assert page.locator("#conversation img, #conversation script").count() == 0
        asked = page.locator("#conversation .asked-text").last.inner_text()
        assert asked.strip() == HOSTILE


def test_a_question_asked_while_loading_waits_and_escalates_at_once(
        browser, bot, settings, tmp_path: Path) -> None:
    gate = threading.Event()
    loader = BotLoader(lambda: (gate.wait(120), bot)[1]).start()
    app_settings = dataclasses.replace(settings, flags_path=tmp_path / "flags.jsonl")
    try:
        with _apps(loader, app_settings) as (chat_url, _):
            page = _page(browser, chat_url, "phone")
            page.locator("#message textarea").fill(RED_FLAG)
            page.locator("#send").click()
            loading = page.locator("#conversation article.reply", has_text="still loading")
            loading.wait_for(timeout=60_000)
            # the phrase rules need no model: the escalation shows before the bot is ready
            assert EMERGENCY_HEAD in loading.inner_text()
            assert EMERGENCY_HEAD in page.locator("#escalation [role='alert']").inner_text()
            gate.set()
            page.wait_for_function("""() => { const r = document.querySelector(
                '#conversation article.reply'); return r && !r.innerText.includes(
                'still loading'); }""", timeout=60_000)
            assert EMERGENCY_HEAD in page.locator("#conversation article.reply").inner_text()
    finally:
        gate.set()


# -- the staff page -----------------------------------------------------------------------------

def test_staff_page_flags_lists_reviews_and_exports(browser, urls, flags_dir, bot, tmp_path):
    flags_path = flags_dir / "flags.jsonl"
    record(flags_path, make_flag("earlier <b>question</b>\u2028?", ["<i>hi</i>"],
                                 bot.answer(QUESTION), "<script>window.pwned=4</script>"))
    with flags_path.open("a", encoding="utf-8") as f:
        f.write('{"ts": "broken"\n')
    page = _page(browser, urls[1], "desktop", "dark")
    listing = page.locator("#flags")
    listing.locator(".flag").first.wait_for(timeout=30_000)
    assert "flags.jsonl:2: not valid JSON" in listing.inner_text()  # names the bad line
    assert "earlier <b>question</b>" in listing.inner_text()  # shown as text
    assert page.evaluate("window.pwned") is None
    assert listing.locator(".flag-para mark.quote").count() >= 1  # quote in its paragraph
    assert "ms-" in listing.locator(".flag-quote code").first.inner_text()  # ids for staff

    _ask(page, RED_FLAG)
    page.locator("#flag-reason textarea").fill("should quote the bladder advice")
    page.locator("#flag-button").click()
    page.locator("#flag-status", has_text="Flagged for review").wait_for(timeout=30_000)
    page.locator("#flags .flag", has_text="should quote the bladder advice").wait_for()
    assert _axe(page) == []
    lines = flags_path.read_text(encoding="utf-8").splitlines()
    newest = json.loads(lines[-1])
    assert newest["question"] == RED_FLAG and newest["escalation"] == "emergency"
    assert newest["reason"] == "should quote the bladder advice"

    key = page.locator("#flags .flag .flag-key code").first.inner_text()
    page.locator("#review-key textarea, #review-key input").first.fill(key)
    page.locator("#review-button").click()
    page.locator("#action-status", has_text="reviewed at").wait_for(timeout=30_000)
    assert "reviewed 20" in page.locator("#flags .flag").first.inner_text()

    page.locator("#export").click()
    status = page.locator("#action-status", has_text="draft(s) to")
    status.wait_for(timeout=30_000)
    out = Path(status.inner_text().split(" to ", 1)[1].split(";")[0].rstrip("."))
    assert out.parent == flags_dir and stat.S_IMODE(out.stat().st_mode) == 0o600
    drafts = [json.loads(line) for line in out.read_text().splitlines()
              if line.startswith("{")]
    assert [d["question"] for d in drafts] == ["earlier <b>question</b>\u2028?", RED_FLAG]
    _shot(page, tmp_path, "staff-desktop-dark")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_page_passes_axe(browser, urls, size):
    for scheme in ("light", "dark"):
        page = _page(browser, urls[1], size, scheme)
        page.locator("#flags .flags").wait_for(timeout=30_000)
        reply = _ask(page, QUESTION)
        reply.locator("button.source-open").first.click()
        page.locator("#article-quote").wait_for(timeout=30_000)
        assert _axe(page) == [], (size, scheme)
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]


def test_screenshots_of_both_pages_at_both_sizes(browser, urls, flags_dir, bot, tmp_path):
    """The README's pictures (see the module docstring for the command)."""
    record(flags_dir / "flags.jsonl", make_flag(
        "what does MS nerve pain feel like?", ["can MS cause sciatica?"],
        bot.answer("what does MS nerve pain feel like?", ["can MS cause sciatica?"]),
        "the second quote is about sciatica, not nerve pain"))
    for size in SIZES:
        page = _page(browser, urls[0], size)
        reply = _ask(page, QUESTION)
        reply.locator(".reply-head").scroll_into_view_if_needed()
        _shot(page, tmp_path, f"chat-{size}")
        page = _page(browser, urls[1], size)
        page.locator("#flags .flags").wait_for(timeout=30_000)
        page.locator("#flags .flag").first.evaluate("e => e.scrollIntoView({block: 'start'})")
        _shot(page, tmp_path, f"staff-{size}")
    assert len(list(tmp_path.glob("*.png"))) == 4
