"""The chat page: pure rendering (escaping, exact highlights), start-up loading, and the API
endpoint called with gradio_client against the app served on a free loopback port."""

from __future__ import annotations

import dataclasses
import html
import re
import socket
import threading

import pytest

from bot.app import (
    BotLoader,
    article_html,
    build_app,
    chat_turn,
    escalation_html,
    highlight,
    loading_banner,
    paragraph_span,
    serve,
    sources_html,
    unavailable_reply,
    user_markdown,
)
from bot.safety import DISCLAIMER, ESCALATION_TEXT, FAIL_CLOSED_TEXT
from bot.types import Quote, Reply
from ingest.types import Document

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1)) ![x](http://e/x.png) <!-- c --> &amp; ${value} {{x}}",
]
_MARK = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tags(markup: str) -> set[str]:
    return set(re.findall(r"<([a-zA-Z][\w-]*)", markup))


# -- pure rendering ---------------------------------------------------------------------------

def test_user_markdown_escapes_every_punctuation_mark():
    for text in HOSTILE:
        escaped = user_markdown(text)
        assert re.sub(r"\\(.)", r"\1", escaped) == text  # nothing lost
        assert re.search(r"(?<!\\)[<>\[\]!*_`&]", escaped) is None  # nothing left live
    assert user_markdown("Can't MS cause sciatica?") == "Can't MS cause sciatica?"  # plain
    assert user_markdown("1. pain\n  - legs\n+ back\n===\n# 2.5 mg") == (
        "1\\. pain\n  \\- legs\n\\+ back\n\\===\n\\# 2.5 mg")  # no list, heading, rule


def test_highlight_escapes_the_three_parts_apart():
    assert highlight("a<b>c</b>d", 1, 9, ' id="q"') == (
        'a<mark id="q">&lt;b&gt;c&lt;/b&gt;</mark>d')
    assert highlight("x & y", 0, 1) == "<mark>x</mark> &amp; y"


def hostile_doc() -> tuple[Document, Quote]:
    body = ("Intro line\n\n<script>alert(1)</script> Spasticity means stiff muscles. "
            "<img src=x onerror=alert(1)> more.\n\nNext paragraph.")
    start = body.index("Spasticity")
    end = body.index("muscles.") + len("muscles.")
    doc = Document("evil", "<b>Title</b> & co", "src.txt", "0" * 64, body)
    return doc, Quote("evil", "<b>Title</b> & co", "<i>Section</i>", start, end,
                      body[start:end], paragraph=1)


def test_article_text_never_reaches_the_page_as_markup():
    doc, quote = hostile_doc()
    reply = Reply("text", [quote], None, False, DISCLAIMER)
    for markup in (sources_html(reply, {"evil": doc}), article_html(1, quote, doc)):
        assert tags(markup) <= {"div", "section", "span", "mark", "button"}
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
        assert "&lt;b&gt;Title&lt;/b&gt; &amp; co" in markup
        (inside,) = _MARK.findall(markup)
        assert html.unescape(inside) == quote.text


def test_article_view_highlights_the_exact_offsets():
    doc, quote = hostile_doc()
    markup = article_html(1, quote, doc)
    body_html = markup.split('<div class="article-body" tabindex="0">', 1)[1]
    before, rest = body_html.split('<mark id="article-quote" class="quote">', 1)
    inside, after = rest.split("</mark>", 1)
    assert html.unescape(before) == doc.body[: quote.start]
    assert html.unescape(inside) == doc.body[quote.start : quote.end]
    assert html.unescape(after.removesuffix("</div></div>")) == doc.body[quote.end :]
    with pytest.raises(ValueError, match="does not match"):
        article_html(1, dataclasses.replace(quote, start=quote.start + 1), doc)


def test_sources_panel_states():
    assert "appear here" in sources_html(None, {})
    assert "quotes no article" in sources_html(Reply("t", [], None, True, DISCLAIMER), {})


