"""Pure HTML for both pages, built from `Reply` fields (never by parsing `reply.text`).

Every piece of text from a user, an article or the flags file goes through `html.escape`
(or `fixed_html` for the bot's own fixed texts, which escapes first and then turns `**bold**`
and "- " lists into tags), so no markup from a message, an article or a flag reaches a page.
All functions return strings and are tested without a server.

Patients see the answer first: the first quote stands out, the others fold under "More from
the articles", each source named once by its article title and section; document ids and
character offsets are for the staff page (`flag_html`).
Not here: the Gradio layers (bot.app.chat, bot.app.staff), CSS and scripts (bot.app.assets).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.feedback import Flag, QuoteRef
from bot.types import Quote, Reply
from ingest.structure import blocks
from ingest.types import Document

MORE_LABEL = "More from the articles"
EMPTY_CONVERSATION = "Your question and its answer will appear here."
ARTICLE_HINT = "The quoted words are highlighted."

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scrub(text: object) -> str:
    """Text that can always be encoded and sent: lone surrogates become U+FFFD.

    >>> scrub("pain \\ud800 here")
    'pain \ufffd here'
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _SURROGATE.sub("\ufffd", text)


def esc(text: str) -> str:
    """`html.escape` of scrubbed text (quotes too: safe inside attributes)."""
    return html.escape(scrub(text), quote=True)


def fixed_html(text: str) -> str:
    """The bot's own fixed Markdown-lite texts (escalations, refusal, safety net) as HTML:
    paragraphs, "- " lists and **bold**; everything else escaped.

    >>> fixed_html("**Go now.** Call 911.\\n\\n- a <b>\\n- b")
    '<p><strong>Go now.</strong> Call 911.</p><ul><li>a &lt;b&gt;</li><li>b</li></ul>'
    """
    out = []
    for block in re.split(r"\n\s*\n", scrub(text).strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        items = [line[2:] for line in lines if line.startswith("- ")]
        if items and len(items) == len(lines):
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        elif items:  # a lead-in line, then its list
            head = [line for line in lines if not line.startswith("- ")]
            out.append(f"<p>{_inline(' '.join(head))}</p><ul>"
                       + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
        else:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(out)


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=True))


def highlight(text: str, start: int, end: int, mark_attrs: str = "") -> str:
    """`text` as HTML with `text[start:end]` inside <mark>; the three parts escaped apart.

    >>> highlight("a <b> c", 2, 5)
    'a <mark>&lt;b&gt;</mark> c'
    """
    before, inside, after = text[:start], text[start:end], text[end:]
    return f"{esc(before)}<mark{mark_attrs}>{esc(inside)}</mark>{esc(after)}"


def paragraph_span(body: str, start: int, end: int, paragraph: int | None = None,
                   ) -> tuple[int, int]:
    """The body offsets of the paragraph holding `body[start:end]` (a list keeps its lead-in),
    always containing the span. Falls back to the lines around it."""
    if paragraph is not None:
        parts = [(b.start, b.end) for b in blocks(body)
                 if b.paragraph == paragraph and b.kind in ("paragraph", "item")]
        if parts and min(s for s, _ in parts) <= start and end <= max(e for _, e in parts):
            return min(s for s, _ in parts), max(e for _, e in parts)
    else:
        for b in blocks(body):
            if b.start <= start and end <= b.end:
                return paragraph_span(body, start, end, b.paragraph)
    p_start = body.rfind("\n", 0, start) + 1
    p_end = body.find("\n", end)
    return p_start, len(body) if p_end < 0 else p_end


# -- the patient's page --------------------------------------------------------------------------

def source_label(quote: Quote) -> str:
    """Article title and section, as a patient sees them: no ids, no offsets."""
    section = f", section “{esc(quote.section)}”" if quote.section else ""
    return f"From <cite>{esc(quote.title)}</cite>{section}"


