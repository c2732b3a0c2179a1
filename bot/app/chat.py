"""The patient's chat page (Gradio), and the chat area the staff page reuses.

One column that grows with its content: title and comfort settings, the escalation banner,
the conversation (answer first, sources named by title and section), the whole-article view,
the question box, examples. No flag control: that is on the staff page (bot.app.staff). The
only handlers callable from outside the page are the documented API, `/ask` (message,
history) → the reply's Markdown and `/ask_json` → the whole Reply; bot.app.edge closes the
REST routes to the rest.

Nothing about a conversation is logged or stored: the session's messages live in `gr.State`
(memory) only, "Start a new conversation" forgets them, Gradio's run history is off.
Not here: HTML (bot.app.render), limits and the fail-closed reply (bot.app.loader), headers and
routes (bot.app.edge).
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from bot.app import render
from bot.app.assets import AFTER_REPLY_JS, ARTICLE_JS, CITE_JS
from bot.app.edge import MAX_TYPED_CHARS
from bot.app.loader import (
    HISTORY_KEPT,
    BotLoader,
    answer,
    edge_input,
    loading_reply,
    unavailable_reply,
)
from bot.app.render import Shown, esc
from bot.types import Reply
from ingest.settings import Settings

TITLE = "MS pain questions: answers quoted from the articles"
EXAMPLES = (
    "Can MS cause sciatica?",
    "Why do people with MS get back pain?",
    "What does MS nerve pain feel like?",
    "How is spasticity treated?",
    "What is Lhermitte's sign?",
)
INTRO = ("Ask about MS and back pain, sciatica, spasticity or nerve pain. Every answer is quoted "
         "word for word from five articles. This is not medical advice.")
PRIVACY = ("Nothing you type is stored: closing this page or starting a new conversation "
           "forgets it.")
SHOWN_CHARS = 2_000  # of a long message, shown back on the page (the bot reads it all)
TURNS_SHOWN = 50  # exchanges kept on the page per session
ANSWER_GROUP = "answer"  # the page and the API share one queue (Settings.answer_concurrency)


def header_html(title: str, intro: str) -> str:
    """Title, intro, comfort settings and the live region that announces each new reply."""
    steps = "".join(
        f'<button type="button" data-size-step="{i}" aria-pressed="{str(i == 0).lower()}">'
        f'{label}</button>' for i, label in enumerate(("Normal", "Larger", "Largest")))
    return (f'<div class="ms-page"><h1>{esc(title)}</h1><p class="intro">{esc(intro)}</p>'
            f'<div class="comfort" role="group" aria-label="Comfort settings">'
            f'<span class="label" id="size-label">Text size:</span>{steps}'
            f'<button type="button" data-contrast-toggle aria-pressed="false">High contrast'
            f"</button></div>"
            f'<div id="ms-live" class="sr-only" aria-live="polite" aria-atomic="true"></div>'
            f"</div>")


def shown_question(message: str) -> str:
    """What the page shows of a message: all of it, or its start and how much was left out.

    >>> shown_question("a" * 2_003)[-40:]
    'aa… (3 more characters not shown)'
    """
    if len(message) <= SHOWN_CHARS:
        return message
    return f"{message[:SHOWN_CHARS]}… ({len(message) - SHOWN_CHARS:,} more characters not shown)"


def page_html(html: str) -> str:
    return f'<div class="ms-page">{html}</div>'


def conversation_page(turns: Sequence[Shown]) -> str:
    return page_html('<h2 id="conversation-h">Conversation</h2>'
                     + render.conversation_html(turns))


@dataclass(frozen=True)
class Update:
    """What one step of a chat turn changes on the page."""

    turns: list[Shown]
    past: list[str]
    latest: Reply


def chat_steps(loader: BotLoader, settings: Settings, message: object,
               turns: Sequence[Shown], past: Sequence[str]) -> Iterator[Update]:
    """The page's states for one message: a loading reply first if the bot is not ready, then
    the reply. Never raises: any failure becomes the fail-closed reply with the disclaimer."""
    text, earlier = edge_input(message, past, settings.max_message_chars)
    turns = list(turns or [])
    asked = shown_question(text)
    try:
        if not loader.ready:
            loading = loading_reply(text)
            yield Update([*turns, Shown(asked, loading)][-TURNS_SHOWN:], earlier, loading)
        reply = answer(loader, text, earlier, settings)
    except Exception as exc:
        traceback.print_exc()
        reply = unavailable_reply(type(exc).__name__)
    kept = [*earlier, text[: settings.max_message_chars]][-HISTORY_KEPT:]
    yield Update([*turns, Shown(asked, reply)][-TURNS_SHOWN:], kept, reply)


@dataclass
class ChatArea:
    """The chat's components, for a page to wire more controls to."""

    turns: gr.State
    past: gr.State
    banner: gr.HTML
    conversation: gr.HTML
    article: gr.HTML
    message: gr.Textbox
    send: gr.Button


