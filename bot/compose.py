"""Answer composition without a language model: choose the article sentences that best answer
the question, quote them verbatim, cite them, and lay out the reply.

Nothing here writes a medical claim. The only prose of our own is fixed: a lead-in, the
refusal, notes about the input, and the citations. Every quote is re-checked against the
article body (`body[start:end] == text`) before it is shown; one that fails is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from bot.types import Quote
from ingest.chunk import lead_in
from ingest.types import Document, Sentence

LEAD_IN = "Here is what the articles say:"
REFUSAL_TEXT = (
    "I'm sorry — the articles I can quote from don't cover that, so I can't answer it "
    "without guessing. I can answer questions such as:\n\n"
    "- Can MS cause sciatica?\n"
    "- Why do people with MS get back pain?\n"
    "- What does MS nerve pain feel like?\n"
    "- How is spasticity treated?\n"
    "- What is Lhermitte's sign?"
)
# After an escalation, a list of example questions would only distract.
ESCALATED_REFUSAL_TEXT = "The articles I quote from do not cover this message further."
EMPTY_TEXT = (
    "Please type a question about MS and back pain, sciatica, spasticity or nerve pain — "
    "for example, \"Can MS cause sciatica?\""
)
UNVERIFIED_TEXT = (
    "I found passages on this but could not verify them word for word against the articles, "
    "so I am not showing them."
)
TRUNCATED_NOTE = (
    "Your message was very long, so I searched only its first {limit:,} characters "
    "(all of it was checked for warning signs)."
)

MAX_QUOTES = 4
MIN_QUOTES = 2
MARGIN = 0.12  # a quote must score within this of the best one
REDUNDANT = 0.92  # cosine above which two sentences say the same thing
NEW_DOC_BONUS = 0.03  # when articles agree, prefer quoting more than one
MAX_RUN_CHARS = 600  # a list item is quoted with its lead-in when the run stays this short
MIN_WORDS = 5


def quotable(sentences: Sequence[Sentence], i: int) -> bool:
    """A sentence worth quoting on its own: not a question, not a dangling lead-in, not a
    fragment."""
    s = sentences[i]
    if s.text.rstrip("’”\"')").endswith("?"):
        return False  # a question answers nothing ("Does it feel the same?")
    if s.kind == "item":
        return lead_in(sentences, i) is not None or len(s.text.split()) >= MIN_WORDS
    if s.text.endswith(":"):
        return False  # "…include:" with its list lost from the page
    return len(s.text.split()) >= MIN_WORDS


def select(
    candidates: Mapping[int, float],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    max_quotes: int = MAX_QUOTES,
) -> list[int]:
    """Pick up to `max_quotes` sentence ids: the best, then others close to it in score that
    add something new, favouring a second article when it says much the same.

    `candidates` maps sentence id -> relevance score.
    """
    ranked = sorted((i for i in candidates if quotable(sentences, i)),
                    key=lambda i: (-candidates[i], i))
    if not ranked:
        return []
    best = candidates[ranked[0]]
    chosen: list[int] = []
    docs: set[str] = set()
    pool = [i for i in ranked if candidates[i] >= best - MARGIN]
    while pool and len(chosen) < max_quotes:
        def gain(i: int) -> float:
            return candidates[i] + (NEW_DOC_BONUS if sentences[i].doc_id not in docs else 0.0)

        pick = max(pool, key=lambda i: (gain(i), -i))
        pool.remove(pick)
        if any(float(vectors[pick] @ vectors[j]) > REDUNDANT for j in chosen):
            continue
        chosen.append(pick)
        docs.add(sentences[pick].doc_id)
    return chosen


def _adjacent(body: str, a: Sentence, b: Sentence) -> bool:
    """b directly follows a in the same paragraph (only spaces or citation markers between)."""
    gap = body[a.end : b.start]
    return (a.doc_id == b.doc_id and a.paragraph == b.paragraph and a.kind == b.kind
            and a.end <= b.start and re.fullmatch(r"(?:\s|\[\d+\])*", gap) is not None)


_ANAPHORIC = re.compile(r"^(?:This|These|That|Those|It|Its|They|Their|Such|Thus|So|Also|"
                        r"However,? this|In turn)\b")
RUN_SENTENCES = 3  # a quote is at most this many adjacent sentences
RUN_CHARS = 450
RUN_DROP = 0.25  # a neighbour joins the run if it scores within this of the chosen sentence


def run_for(
    i: int,
    sentences: Sequence[Sentence],
    docs: Mapping[str, Document],
    score: Callable[[int], float],
) -> tuple[int, int]:
    """The sentence range (first, last) quoted for chosen sentence `i`.

    A short paragraph (up to RUN_SENTENCES and RUN_CHARS) is quoted whole. Otherwise a
    sentence that leans on the one before ("This in turn …") takes it along, and relevant
    following sentences of the same paragraph join, within the same limits.
    """
    body = docs[sentences[i].doc_id].body
    # a short paragraph is quoted whole: it is one thought
    first = last = i
    while first > 0 and _adjacent(body, sentences[first - 1], sentences[first]):
        first -= 1
    while last + 1 < len(sentences) and _adjacent(body, sentences[last], sentences[last + 1]):
        last += 1
    if (last - first + 1 <= RUN_SENTENCES
            and sentences[last].end - sentences[first].start <= RUN_CHARS
            and all(quotable(sentences, j) for j in range(first, last + 1))):
        return first, last
    first = last = i
    if (_ANAPHORIC.match(sentences[i].text) and i > 0
            and _adjacent(body, sentences[i - 1], sentences[i])
            and quotable(sentences, i - 1)):
        first = i - 1
    floor = score(i) - RUN_DROP
    while (last + 1 < len(sentences) and last - first + 1 < RUN_SENTENCES
           and _adjacent(body, sentences[last], sentences[last + 1])
           and sentences[last + 1].end - sentences[first].start <= RUN_CHARS
           and score(last + 1) >= floor):
        last += 1
    return first, last


def spans(
    chosen: Sequence[int],
    sentences: Sequence[Sentence],
    docs: Mapping[str, Document],
    score: Callable[[int], float] | None = None,
) -> list[tuple[str, int, int, str, int]]:
    """Turn chosen sentence ids into quote spans (doc_id, start, end, section, paragraph).

    Each chosen sentence becomes a short run (see `run_for`); a list item is widened back to
    its lead-in ("MS can cause …, including: • …") when the run stays short; runs that touch
    or overlap merge. Order follows `chosen` (best first).
    """
    score = score or (lambda _i: 0.0)
    out: list[list] = []
    for i in chosen:
        first, last = run_for(i, sentences, docs, score)
        s = sentences[i]
        start, end = sentences[first].start, sentences[last].end
        intro = lead_in(sentences, i)
        if intro is not None and end - intro.start <= MAX_RUN_CHARS:
            start = intro.start
        body = docs[s.doc_id].body
        for span in out:
            gap = body[min(span[2], end) : max(span[1], start)]
            touching = span[0] == s.doc_id and span[4] == s.paragraph and (
                (span[1] <= end and start <= span[2])
                or re.fullmatch(r"(?:\s|\[\d+\])*", gap) is not None)
            if touching:
                span[1], span[2] = min(span[1], start), max(span[2], end)
                break
        else:
            out.append([s.doc_id, start, end, s.section, s.paragraph])
    return [tuple(span) for span in out]  # type: ignore[misc]


def make_quotes(
    chosen_spans: Sequence[tuple[str, int, int, str, int]], docs: Mapping[str, Document]
) -> list[Quote]:
    """Quotes cut from the bodies, each verified character for character; failures dropped."""
    quotes = []
    for doc_id, start, end, section, paragraph in chosen_spans:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        quote = Quote(doc_id, doc.title, section, start, end, doc.body[start:end], paragraph)
        if verify(quote, docs):
            quotes.append(quote)
    return quotes


def verify(quote: Quote, docs: Mapping[str, Document]) -> bool:
    """The quote is exactly the article text at its offsets."""
    doc = docs.get(quote.doc_id)
    return (doc is not None and 0 <= quote.start < quote.end <= len(doc.body)
            and doc.body[quote.start : quote.end] == quote.text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown and HTML so article text renders as text.

    >>> md_escape("a *b* <i>[1]</i>")
    'a \\\\*b\\\\* \\\\<i\\\\>\\\\[1\\\\]\\\\</i\\\\>'
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def blockquote(text: str) -> str:
    """A Markdown block quote; list bullets and line breaks of the original survive."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    return "\n>\n".join(f"> {md_escape(line)}" for line in lines)