def _quote_block(turn: int, n: int, quote: Quote, show_source: bool, lead: bool) -> str:
    cls = "answer-quote" if lead else "more-quote"
    source = f'<p class="source">{source_label(quote)}</p>' if show_source else ""
    button = (f'<button type="button" class="source-open" data-cite="{n}" data-turn="{turn}">'
              f"Show this in the whole article</button>")
    return (f'<figure class="quote-block"><blockquote class="{cls}">'
            f"{fixed_quote(quote.text)}</blockquote><figcaption>{source}{button}</figcaption>"
            f"</figure>")


def fixed_quote(text: str) -> str:
    """A verbatim quote: escaped, its line breaks kept as <br>."""
    return "<br>".join(esc(line.strip()) for line in text.split("\n") if line.strip())


def reply_html(reply: Reply, turn: int) -> str:
    """One reply, answer first: escalation, notes, the first quote (or the fixed message),
    "More from the articles" folded, the safety net, the disclaimer, and Read aloud."""
    rid = f"reply-{turn}"
    parts = [f'<h3 class="reply-head" id="{rid}-h" tabindex="-1">Answer {turn}</h3>']
    if reply.escalation_texts:
        parts.append(f'<div class="reply-escalation escalation-{esc(reply.escalation or "")}">'
                     + "".join(fixed_html(t) for t in reply.escalation_texts) + "</div>")
    parts.extend(f'<div class="note">{fixed_html(note)}</div>' for note in reply.notes)
    if reply.quotes:
        if reply.lead_in:
            parts.append(f'<p class="lead-in">{esc(reply.lead_in)}</p>')
        first, *more = reply.quotes
        parts.append(_quote_block(turn, 1, first, True, lead=True))
        if more:
            blocks_ = []
            previous = (first.doc_id, first.section)
            for n, quote in enumerate(more, start=2):
                source = (quote.doc_id, quote.section)
                blocks_.append(_quote_block(turn, n, quote, source != previous, lead=False))
                previous = source
            parts.append(f'<details class="more"><summary>{MORE_LABEL} ({len(more)})</summary>'
                         + "".join(blocks_) + "</details>")
    elif reply.message:
        parts.append(f'<div class="message">{fixed_html(reply.message)}</div>')
    if reply.safety_net:
        parts.append(f'<div class="safety-net">{fixed_html(reply.safety_net)}</div>')
    parts.append(f'<p class="disclaimer">{esc(reply.disclaimer)}</p>')
    parts.append(f'<button type="button" class="read-aloud" data-read="{rid}">'
                 "Read aloud</button>")
    return (f'<article class="reply" id="{rid}" aria-labelledby="{rid}-h">'
            + "".join(parts) + "</article>")


@dataclass(frozen=True)
class Shown:
    """One exchange on the page: what was asked (as typed, scrubbed) and the reply."""

    question: str
    reply: Reply


def conversation_html(turns: Sequence[Shown]) -> str:
    """The whole conversation, oldest first; it grows with its content (no scroll box)."""
    if not turns:
        return f'<p class="conversation-empty">{esc(EMPTY_CONVERSATION)}</p>'
    items = []
    for n, turn in enumerate(turns, start=1):
        items.append(f'<li class="turn"><div class="asked"><p class="who">You asked</p>'
                     f'<p class="asked-text">{esc(turn.question)}</p></div>'
                     f"{reply_html(turn.reply, n)}</li>")
    return '<ol class="turns">' + "".join(items) + "</ol>"


def escalation_banner(reply: Reply | None) -> str:
    """The red alert above the conversation for the latest reply's escalation, or ""."""
    if reply is None or not reply.escalation or not reply.escalation_texts:
        return ""
    return (f'<div class="escalation-banner escalation-{esc(reply.escalation)}" role="alert">'
            f'<span class="escalation-icon" aria-hidden="true">⚠</span>'
            f"<div>{''.join(fixed_html(t) for t in reply.escalation_texts)}</div></div>")


def article_html(quote: Quote, doc: Document) -> str:
    """The whole article, escaped, the quote in <mark id="article-quote">; the heading takes
    focus when it opens (tabindex=-1) so keyboard and screen-reader users land on it."""
    if doc.body[quote.start : quote.end] != quote.text:
        raise ValueError(f"quote does not match article {doc.doc_id!r} at its offsets")
    body = highlight(doc.body, quote.start, quote.end, ' id="article-quote" class="quote"')
    return (f'<section class="article-view" aria-labelledby="article-h">'
            f'<h2 id="article-h" tabindex="-1">Article: {esc(doc.title)}</h2>'
            f'<p class="article-hint">{esc(ARTICLE_HINT)}</p>'
            f'<div class="article-body">{body}</div>'
            f'<button type="button" class="article-close">Close the article</button></section>')