def chat_area(loader: BotLoader, settings: Settings) -> ChatArea:
    """Build the chat inside the current gr.Blocks and wire it up."""
    turns = gr.State([])  # list[Shown]: what the page shows (memory only)
    past = gr.State([])  # the patient's earlier messages as typed (memory only)
    banner = gr.HTML("", elem_id="escalation")
    conversation = gr.HTML(conversation_page([]), elem_id="conversation", js_on_load=CITE_JS)
    article = gr.HTML("", elem_id="article", js_on_load=ARTICLE_JS)
    message = gr.Textbox(label="Your question", elem_id="message", lines=1, max_lines=8,
                         max_length=MAX_TYPED_CHARS, autofocus=False,
                         placeholder="For example: Can MS cause sciatica?")
    with gr.Row(elem_id="ask-buttons"):
        send = gr.Button("Send", variant="primary", elem_id="send", elem_classes="ms-button")
        new = gr.Button("Start a new conversation", variant="secondary", elem_id="new",
                        elem_classes="ms-button")
    with gr.Row(visible=False, elem_id="confirm-new") as confirm:
        gr.HTML(page_html("<p>Clear this conversation from the page?</p>"))
        yes = gr.Button("Yes, clear it", variant="stop", elem_id="confirm-yes",
                        elem_classes="ms-button")
        keep = gr.Button("No, keep it", variant="secondary", elem_id="confirm-no",
                         elem_classes="ms-button")
    gr.HTML(page_html('<h2 id="examples-h">Example questions</h2>'), elem_id="examples-head")
    with gr.Row(elem_id="examples"):
        example_buttons = [(text, gr.Button(text, variant="secondary", scale=0, min_width=0,
                                            elem_classes="ms-button")) for text in EXAMPLES]

    def on_message(text: str, shown: list[Shown] | None, earlier: list[str] | None):
        if not text:  # an empty box: nothing was asked (white space gets the bot's prompt)
            yield (gr.skip(),) * 6
            return
        for update in chat_steps(loader, settings, text, shown or [], earlier or []):
            yield ("", conversation_page(update.turns),
                   render.escalation_banner(update.latest), "", update.turns, update.past)

    def on_source(shown: list[Shown] | None, evt: gr.EventData):
        try:
            n, turn = int(evt.cite), int(evt.turn)
            reply = (shown or [])[turn - 1].reply
            quote = reply.quotes[n - 1]
        except (AttributeError, TypeError, ValueError, IndexError):
            return gr.skip()
        doc = loader.docs.get(quote.doc_id)
        if doc is None or turn < 1 or n < 1:
            return gr.skip()
        return page_html(render.article_html(quote, doc))

    outputs = [message, conversation, banner, article, turns, past]
    chat = {"concurrency_id": ANSWER_GROUP, "concurrency_limit": settings.answer_concurrency,
            "api_visibility": "private", "show_progress": "minimal"}
    message.submit(on_message, [message, turns, past], outputs, **chat)
    send.click(on_message, [message, turns, past], outputs, **chat)
    for text, button in example_buttons:
        button.click(_constant(text), None, message, api_visibility="private").then(
            on_message, [message, turns, past], outputs, **chat)
    conversation.change(None, js=AFTER_REPLY_JS, api_visibility="private")
    conversation.click(on_source, [turns], article, api_visibility="private")
    private = {"api_visibility": "private"}  # queued too: /run/predict is closed
    new.click(_constant(gr.Row(visible=True)), None, confirm, **private)
    keep.click(_constant(gr.Row(visible=False)), None, confirm, **private)
    yes.click(_constant(([], [], "", conversation_page([]), "",
                         gr.Row(visible=False))),
              None, [turns, past, banner, conversation, article, confirm], **private)
    return ChatArea(turns, past, banner, conversation, article, message, send)


def build_chat(loader: BotLoader, settings: Settings) -> gr.Blocks:
    """The patient's page."""

    def ask(message: str, history: list[str]) -> str:
        """Answer one message. `history`: the patient's earlier messages, oldest first.
        Returns the reply as Markdown (escalation first, quotes with citations, disclaimer)."""
        return answer(loader, message, history, settings).text

    def ask_json(message: str, history: list[str]) -> dict:
        """Like /ask, but returns the whole reply: text and its parts, quotes (with offsets),
        escalation, refused, disclaimer, timings_ms."""
        return answer(loader, message, history, settings).to_dict()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(TITLE, INTRO), elem_id="header")
        chat_area(loader, settings)
        gr.HTML(page_html(f'<p class="privacy">{esc(PRIVACY)}</p>'), elem_id="privacy")
        api = {"concurrency_id": ANSWER_GROUP, "concurrency_limit": settings.answer_concurrency}
        gr.api(_typed(ask), api_name="ask", **api)
        gr.api(_typed(ask_json), api_name="ask_json", **api)
    return demo


API_NAMES = ("ask", "ask_json")


def _typed(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve string annotations (PEP 563) so the API docs show the real return type."""
    fn.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
    return fn


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value
