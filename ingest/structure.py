"""Structure: turn a cleaned body into blocks — headings, FAQ questions, paragraphs, list items.

The source articles are flattened web pages: headings survive only as short lines without
closing punctuation, FAQ questions as short lines ending in "?". Both become the `section` of
the text that follows and are never answer text. List items keep the paragraph number of the
lead-in sentence that introduces them, so a chunk and a quote can keep them together.
"""

from __future__ import annotations

import re

from ingest.clean import kept_segments
from ingest.types import Block

BULLET = re.compile(r"^(?:[•\-*·●▪]|\d{1,2}[.)])\s+")
CLOSING = tuple(".!?;,”\"')]")
MAX_HEADING_WORDS = 14
MAX_QUESTION_WORDS = 20
MIN_LEAD_IN_WORDS = 4  # "Key Takeaway:" stays a heading; "There Are Two Main Types Of …:" leads in


def _title_case(text: str) -> bool:
    """Most words capitalised, as in "You Might Like To Think About Whether The Feeling:"."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z’']*", text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.7


def classify(line: str) -> str:
    """Kind of a kept, stripped line.

    >>> [classify(s) for s in ["Treating Lhermitte’s sign", "Does MS cause buttock pain?",
    ...  "• physical therapy", "MS damages the nerves.", "Key Takeaway:"]]
    ['heading', 'question', 'item', 'paragraph', 'heading']
    """
    if BULLET.match(line):
        return "item"
    words = len(line.split())
    if line.endswith("?") and words <= MAX_QUESTION_WORDS:
        return "question"
    if line.endswith(":") and words <= MAX_HEADING_WORDS and _title_case(line):
        return "heading"
    if not line.endswith(CLOSING) and not line.endswith(":") and words <= MAX_HEADING_WORDS:
        return "heading"
    return "paragraph"


def is_list_lead_in(line: str, next_line: str | None) -> bool:
    """A title-cased line ending in ":" that a list follows is the sentence introducing that
    list, not a heading: taken for a heading, it left its items to be quoted as lowercase
    fragments ("started at the same time as other new symptoms…").

    >>> is_list_lead_in("You Might Like To Think About Whether The Feeling:", "- started suddenly")
    True
    >>> is_list_lead_in("Key Takeaway:", "- MS can cause back pain."), is_list_lead_in(
    ...     "Some Of The More Common Descriptions Include:", "You may have a different one.")
    (False, False)
    """
    return (line.endswith(":") and len(line.split()) >= MIN_LEAD_IN_WORDS
            and next_line is not None and BULLET.match(next_line) is not None)


def blocks(body: str) -> list[Block]:
    """Blocks of `body` in order; offsets index `body`, bullets are left outside item text."""
    out: list[Block] = []
    section = ""
    paragraph = 0
    lead_in_open = False  # the last paragraph can still take list items
    segments = list(kept_segments(body))
    for n, (start, end) in enumerate(segments):
        line = body[start:end]
        kind = classify(line)
        following = body[slice(*segments[n + 1])] if n + 1 < len(segments) else None
        if kind == "heading" and is_list_lead_in(line, following):
            kind = "paragraph"
        if kind in ("heading", "question"):
            section = line.rstrip(":").strip()
            lead_in_open = False
            out.append(Block(kind, start, end, line, section, paragraph))
            continue
        if kind == "item":
            bullet = BULLET.match(line)
            assert bullet is not None
            start += bullet.end()
            if not lead_in_open:
                paragraph += 1
                lead_in_open = True
        else:
            paragraph += 1
            lead_in_open = line.endswith(":")
        out.append(Block(kind, start, end, body[start:end], section, paragraph))
    return out
