"""Both pages: pure HTML (escaping, answer-first layout, exact highlights, the staff's flag
views), the limits at the edge, and the served apps — the documented API called with
gradio_client, REST routes to internal handlers refused, body limit, security headers, and
odd input through the page's own queue protocol."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import socket
import threading
import time

import httpx
import pytest

from bot.app import API_NAMES, BotLoader, answer, build_chat, build_staff, serve
from bot.app.chat import chat_steps, conversation_page, header_html, shown_question
from bot.app.edge import MAX_BODY_BYTES, SECURITY_HEADERS
from bot.app.loader import HISTORY_KEPT, edge_input, loading_reply, unavailable_reply
from bot.app.render import (
    MORE_LABEL,
    Shown,
    article_html,
    conversation_html,
    escalation_banner,
    fixed_html,
    flag_html,
    flags_html,
    highlight,
    paragraph_span,
    reply_html,
)
from bot.feedback import Flag, QuoteRef, make_flag, record
from bot.safety import DISCLAIMER, ESCALATION_TEXT, FAIL_CLOSED_TEXT
from bot.types import Quote, Reply
from ingest.types import Document

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1)) ![x](http://e/x.png) <!-- c --> &amp; ${value} {{x}}",
]
RED_FLAG = "I suddenly can't feel anything when I wipe and I've wet myself"
_MARK = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)
ALLOWED_TAGS = {"div", "section", "span", "mark", "button", "article", "h2", "h3", "h4", "p",
                "blockquote", "figure", "figcaption", "cite", "details", "summary", "ol", "ul",
                "li", "strong", "br", "dl", "dt", "dd", "code", "pre"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tags(markup: str) -> set[str]:
    return set(re.findall(r"<([a-zA-Z][\w-]*)", markup))


def hostile_doc() -> tuple[Document, Quote]:
    body = ("Intro line\n\n<script>alert(1)</script> Spasticity means stiff muscles. "
            "<img src=x onerror=alert(1)> more.\n\nNext paragraph.")
    start = body.index("Spasticity")
    end = body.index("muscles.") + len("muscles.")
    doc = Document("evil", "<b>Title</b> & co", "src.txt", "0" * 64, body)
    return doc, Quote("evil", "<b>Title</b> & co", "<i>Section</i>", start, end,
                      body[start:end], paragraph=1)


def reply_of(quotes: list[Quote], escalation: str | None = None, **parts) -> Reply:
    texts = [ESCALATION_TEXT[escalation]] if escalation else []
    return Reply("(markdown)", quotes, escalation, not quotes, DISCLAIMER,
                 escalation_texts=texts, lead_in="Here is what the articles say:" if quotes
                 else "", **parts)


# -- pure HTML ------------------------------------------------------------------------------

def test_highlight_and_fixed_texts_escape_everything():
    assert highlight("a<b>c</b>d", 1, 9, ' id="q"') == (
        'a<mark id="q">&lt;b&gt;c&lt;/b&gt;</mark>d')
    assert fixed_html(ESCALATION_TEXT["emergency"]).startswith(
        "<p><strong>Emergency: get medical help now.</strong> What you describe")
    for text in HOSTILE:
        assert tags(fixed_html(text)) <= {"p"}
        assert html.unescape(re.sub(r"</?p>", "", fixed_html(text))) == text


def test_user_and_article_text_never_reach_a_page_as_markup():
    doc, quote = hostile_doc()
    turns = [Shown(text, reply_of([quote, dataclasses.replace(quote, section="x<y")]))
             for text in HOSTILE]
    markups = [conversation_html(turns), article_html(quote, doc),
               escalation_banner(reply_of([], "crisis"))]
    for markup in markups:
        assert tags(markup) <= ALLOWED_TAGS, tags(markup) - ALLOWED_TAGS
        assert "<script" not in markup and "<img" not in markup and "<svg" not in markup
    page = markups[0]
    for text in HOSTILE:
        assert html.escape(text, quote=True) in page
    assert "&lt;b&gt;Title&lt;/b&gt; &amp; co" in page and "&lt;i&gt;Section&lt;/i&gt;" in page


def test_a_reply_shows_the_answer_first_and_folds_the_rest():
    _doc, quote = hostile_doc()
    other = Quote("ms-back", "Back pain", "Causes", 0, 10, "Back pain.", 2)
    markup = reply_html(reply_of([quote, dataclasses.replace(quote, start=0, end=5,
                                                             text="Intro"), other]), 3)
    head, more = markup.split("<details", 1)
    assert 'class="answer-quote"' in head and "Spasticity means stiff muscles." in head
    assert f"{MORE_LABEL} (2)" in more and more.count('class="more-quote"') == 2
    # each source named once per run of quotes from it: title and section, no ids or offsets
    assert markup.count("From <cite>&lt;b&gt;Title&lt;/b&gt; &amp; co</cite>") == 1
    assert markup.count("From <cite>Back pain</cite>, section “Causes”") == 1
    assert "evil" not in markup and "ms-back" not in markup and "characters" not in markup
    assert markup.index('class="disclaimer"') > markup.index("<details")
    assert markup.endswith("Read aloud</button></article>")
    assert 'data-cite="1" data-turn="3"' in markup and 'data-cite="3" data-turn="3"' in markup


def test_escalation_first_and_disclaimer_last_in_every_reply():
    reply = reply_of([], "emergency", message="The articles I quote from do not cover this.",
                     safety_net="Get help now if:\n- you cannot pee")
    markup = reply_html(reply, 1)
    order = [markup.index(s) for s in ("Emergency: get medical help now.", "do not cover this",
                                       "<li>you cannot pee</li>", html.escape(DISCLAIMER))]
    assert order == sorted(order)
    banner = escalation_banner(reply)
    assert 'role="alert"' in banner and "Emergency: get medical help now." in banner
    assert escalation_banner(reply_of([])) == "" and escalation_banner(None) == ""
    failed = unavailable_reply("index <b>broken</b>")
    assert failed.escalation_texts == [FAIL_CLOSED_TEXT] and failed.disclaimer == DISCLAIMER
    assert "&lt;b&gt;broken&lt;/b&gt;" in reply_html(failed, 1)
    assert loading_reply(RED_FLAG).escalation_texts == [ESCALATION_TEXT["emergency"]]
    assert loading_reply("can MS cause sciatica?").escalation_texts == []


def test_article_view_highlights_the_exact_offsets():
    doc, quote = hostile_doc()
    markup = article_html(quote, doc)
    body_html = markup.split('<div class="article-body">', 1)[1]
    before, rest = body_html.split('<mark id="article-quote" class="quote">', 1)
    inside, after = rest.split("</mark>", 1)
    assert html.unescape(before) == doc.body[: quote.start]
    assert html.unescape(inside) == doc.body[quote.start : quote.end]
    assert html.unescape(after.split("</div>", 1)[0]) == doc.body[quote.end :]
    assert 'id="article-h" tabindex="-1"' in markup  # takes focus when it opens
    with pytest.raises(ValueError, match="does not match"):
        article_html(dataclasses.replace(quote, start=quote.start + 1), doc)


def test_staff_flag_view_shows_ids_offsets_and_the_paragraph():
    doc, quote = hostile_doc()
    flag = Flag("2025-01-31T09:15:02.123Z", "<b>q</b>\u2028?", ("<i>earlier</i>",),
                "> reply <script>", "emergency",
                (QuoteRef("evil", quote.start, quote.end), QuoteRef("evil", 5, 9999),
                 QuoteRef("gone", 0, 3)), "<u>wrong</u>")
    markup = flag_html("1@x", 1, flag, {"evil": doc}, None)
    assert tags(markup) <= ALLOWED_TAGS
    for text in ("&lt;b&gt;q&lt;/b&gt;", "&lt;i&gt;earlier&lt;/i&gt;", "&gt; reply &lt;script&gt;",
                 "&lt;u&gt;wrong&lt;/u&gt;", f"<code>evil</code> characters {quote.start}–"
                 f"{quote.end}", "not reviewed"):
        assert text in markup
    assert markup.count("no longer fit") == 2  # stale offsets and a missing article
    (inside,) = _MARK.findall(markup)
    assert html.unescape(inside) == quote.text
    p_start, p_end = paragraph_span(doc.body, quote.start, quote.end)
    para = markup.split('<p class="flag-para">', 1)[1].split("</p>", 1)[0]
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", para)) == doc.body[p_start:p_end]
    listing = flags_html([("1@x", 1, flag)], ["flags.jsonl:2: not valid JSON (x)"], {}, {})
    assert "flags.jsonl:2: not valid JSON" in listing and "1 flagged, 1 not reviewed" in listing
    assert "No flagged answers yet" in flags_html([], [], {}, {})
    assert "reviewed 2025" in flag_html("1@x", 1, flag, {}, "2025-02-01T00:00:00.000Z")


def test_header_has_comfort_settings_and_a_live_region():
    markup = header_html("T <x>", "intro")
    assert markup.count("data-size-step") == 3 and "data-contrast-toggle" in markup
    assert 'aria-live="polite"' in markup and "T &lt;x&gt;" in markup
    assert "<h2" in conversation_page([])


def test_edge_input_caps_history_and_replaces_lone_surrogates():
    message, past = edge_input("pain\ud800", [f"m{i}" for i in range(40)] + ["x" * 50], 10)
    assert message == "pain\ufffd"
    assert len(past) == HISTORY_KEPT and past[-1] == "x" * 10
    assert edge_input(None, "not a list", 10) == ("", [])
    assert shown_question("a" * 5) == "a" * 5
    assert "more characters not shown" in shown_question("a" * 50_000)


# -- the limits, on the real bot ------------------------------------------------------------

@pytest.mark.slow
def test_a_message_over_the_limit_gets_the_fixed_reply_and_is_still_checked(bot, settings):
    from bot.core import Bot

    small = dataclasses.replace(settings, max_message_chars=100)  # MAX_MESSAGE_CHARS
    loader = BotLoader.loaded(Bot(small, bot.index, bot.embedder, bot.checker))
    long_benign = "can MS cause sciatica? " * 10
    reply = answer(loader, long_benign, [], small)
    assert reply.refused and reply.quotes == [] and "too long" in reply.message
    assert "more than 100 characters" in reply.text and reply.text.endswith(f"*{DISCLAIMER}*")
    assert reply.escalation is None
    hidden = "hello " * 30 + RED_FLAG + " thanks" * 30  # the red flag is past the limit
    reply = answer(loader, hidden, [], small)
    assert reply.escalation == "emergency" and "too long" in reply.message
    assert reply.text.startswith(ESCALATION_TEXT["emergency"])
    assert answer(loader, "can MS cause sciatica?", [], small).quotes  # under it: answered
    # the default: 10,000 characters
    loader = BotLoader.loaded(bot)
    assert "too long" in answer(loader, "a" * 10_001, [], settings).message
    assert "too long" not in answer(loader, "sciatica " * 1_000, [], settings).message


@pytest.mark.slow
def test_odd_input_always_gets_a_reply_with_the_disclaimer(bot, settings):
    loader = BotLoader.loaded(bot)
    for message, history in [("\ud800", []), ("back pain\udfff?", ["\udc00", None, 5]),
                             (None, None), (12, "x"), ("\x00" * 50, []), ("\u2028\u0085", [])]:
        (update,) = chat_steps(loader, settings, message, [], history)
        assert update.latest.disclaimer == DISCLAIMER
        page = conversation_page(update.turns)
        page.encode("utf-8")  # no lone surrogate left to break the page's JSON
        assert html.escape(DISCLAIMER) in page


def test_a_failed_load_fails_closed(settings):
    def broken():
        raise RuntimeError("model file <missing>")

    loader = BotLoader(broken).start()
    *_, update = chat_steps(loader, settings, "can MS cause sciatica?", [], [])
    assert update.latest.escalation_texts == [FAIL_CLOSED_TEXT]
    assert "model file &lt;missing&gt;" in conversation_page(update.turns)


@pytest.mark.slow
def test_a_question_waits_for_the_bot_to_load(bot, settings):
    gate = threading.Event()
    loader = BotLoader(lambda: (gate.wait(30), bot)[1]).start()
    steps = chat_steps(loader, settings, RED_FLAG, [], [])
    first = next(steps)
    assert first.latest.escalation_texts == [ESCALATION_TEXT["emergency"]]  # phrase rules
    assert "still loading" in first.latest.message
    gate.set()
    final = next(steps)
    assert final.latest.escalation == "emergency" and final.latest.quotes == bot.answer(
        RED_FLAG).quotes
    assert final.past == [RED_FLAG]


# -- served -----------------------------------------------------------------------------------

@pytest.fixture
def served(bot, settings, tmp_path):
    app_settings = dataclasses.replace(settings, flags_path=tmp_path / "flags.jsonl")
    loader = BotLoader.loaded(bot)
    chat, staff = build_chat(loader, app_settings), build_staff(loader, app_settings)
    chat_url = serve(chat, "127.0.0.1", free_port(), API_NAMES).rstrip("/")
    staff_url = serve(staff, "127.0.0.1", free_port()).rstrip("/")
    try:
        yield chat_url, staff_url, app_settings
    finally:
        chat.close()
        staff.close()


def _dependencies(url: str) -> dict[str, int]:
    config = httpx.get(f"{url}/config").json()
    return {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("api_name")}


def _queue(url: str, fn: int, data: list, session: str) -> list[dict]:
    """Call a handler the way the page does: join the queue, read the event stream."""
    body = json.dumps({"data": data, "fn_index": fn, "session_hash": session,
                       "event_data": None, "trigger_id": None})  # lone surrogates as \\udXXX
    joined = httpx.post(f"{url}/gradio_api/queue/join", content=body,
                        headers={"content-type": "application/json"})
    assert joined.status_code == 200, joined.text
    events: list[dict] = []
    buffer = ""
    with httpx.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session},
                      timeout=60) as stream:
        for chunk in stream.iter_text():  # not iter_lines: it would split at U+2028 too
            buffer += chunk
            *lines, buffer = buffer.split("\n")
            for line in lines:
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1]["msg"] in ("process_completed", "unexpected_error"):
                        return events
    return events


@pytest.mark.slow
def test_api_endpoints_with_gradio_client(served, bot):
    from gradio_client import Client

    chat_url, _, _ = served
    client = Client(chat_url, verbose=False)
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {
        "/ask", "/ask_json"}  # the page's own events are not exposed
    assert client.predict("can MS cause sciatica?", [], api_name="/ask") == bot.answer(
        "can MS cause sciatica?").text
    follow_up = client.predict("how is it treated?", ["can MS cause sciatica?"],
                               api_name="/ask")
    assert follow_up == bot.answer("how is it treated?", ["can MS cause sciatica?"]).text
    data = client.predict("can MS cause sciatica?", [], api_name="/ask_json")
    assert Reply.from_dict(data).quotes == bot.answer("can MS cause sciatica?").quotes
    too_long = client.predict("x" * 10_001, [], api_name="/ask_json")
    assert "too long" in too_long["message"] and too_long["disclaimer"] == DISCLAIMER


@pytest.mark.slow
def test_rest_calls_to_internal_handlers_are_refused(served):
    chat_url, staff_url, app_settings = served
    chat_fns, staff_fns = _dependencies(chat_url), _dependencies(staff_url)
    assert "on_message" in chat_fns and "on_flag" in staff_fns and "on_flag" not in chat_fns
    for url, names in ((chat_url, chat_fns), (staff_url, staff_fns)):
        for name in names:
            if url == chat_url and name in API_NAMES:
                continue
            for route in (f"/gradio_api/run/{name}", f"/gradio_api/api/{name}",
                          f"/gradio_api/call/{name}", f"/gradio_api/call/v2/{name}"):
                r = httpx.post(url + route, json={"data": [None, "x"]})
                assert r.status_code == 404, (route, r.status_code, r.text)
        assert httpx.post(f"{url}/gradio_api/upload", files={"files": b"x"}).status_code == 404
        fn = names["on_message" if url == chat_url else "on_flag"]  # the generic door, too
        r = httpx.post(f"{url}/gradio_api/run/predict", json={"data": [], "fn_index": fn})
        assert r.status_code == 404
    assert not app_settings.flags_path.exists()  # nothing reached the flag handler
    # the documented API stays callable by plain REST
    r = httpx.post(f"{chat_url}/gradio_api/call/ask", json={"data": ["what is spasticity?", []]})
    assert r.status_code == 200 and "event_id" in r.json()


@pytest.mark.slow
def test_security_headers_and_body_limit(served):
    chat_url, staff_url, _ = served
    for url in (chat_url, staff_url, f"{chat_url}/gradio_api/info", f"{chat_url}/config"):
        r = httpx.get(url)
        assert r.status_code == 200
        for name, value in SECURITY_HEADERS.items():
            assert r.headers[name] == value
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    big = json.dumps({"data": ["a" * (MAX_BODY_BYTES + 1), []]})
    start = time.perf_counter()
    r = httpx.post(f"{chat_url}/gradio_api/call/ask", content=big,
                   headers={"content-type": "application/json"})
    assert r.status_code == 413 and time.perf_counter() - start < 2

    def chunks():
        for _ in range(MAX_BODY_BYTES // 65_536 + 2):
            yield b"a" * 65_536

    r = httpx.post(f"{chat_url}/gradio_api/queue/join", content=chunks(),
                   headers={"content-type": "application/json"})
    assert r.status_code == 413  # no Content-Length: counted as it arrives


@pytest.mark.slow
def test_odd_input_through_the_page_queue_protocol_gets_a_reply(served):
    """Reproduced on the old page: a lone surrogate in the message ended the event stream with
    "unexpected_error: str is not valid UTF-8: surrogates not allowed", no reply, no
    disclaimer (the page echoed the raw message into its JSON output)."""
    chat_url, staff_url, _ = served
    for url in (chat_url, staff_url):
        fn = _dependencies(url)["on_message"]
        for n, message in enumerate(["back pain \ud800 help", "\udfff", "\u2028\u0085 " * 3,
                                     "<script>x</script>" * 700]):
            events = _queue(url, fn, [message, None, None], f"odd{n}x{fn}")
            assert events[-1]["msg"] == "process_completed", events[-1]
            assert events[-1]["success"], events[-1]
            stream = json.dumps(events, ensure_ascii=False)  # first output, then diffs
            assert DISCLAIMER in stream and "<script>" not in stream


@pytest.mark.slow
def test_staff_page_opens_with_a_missing_empty_or_corrupt_flags_file(served, bot):
    _, staff_url, app_settings = served
    path = app_settings.flags_path
    assert httpx.get(staff_url).status_code == 200  # missing
    path.write_text("")
    assert httpx.get(staff_url).status_code == 200  # empty
    record(path, make_flag("q <b>1</b>?", [], bot.answer("can MS cause sciatica?"), "r"))
    with path.open("a") as f:
        f.write('{"ts": "x"\n')
    fns = _dependencies(staff_url)
    events = _queue(staff_url, fns["show_flags"], [], "staffload")
    assert events[-1]["msg"] == "process_completed"
    listing = events[-1]["output"]["data"][0]
    assert "flags.jsonl:2: not valid JSON" in listing and "q &lt;b&gt;1&lt;/b&gt;?" in listing
