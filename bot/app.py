"""The patient chat page (Gradio): chat on the left, the sources of the latest reply on the
right, and a "Flag this answer" box for support staff.

`python -m bot.app [--host H] [--port P]` (or `make chat`) serves on 127.0.0.1:7860 by default,
never with a public share link. The page is served first; the bot (index and model; the index
is built first if missing) loads in a background thread, and a question asked before it is ready
waits for it, showing a "loading" message (and, from the phrase rules alone, any escalation at
once).
If loading fails, every reply is the fail-closed warning, the error and the disclaimer.

The first half of this module is pure functions that build the page's HTML: every piece of
user or article text goes through `html.escape` (the source panel, the whole-article view, the
escalation banner) or, for the chat's Markdown, a backslash before every ASCII mark that could
start markup (`user_markdown`), so no markup from a message or an article reaches the page.
The bot's own reply is Markdown whose article text the bot has already escaped. The second half
is a thin Gradio layer. The API endpoint `/ask` (message, history) returns the reply's Markdown and
`/ask_json` the whole Reply; nothing else is exposed to API clients.

Nothing about a conversation is logged or stored: the session's messages live in `gr.State`
(memory) only, the chat's clear button forgets them, Gradio's in-browser run history is off,
and only a flag writes a line to disk (bot.feedback).
Not here: answering (bot.core), the flags file and its drafts (bot.feedback).
"""

from __future__ import annotations

import argparse
import html
import inspect
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from bot.feedback import make_flag, record
from bot.safety import DISCLAIMER, ESCALATION_TEXT, FAIL_CLOSED_TEXT, match_phrases
from bot.types import Quote, Reply
from ingest.errors import BotError
from ingest.settings import Settings
from ingest.structure import blocks
from ingest.types import Document

if TYPE_CHECKING:
    from bot.core import Bot

TITLE = "MS pain questions: answers quoted from the articles"
EXAMPLES = (
    "Can MS cause sciatica?",
    "Why do people with MS get back pain?",
    "What does MS nerve pain feel like?",
    "How is spasticity treated?",
    "What is Lhermitte's sign?",
)
LOADING_TEXT = (
    "*One moment: the articles and the language model are still loading. Your question will "
    "be answered as soon as they are ready.*"
)
UNAVAILABLE_TEXT = "The chatbot could not start, so it cannot answer questions right now: {error}"
NO_SOURCES = "Sources for the latest answer appear here, with the quoted words highlighted."
NO_QUOTES = "The latest answer quotes no article."
LOAD_TIMEOUT_S = 600.0  # how long a question waits for the bot to load
HISTORY_KEPT = 12  # earlier messages kept per session (the bot itself reads fewer)
ANSWER_CONCURRENCY = "answer"  # the chat and the API share one queue: one answer at a time

# -- pure rendering --------------------------------------------------------------------------

# ASCII marks that can start inline Markdown, HTML, an entity, a link or LaTeX anywhere...
_INLINE = re.compile(r"([\\`*_{}\[\]<>()#!|~&$:@])")
# ...and those that make a list, a rule or a heading only at the start of a line. Other marks
# ("?", ",", "'", "." in a sentence) stay bare, so screen readers do not read out backslashes.
_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+\.)", re.M)
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def user_markdown(message: str) -> str:
    r"""A user's message as Markdown that renders as the literal text: each ASCII mark that
    could start markup gets a backslash (CommonMark allows one before any ASCII punctuation),
    so `<`, `*`, `[`, `#` and the like stay characters, never markup.

    >>> print(user_markdown("<b>hi</b> *MS*, ok?\n1. - a"))
    \<b\>hi\</b\> \*MS\*, ok?
    1\. - a
    """
    text = _INLINE.sub(r"\\\1", message)
    return _LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


def highlight(text: str, start: int, end: int, mark_attrs: str = "") -> str:
    """`text` as HTML with `text[start:end]` inside <mark>; the three parts escaped apart.

    >>> highlight("a <b> c", 2, 5)
    'a <mark>&lt;b&gt;</mark> c'
    """
    before, inside, after = text[:start], text[start:end], text[end:]
    return (f"{html.escape(before)}<mark{mark_attrs}>{html.escape(inside)}</mark>"
            f"{html.escape(after)}")


