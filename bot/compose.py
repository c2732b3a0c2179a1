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

MAX_QUOTES = 3  # the answer, then at most two under "More from the articles"
MARGIN = 0.10  # a further quote must score within this of the answer (chosen on dev)
REDUNDANT = 0.85  # cosine above which two sentences say the same thing
NEW_DOC_BONUS = 0.0  # (was 0.03: quoting a second article is no reason to show it)
MAX_RUN_CHARS = 600  # a list item is quoted with its lead-in when the run stays this short
MIN_WORDS = 5
MORE_HEADING = "**More from the articles**"


def quotable(sentences: Sequence[Sentence], i: int) -> bool:
    """A sentence worth quoting on its own: not a question, not a dangling lead-in, not a
    fragment, and it starts a sentence (a capital letter or a digit), unless it is a list
    item quoted after its lead-in."""
    s = sentences[i]
    if s.text.rstrip("’”\"')").endswith("?"):
        return False  # a question answers nothing ("Does it feel the same?")
    if s.kind == "item":
        if lead_in(sentences, i) is not None:
            return True
        return len(s.text.split()) >= MIN_WORDS and not s.text[:1].islower()
    if s.text.endswith(":"):
        return False  # "…include:" with its list lost from the page
    if not (s.text[:1].isupper() or s.text[:1].isdigit() or s.text[:1] in "“\"‘'("):
        return False  # a fragment: the splitter or the source cut a sentence
    return len(s.text.split()) >= MIN_WORDS


def select(
    candidates: Mapping[int, float],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    max_quotes: int = MAX_QUOTES,
    margin: float | None = None,
    first: Mapping[int, float] | None = None,
) -> list[int]:
    """Sentence ids to quote, the answer first: the best-scoring quotable sentence (by
    `first` when given: the selection stage's score), then up to `max_quotes - 1` more that
    score within `margin` of the best relevance and add something — another paragraph, and
    not a near-repeat (cosine above REDUNDANT) of one already chosen.

    `candidates` maps sentence id -> relevance.
    """
    margin = MARGIN if margin is None else margin
    ranked = sorted((i for i in candidates if quotable(sentences, i)),
                    key=lambda i: (-candidates[i], i))
    if not ranked:
        return []
    best = candidates[ranked[0]]
    chosen: list[int] = []
    paragraphs: set[tuple[str, int]] = set()
    docs: set[str] = set()
    pool = [i for i in ranked if candidates[i] >= best - margin]
    if first is not None:  # the answer is the selection stage's pick, then the pool follows
        head = max(ranked, key=lambda i: (first.get(i, candidates[i]), -i))
        chosen.append(head)
        paragraphs.add((sentences[head].doc_id, sentences[head].paragraph))
        docs.add(sentences[head].doc_id)
        pool = [i for i in pool if i != head]
    while pool and len(chosen) < max_quotes:
        def gain(i: int) -> float:
            return candidates[i] + (NEW_DOC_BONUS if sentences[i].doc_id not in docs else 0.0)

        pick = max(pool, key=lambda i: (gain(i), -i))
        pool.remove(pick)
        place = (sentences[pick].doc_id, sentences[pick].paragraph)
        if chosen and (place in paragraphs
                       or any(float(vectors[pick] @ vectors[j]) > REDUNDANT for j in chosen)):
            continue
        chosen.append(pick)
        paragraphs.add(place)
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


def source_name(quote: Quote) -> str:
    """Article and section as a patient reads them (no ids or offsets: those are for staff)."""
    section = f", “{md_escape(quote.section)}”" if quote.section else ""
    return f"*{md_escape(quote.title)}*{section}"


def sources(quotes: Sequence[Quote]) -> list[str]:
    """One line per source (article and section), naming the quotes taken from it.

    >>> q = Quote("d", "Back pain", "Causes", 0, 4, "Pain")
    >>> sources([q, Quote("e", "Sciatica", "", 0, 4, "Pain"), q])
    ['[1] [3] *Back pain*, “Causes”', '[2] *Sciatica*']
    """
    order: dict[str, list[int]] = {}
    for n, quote in enumerate(quotes, start=1):
        order.setdefault(source_name(quote), []).append(n)
    return [" ".join(f"[{n}]" for n in numbers) + f" {name}" for name, numbers in order.items()]


def render(
    *,
    escalations: Sequence[str],
    quotes: Sequence[Quote],
    body: str | None,
    notes: Sequence[str],
    disclaimer: str,
    lead_in: str = LEAD_IN,
    safety_net: str = "",
) -> str:
    """The reply as Markdown, from the same parts as `Reply`: escalation first, then notes,
    then the answer alone under a one-line lead-in, at most two more quotes under "More from
    the articles", the sources once each (or a fixed `body` such as the refusal), the safety
    net, and the disclaimer — always last."""
    parts = [*escalations, *notes]
    if quotes:
        parts.append(lead_in)
        for n, quote in enumerate(quotes, start=1):
            if n == 2:
                parts.append(MORE_HEADING)
            parts.append(f"{blockquote(quote.text)}\n\n[{n}]")
        parts.append("**Sources**\n\n" + "\n".join(f"- {line}" for line in sources(quotes)))
    elif body:
        parts.append(body)
    if safety_net:
        parts.append(safety_net)
    parts.append(f"---\n\n*{disclaimer}*")
    return "\n\n".join(parts)
