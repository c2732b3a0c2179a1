"""Sentence splitting with exact offsets.

A rule-based splitter tuned to this corpus: a sentence ends at ".", "!" or "?" (plus closing
quotes or brackets) followed by white space and a capital, a digit, a quote or a bracket —
unless the word before the stop is a known abbreviation ("e.g.", "vs."), a title ("Dr.",
matched with its case, so that "MS." still ends a sentence) or a middle initial ("Mitzi J.").
Citation markers such as " [1] [2]" after a stop stay outside both neighbours.
"""

from __future__ import annotations

import re

# Lower-case abbreviations, matched ignoring case ("e.g.", "vs.").
ABBREVIATIONS = frozenset("e.g i.e vs etc approx fig al ca u.s no".split())
# Titles, matched exactly: "Dr." is a title, but "MS." ends a sentence about the disease.
TITLES = frozenset("Dr Mr Mrs Ms St Prof Jr Sr".split())
def _not_after(words: frozenset[str], ignore_case: bool) -> str:
    flag = "(?i:{})" if ignore_case else "{}"
    return "".join("(?<!\\b" + flag.format(re.escape(w + ".")) + ")" for w in sorted(words))


# The same boundaries as a single regex, for splitters that take a separator pattern
# (ingest.chunk hands it to langchain): white space after a stop that ends a sentence.
BOUNDARY = (
    r"(?<=[.!?])" + _not_after(ABBREVIATIONS, True) + _not_after(TITLES, False)
    + r"(?<!\b[A-Z]\.)\s+(?=[A-Z0-9“\"'(‘])"
)
_END = re.compile(r"[.!?][’”\"')\]]*(?=\s+(?:\[\d+\]\s*)*[A-Z0-9“\"'(‘])")
_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")


def _abbreviation(word: str) -> bool:
    """A stop after `word` does not end a sentence ("e.g.", "Dr.", the "J." of "Mitzi J.")."""
    return (word.lower() in ABBREVIATIONS or word in TITLES
            or (len(word) == 1 and word.isupper()))


def split(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, shifted by `offset`.

    >>> t = "MS is common. Dr. Smith agrees, e.g. in 2015. [1] [2] Pain varies."
    >>> [t[s:e] for s, e in split(t)]
    ['MS is common.', 'Dr. Smith agrees, e.g. in 2015.', 'Pain varies.']
    """
    spans = []
    start = 0
    for match in _END.finditer(text):
        word = re.search(r"([\w.]+)[.!?]$", text[start : match.start() + 1])
        if word and match.group().startswith(".") and _abbreviation(word.group(1)):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        tail = _MARKERS.search(piece)
        if tail:
            e = s + tail.start()
            piece = text[s:e]
        left = len(piece) - len(piece.lstrip())
        s += left
        e = s + len(text[s:e].rstrip())
        # drop leading citation markers left over from the previous sentence
        lead = re.match(r"(?:\[\d+\]\s*)+", text[s:e])
        if lead:
            s += lead.end()
        if e > s and re.search(r"\w", text[s:e]):
            out.append((s + offset, e + offset))
    return out