def paragraph_span(body: str, quote: Quote) -> tuple[int, int]:
    """The body offsets of the paragraph a quote sits in (a list keeps its lead-in), always
    containing the quote. Falls back to the lines around the quote."""
    parts = [(b.start, b.end) for b in blocks(body)
             if b.paragraph == quote.paragraph and b.kind in ("paragraph", "item")]
    if parts and min(s for s, _ in parts) <= quote.start and quote.end <= max(e for _, e in parts):
        return min(s for s, _ in parts), max(e for _, e in parts)
    start = body.rfind("\n", 0, quote.start) + 1
    end = body.find("\n", quote.end)
    return start, len(body) if end < 0 else end


def source_card(n: int, quote: Quote, doc: Document | None) -> str:
    """One citation: title, section and the quote highlighted inside its paragraph."""
    title = html.escape(quote.title)
    section = (f"Section: {html.escape(quote.section)}" if quote.section
               else "Introduction (before the first heading)")
    if doc is not None and doc.body[quote.start : quote.end] == quote.text:
        p_start, p_end = paragraph_span(doc.body, quote)
        context = highlight(doc.body[p_start:p_end], quote.start - p_start,
                            quote.end - p_start, ' class="quote"')
        button = (f'<button type="button" class="source-open" data-cite="{n}">'
                  f"Show [{n}] in the whole article</button>")
    else:  # the article is not at hand: show the quote alone
        context = highlight(quote.text, 0, len(quote.text), ' class="quote"')
        button = ""
    return (f'<section class="source-card" id="source-{n}" aria-label="Source {n}">'
            f'<div class="source-title"><span class="source-num">[{n}]</span> {title}</div>'
            f'<div class="source-section">{section}</div>'
            f'<div class="source-para">{context}</div>{button}</section>')


def sources_html(reply: Reply | None, docs: Mapping[str, Document]) -> str:
    """The sources panel for the latest reply (numbered as its citations)."""
    if reply is None:
        return f'<p class="sources-empty">{html.escape(NO_SOURCES)}</p>'
    if not reply.quotes:
        return f'<p class="sources-empty">{html.escape(NO_QUOTES)}</p>'
    cards = (source_card(n, q, docs.get(q.doc_id)) for n, q in enumerate(reply.quotes, start=1))
    return '<div class="sources">' + "".join(cards) + "</div>"


def article_html(n: int, quote: Quote, doc: Document) -> str:
    """The whole article, escaped, with citation n's quote in <mark id="article-quote">."""
    if doc.body[quote.start : quote.end] != quote.text:
        raise ValueError(f"quote [{n}] does not match article {doc.doc_id!r} at its offsets")
    body = highlight(doc.body, quote.start, quote.end, ' id="article-quote" class="quote"')
    return (f'<div class="article-view" aria-label="Whole article for source {n}">'
            f'<div class="article-head">[{n}] {html.escape(doc.title)}'
            f'<span class="article-hint"> — the whole article, quote highlighted</span></div>'
            f'<div class="article-body" tabindex="0">{body}</div></div>')


def escalation_texts(reply: Reply) -> list[str]:
    """The fixed escalation paragraphs a reply opens with, in order."""
    fixed = [*ESCALATION_TEXT.values(), FAIL_CLOSED_TEXT]
    found = sorted((reply.text.find(t), t) for t in fixed if t in reply.text)
    texts = [t for _, t in found]
    if reply.escalation and not texts:  # the layout changed: still never show no warning
        texts = [ESCALATION_TEXT.get(reply.escalation, FAIL_CLOSED_TEXT)]
    return texts


def escalation_html(reply: Reply | None) -> str:
    """A red alert box above the chat with the reply's escalation text, or "" for none."""
    if reply is None or not reply.escalation:
        return ""
    return _banner(reply.escalation, escalation_texts(reply))


def _banner(level: str, texts: Sequence[str]) -> str:
    paragraphs = "".join("<p>" + _BOLD.sub(r"<strong>\1</strong>", html.escape(t)) + "</p>"
                         for t in texts)
    return (f'<div class="escalation-banner escalation-{html.escape(level)}" role="alert">'
            f'<span class="escalation-icon" aria-hidden="true">⚠</span>'
            f"<div>{paragraphs}</div></div>")


def unavailable_reply(error: str) -> Reply:
    """The reply when the bot could not load: fail closed (the red-flag check could not run),
    say what went wrong, keep the disclaimer."""
    from bot.compose import render

    text = render(escalations=[FAIL_CLOSED_TEXT], quotes=[], notes=[], disclaimer=DISCLAIMER,
                  body=user_markdown(UNAVAILABLE_TEXT.format(error=error)))
    return Reply(text=text, quotes=[], escalation="emergency", refused=True,
                 disclaimer=DISCLAIMER)