# -- the staff page ------------------------------------------------------------------------------

def quote_ref_html(ref: QuoteRef, docs: Mapping[str, Document]) -> str:
    """One flagged quote for staff: id and offsets, and its paragraph with the quote marked."""
    doc = docs.get(ref.doc_id)
    where = f"<code>{esc(ref.doc_id)}</code> characters {ref.start}–{ref.end}"
    if doc is None or not 0 <= ref.start < ref.end <= len(doc.body):
        return (f'<li class="flag-quote"><p>{where}: <strong>these offsets no longer fit the '
                f"article</strong> (the corpus changed since).</p></li>")
    p_start, p_end = paragraph_span(doc.body, ref.start, ref.end)
    para = highlight(doc.body[p_start:p_end], ref.start - p_start, ref.end - p_start,
                     ' class="quote"')
    return (f'<li class="flag-quote"><p>{where}, <cite>{esc(doc.title)}</cite></p>'
            f'<p class="flag-para">{para}</p></li>')


def flag_html(key: str, lineno: int, flag: Flag, docs: Mapping[str, Document],
              reviewed_at: str | None) -> str:
    """One flagged answer: time, state, question, earlier messages, reason, escalation, the
    reply as shown and its quotes in their paragraphs."""
    state = (f'<span class="state done">reviewed {esc(reviewed_at)}</span>' if reviewed_at
             else '<span class="state open">not reviewed</span>')
    history = ("<ol>" + "".join(f"<li>{esc(h)}</li>" for h in flag.history) + "</ol>"
               if flag.history else "<p>(none)</p>")
    quotes = ("<ul class=\"flag-quotes\">"
              + "".join(quote_ref_html(q, docs) for q in flag.quotes) + "</ul>"
              if flag.quotes else "<p>(no quotes)</p>")
    return (f'<article class="flag" id="flag-{lineno}" aria-labelledby="flag-{lineno}-h">'
            f'<h3 id="flag-{lineno}-h">Line {lineno}, flagged {esc(flag.ts)} {state}</h3>'
            f'<p class="flag-key">Name for "Mark reviewed": <code>{esc(key)}</code></p>'
            f"<dl><dt>Question</dt><dd>{esc(flag.question)}</dd>"
            f"<dt>Earlier messages</dt><dd>{history}</dd>"
            f"<dt>Reason</dt><dd>{esc(flag.reason) or '(none given)'}</dd>"
            f"<dt>Escalation</dt><dd>{esc(flag.escalation or 'none')}</dd></dl>"
            f"<h4>Quotes</h4>{quotes}"
            f'<details><summary>Reply as shown</summary><pre class="flag-reply">'
            f"{esc(flag.reply)}</pre></details></article>")


def flags_html(entries: Sequence[tuple[str, int, Flag]], problems: Sequence[str],
               docs: Mapping[str, Document], done: Mapping[str, str]) -> str:
    """The list of flagged answers, newest first, with any unreadable lines named on top."""
    parts = []
    if problems:
        parts.append('<div class="flag-problems" role="status"><p><strong>Some lines of the '
                     "flags file could not be read</strong> (they are skipped; fix or remove "
                     "them):</p><ul>" + "".join(f"<li>{esc(p)}</li>" for p in problems)
                     + "</ul></div>")
    if not entries:
        parts.append('<p class="flags-empty">No flagged answers yet.</p>')
    open_count = sum(1 for key, _, _ in entries if key not in done)
    if entries:
        parts.append(f'<p class="flags-count">{len(entries)} flagged, {open_count} not '
                     "reviewed.</p>")
    parts.extend(flag_html(key, lineno, flag, docs, done.get(key))
                 for key, lineno, flag in reversed(entries))
    return '<div class="flags">' + "".join(parts) + "</div>"