def citation(n: int, quote: Quote) -> str:
    section = f", “{quote.section}”" if quote.section else ""
    return f"[{n}] *{md_escape(quote.title)}*{md_escape(section)}"


def source_line(n: int, quote: Quote) -> str:
    """One glance for a support person: article, section, paragraph, exact offsets."""
    section = f" — section “{md_escape(quote.section)}”" if quote.section else ""
    return (f"{n}. *{md_escape(quote.title)}*{section}, paragraph {quote.paragraph} "
            f"(`{quote.doc_id}` characters {quote.start}–{quote.end})")


def render(
    *,
    escalations: Sequence[str],
    quotes: Sequence[Quote],
    body: str | None,
    notes: Sequence[str],
    disclaimer: str,
    safety_net: str = "",
) -> str:
    """The reply as Markdown: escalation first, then notes, then quotes with citations (or a
    fixed `body` such as the refusal), then sources, then the disclaimer — always last."""
    parts = [*escalations, *notes]
    if quotes:
        parts.append(LEAD_IN)
        for n, quote in enumerate(quotes, start=1):
            parts.append(f"{blockquote(quote.text)}\n\n{citation(n, quote)}")
        parts.append("**Sources**\n\n" + "\n".join(source_line(n, q)
                                                    for n, q in enumerate(quotes, start=1)))
    elif body:
        parts.append(body)
    if safety_net:
        parts.append(safety_net)
    parts.append(f"---\n\n*{disclaimer}*")
    return "\n\n".join(parts)