def early_escalations(message: str) -> list[str]:
    """What the phrase rules alone escalate to (most severe first): shown while the bot loads,
    since they need no model. The full check runs when the bot answers."""
    return list(dict.fromkeys(flag.level for flag in match_phrases(message)))


def loading_text(message: str) -> str:
    """Shown while the bot loads: any early escalation, then a note."""
    texts = [ESCALATION_TEXT[level] for level in early_escalations(message)]
    return "\n\n".join([*texts, LOADING_TEXT])


def loading_banner(message: str) -> str:
    """The alert box while the bot loads, from the phrase rules ("" if they find nothing)."""
    levels = early_escalations(message)
    return _banner(levels[0], [ESCALATION_TEXT[level] for level in levels]) if levels else ""


# -- the bot, loaded in the background --------------------------------------------------------

class BotUnavailable(BotError):
    """The bot failed to load (the message says why) or is still loading after the wait."""


class BotLoader:
    """Loads the bot once, in a background thread, so that the page is served first.

    Handlers call `wait()`: it blocks until loading has finished, then returns the bot or
    raises BotUnavailable with the loading error.
    """

    def __init__(self, load: Callable[[], Bot]) -> None:
        self._load = load
        self._done = threading.Event()
        self._bot: Bot | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def loaded(cls, bot: Bot) -> BotLoader:
        """A loader that is already done (tests, or an app around an existing bot)."""
        loader = cls(lambda: bot)
        loader._bot = bot
        loader._done.set()
        return loader

    def start(self) -> BotLoader:
        if self._thread is None and not self._done.is_set():
            self._thread = threading.Thread(target=self._run, name="bot-loader", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        t = time.perf_counter()
        print("loading the bot (index and model)…", file=sys.stderr)
        try:
            self._bot = self._load()
        except BotError as exc:
            self._error = str(exc)
        except Exception as exc:
            traceback.print_exc()
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self._done.set()
        if self._error:
            print(f"error: the bot could not load: {self._error}", file=sys.stderr)
        else:
            print(f"bot ready in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    @property
    def docs(self) -> Mapping[str, Document]:
        return self._bot.index.docs if self._bot is not None else {}

    def wait(self, timeout: float | None = LOAD_TIMEOUT_S) -> Bot:
        if not self._done.wait(timeout):
            raise BotUnavailable(f"still loading after {timeout:.0f} s — try again shortly")
        if self._bot is None:
            raise BotUnavailable(self._error or "unknown error")
        return self._bot


def answer(loader: BotLoader, message: str, history: Sequence[str],
           timeout: float | None = LOAD_TIMEOUT_S) -> Reply:
    """The bot's reply, waiting for it to load; the fail-closed reply if it cannot."""
    try:
        bot = loader.wait(timeout)
    except BotUnavailable as exc:
        return unavailable_reply(str(exc))
    return bot.answer(message, list(history))


@dataclass(frozen=True)
class Turn:
    """The latest answered message of a session: what the sources panel and a flag refer to."""

    question: str
    history: tuple[str, ...]
    reply: Reply


def chat_turn(loader: BotLoader, message: str, shown: Sequence[dict[str, Any]],
              history: Sequence[str], timeout: float | None = LOAD_TIMEOUT_S,
              ) -> Iterator[tuple[list[dict[str, Any]], Turn | None]]:
    """Chat messages to show for one user message: a loading message first if the bot is not
    ready, then the reply. The user's text is shown escaped; the bot gets it as typed."""
    shown = [*shown, {"role": "user", "content": user_markdown(message)}]
    if not loader.ready:
        yield [*shown, {"role": "assistant", "content": loading_text(message)}], None
    reply = answer(loader, message, history, timeout)
    turn = Turn(message, tuple(history), reply)
    yield [*shown, {"role": "assistant", "content": reply.text}], turn


# -- the Gradio layer -------------------------------------------------------------------------

HEADER = f"""# {TITLE}
Ask about **MS and back pain, sciatica, spasticity or nerve pain**. Every answer is quoted word
for word from five articles; the sources of the latest answer are shown on the right. This is
not medical advice."""

# Gradio runs js_on_load with `element` (the component) and `trigger`/`watch` in scope.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-cite]');
  if (button) trigger('click', {cite: Number(button.dataset.cite)});
});
"""
ARTICLE_JS = """
watch('value', () => {
  const mark = element.querySelector('#article-quote');
  if (mark) mark.scrollIntoView({block: 'center'});
});
"""

# Whenever the chat changes: scroll it (not the page) so the latest question sits at the top
# of the chat box, with the start of its reply (escalation, first quote) right below it.
# Gradio's own autoscroll is off: it jumps to the end of a long reply, to the disclaimer.
SCROLL_TO_LATEST_JS = """
() => { setTimeout(() => {
  const asked = document.querySelectorAll('#chat [data-testid="user"]');
  const latest = asked[asked.length - 1];
  const log = latest && latest.closest('[role="log"]');
  if (!log) return;
  const row = latest.closest('.message-row') || latest;
  log.scrollTop += row.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
}, 60); }
"""

CSS = """
.escalation-banner { display: flex; gap: 12px; align-items: flex-start; background: #fdecec;
  color: #5c0f0f; border: 2px solid #b42318; border-left-width: 10px; border-radius: 8px;
  padding: 12px 16px; font-size: 1.05rem; line-height: 1.5; }