def test_escalation_banner_and_fail_closed_reply():
    assert escalation_html(None) == ""
    assert escalation_html(Reply("t", [], None, False, DISCLAIMER)) == ""
    text = ESCALATION_TEXT["crisis"] + "\n\n" + ESCALATION_TEXT["urgent"] + "\n\nrest"
    banner = escalation_html(Reply(text, [], "crisis", False, DISCLAIMER))
    assert 'role="alert"' in banner
    assert banner.index("You are not alone") < banner.index("Urgent: see a doctor today")
    assert "<strong>You are not alone: please talk to someone now.</strong>" in banner

    reply = unavailable_reply("index <b>broken</b> — run `make ingest`")
    assert reply.text.startswith(FAIL_CLOSED_TEXT)
    assert reply.text.endswith(f"*{DISCLAIMER}*")
    assert user_markdown("index <b>broken</b>") in reply.text
    assert reply.escalation == "emergency" and reply.quotes == []


# -- on the real bot --------------------------------------------------------------------------

@pytest.mark.slow
def test_sources_highlight_each_quote_inside_its_paragraph(bot):
    reply = bot.answer("can MS cause sciatica?")
    assert reply.quotes
    markup = sources_html(reply, bot.index.docs)
    cards = markup.split('<section class="source-card"')[1:]
    assert len(cards) == len(reply.quotes)
    for n, (card, quote) in enumerate(zip(cards, reply.quotes, strict=True), start=1):
        body = bot.index.docs[quote.doc_id].body
        p_start, p_end = paragraph_span(body, quote)
        assert p_start <= quote.start < quote.end <= p_end
        para = card.split('<div class="source-para">', 1)[1].split("</div>", 1)[0]
        (inside,) = _MARK.findall(para)
        assert html.unescape(inside) == quote.text
        assert html.unescape(re.sub(r"</?mark[^>]*>", "", para)) == body[p_start:p_end]
        assert html.escape(quote.title) in card and f'data-cite="{n}"' in card


@pytest.mark.slow
def test_a_question_waits_for_the_bot_to_load(bot):
    gate = threading.Event()
    loader = BotLoader(lambda: (gate.wait(30), bot)[1]).start()
    turns = chat_turn(loader, "I can't control my bladder <b>now</b>", [], [])
    shown, turn = next(turns)
    assert turn is None
    assert shown[0] == {"role": "user", "content": user_markdown(
        "I can't control my bladder <b>now</b>")}
    assert shown[1]["content"].startswith(ESCALATION_TEXT["emergency"])  # phrase rules, at once
    assert "Emergency: get medical help now." in loading_banner("I can't control my bladder")
    assert loading_banner("can MS cause sciatica?") == ""
    gate.set()
    shown, turn = next(turns)
    assert turn is not None and turn.reply.escalation == "emergency"
    assert shown[1]["content"] == turn.reply.text
    assert shown[1]["content"] == bot.answer("I can't control my bladder <b>now</b>").text


def test_a_failed_load_fails_closed():
    def broken():
        raise RuntimeError("model file missing")

    loader = BotLoader(broken).start()
    *_, (_shown, turn) = chat_turn(loader, "can MS cause sciatica?", [], [])
    assert turn is not None and turn.reply.text.startswith(FAIL_CLOSED_TEXT)
    assert "model file missing" in turn.reply.text and DISCLAIMER in turn.reply.text


@pytest.fixture
def served(bot, settings, tmp_path):
    app_settings = dataclasses.replace(settings, flags_path=tmp_path / "flags.jsonl")
    demo = build_app(BotLoader.loaded(bot), app_settings)
    url = serve(demo, "127.0.0.1", free_port())
    try:
        yield demo, url
    finally:
        demo.close()


@pytest.mark.slow
def test_api_endpoint_with_gradio_client(served, bot):
    from gradio_client import Client

    demo, url = served
    assert demo.share is False and url.startswith("http://127.0.0.1:")
    client = Client(url, verbose=False)
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {
        "/ask", "/ask_json"}  # the page's own events are not exposed
    text = client.predict("can MS cause sciatica?", [], api_name="/ask")
    assert text == bot.answer("can MS cause sciatica?").text
    follow_up = client.predict("how is it treated?", ["can MS cause sciatica?"],
                               api_name="/ask")
    assert follow_up == bot.answer("how is it treated?", ["can MS cause sciatica?"]).text
    data = client.predict("can MS cause sciatica?", [], api_name="/ask_json")
    assert Reply.from_dict(data).quotes == bot.answer("can MS cause sciatica?").quotes