.escalation-banner p { margin: 0 0 6px 0; }
.escalation-banner strong { color: #8a1212; }
.escalation-icon { font-size: 1.6rem; line-height: 1; color: #b42318; }
.sources-empty { color: var(--body-text-color-subdued); margin: 4px 0; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin: 0 0 10px 0; background: var(--background-fill-secondary); }
.source-title { font-weight: 600; }
.source-num { color: var(--color-accent); }
.source-section { font-size: 0.9em; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.source-para, .article-body { white-space: pre-wrap; line-height: 1.55; }
mark.quote { background: #ffe58a; color: #1a1a1a; padding: 1px 2px; border-radius: 3px; }
.source-open { margin-top: 8px; padding: 4px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--border-color-accent); background: var(--background-fill-primary);
  color: var(--body-text-color); font-size: 0.9em; }
.source-open:hover, .source-open:focus { background: var(--color-accent-soft); }
.article-view { border-top: 2px solid var(--border-color-primary); margin-top: 8px;
  padding-top: 8px; }
.article-head { font-weight: 600; margin-bottom: 6px; }
.article-hint { font-weight: 400; color: var(--body-text-color-subdued); }
.article-body { max-height: 60vh; overflow-y: auto; padding-right: 6px; }
#examples-label { margin: 0; flex: 0 0 auto; min-width: fit-content; white-space: nowrap; }
#examples { flex-wrap: wrap; gap: 6px; align-items: center; }
#examples button { flex: 0 1 auto; }
#flag-row { align-items: flex-end; }
"""


def build_app(loader: BotLoader, settings: Settings) -> gr.Blocks:
    """The page. `settings.flags_path` is where flags go; the loader supplies the bot."""

    def on_message(message: str, shown: list[dict[str, Any]], past: list[str] | None):
        message = message or ""
        past = list(past or [])
        if not message.strip():
            yield (gr.skip(),) * 8
            return
        for messages, turn in chat_turn(loader, message, shown or [], past):
            if turn is None:  # still loading
                yield ("", messages, gr.skip(), gr.skip(), loading_banner(message),
                       gr.skip(), gr.skip(), "")
                continue
            yield ("", messages, [*past, message][-HISTORY_KEPT:], turn,
                   escalation_html(turn.reply), sources_html(turn.reply, loader.docs), "", "")

    def on_flag(last: Turn | None, reason: str) -> tuple[str, str]:
        if last is None:
            return "There is no answer to flag yet: ask a question first.", reason
        flag = make_flag(last.question, last.history, last.reply, reason)
        try:
            record(settings.flags_path, flag)
        except OSError as exc:
            return f"Could not save the flag ({exc.strerror}); please tell the maintainer.", reason
        return f"Flagged for review at {flag.ts}. Thank you.", ""

    def on_source(last: Turn | None, evt: gr.EventData) -> str:
        try:
            n = int(evt.cite)
        except (AttributeError, TypeError, ValueError):
            return gr.skip()
        if last is None or not 1 <= n <= len(last.reply.quotes):
            return gr.skip()
        quote = last.reply.quotes[n - 1]
        doc = loader.docs.get(quote.doc_id)
        return article_html(n, quote, doc) if doc is not None else gr.skip()

    def ask(message: str, history: list[str]) -> str:
        """Answer one message. `history`: the patient's earlier messages, oldest first.
        Returns the reply as Markdown (escalation first, quotes with citations, disclaimer)."""
        return answer(loader, message or "", history or []).text

    def ask_json(message: str, history: list[str]) -> dict:
        """Like /ask, but returns the whole reply: text, quotes (with offsets), escalation,
        refused, disclaimer, timings_ms."""
        return answer(loader, message or "", history or []).to_dict()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        past = gr.State([])  # the patient's earlier messages as typed (memory only)
        last = gr.State(None)  # the latest Turn, for the sources panel and for flagging
        gr.Markdown(HEADER, elem_id="header")
        banner = gr.HTML("", elem_id="escalation", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=380):
                chatbot = gr.Chatbot(
                    label="Chat", elem_id="chat", height=560, layout="bubble", autoscroll=False,
                    sanitize_html=True, allow_tags=False, render_markdown=True,
                    latex_delimiters=[], buttons=["copy"], feedback_options=None,
                    placeholder="Ask a question below, or pick an example.",
                )
                with gr.Row(equal_height=True):
                    message = gr.Textbox(
                        show_label=False, elem_id="message", scale=5, lines=1, max_lines=6,
                        placeholder="Type your question, e.g. Can MS cause sciatica?",
                        autofocus=True,
                    )
                    send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                with gr.Row(elem_id="examples"):
                    gr.Markdown("**Try:**", elem_id="examples-label")
                    example_buttons = [
                        (text, gr.Button(text, size="sm", variant="secondary", scale=0,
                                         min_width=0))
                        for text in EXAMPLES]
                with gr.Row(elem_id="flag-row", equal_height=True):
                    reason = gr.Textbox(
                        label="Flag this answer (support staff)", elem_id="flag-reason",
                        placeholder="What is wrong with the latest answer?", lines=1,
                        max_lines=4, scale=4,
                    )
                    flag = gr.Button("⚑ Flag this answer", variant="secondary", scale=1,
                                     min_width=210, elem_id="flag-button")
                flag_status = gr.Markdown("", elem_id="flag-status")
            with gr.Column(scale=2, min_width=320):
                gr.Markdown("### Sources of the latest answer")
                sources = gr.HTML(sources_html(None, {}), elem_id="sources",
                                  js_on_load=SOURCES_JS)
                article = gr.HTML("", elem_id="article", js_on_load=ARTICLE_JS)

        outputs = [message, chatbot, past, last, banner, sources, article, flag_status]
        chat = {"concurrency_id": ANSWER_CONCURRENCY, "api_visibility": "private",
                "show_progress_on": chatbot}
        message.submit(on_message, [message, chatbot, past], outputs, **chat)
        send.click(on_message, [message, chatbot, past], outputs, **chat)
        for text, button in example_buttons:
            button.click(_constant(text), None, message, queue=False,
                         api_visibility="private").then(
                on_message, [message, chatbot, past], outputs, **chat)
        chatbot.change(None, js=SCROLL_TO_LATEST_JS, api_visibility="private")
        # The chat's own "clear" button starts a new conversation: forget it all.
        chatbot.clear(_constant(([], None, "", sources_html(None, {}), "", "")), None,
                      [past, last, banner, sources, article, flag_status],
                      api_visibility="private")
        flag.click(on_flag, [last, reason], [flag_status, reason], api_visibility="private",
                   show_progress="hidden")
        sources.click(on_source, [last], article, api_visibility="private")
        gr.api(_typed(ask), api_name="ask", concurrency_id=ANSWER_CONCURRENCY)
        gr.api(_typed(ask_json), api_name="ask_json", concurrency_id=ANSWER_CONCURRENCY)
    return demo


def _typed(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve string annotations (PEP 563) so the API docs show the real return type."""
    fn.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
    return fn


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def serve(demo: gr.Blocks, host: str, port: int) -> str:
    """Start the server without blocking; returns its local URL. Never a public share link
    (explicitly, so GRADIO_SHARE cannot turn one on), no telemetry, no run history kept in the
    browser, no monitoring page."""
    demo.launch(
        server_name=host, server_port=port, share=False, prevent_thread_lock=True,
        quiet=True, show_error=False, footer_links=["api"], run_history=False,
        enable_monitoring=False, mcp_server=False, ssr_mode=False, css=CSS,
    )
    return demo.local_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.app", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", help="interface to serve on (HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (PORT; default 7860)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(host=args.host, port=args.port)

    def load() -> Bot:
        import bot

        return bot.load(settings=settings)

    loader = BotLoader(load)
    demo = build_app(loader, settings)
    try:
        url = serve(demo, settings.host, settings.port)
    except OSError as exc:
        print(f"error: cannot serve on {settings.host}:{settings.port} ({exc}) — is the chat "
              "already running? Choose another port with --port or PORT.", file=sys.stderr)
        return 1
    loader.start()  # after the page is up: the first question waits for it
    print(f"chat running at {url} (Ctrl+C to stop)", file=sys.stderr)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
