"""Sentence splitting with exact offsets.

A rule-based splitter tuned to this corpus: a sentence ends at ".", "!" or "?" (plus closing
quotes or brackets) followed by white space and a capital, a digit, a quote or a bracket —
unless the word before the stop is a known abbreviation ("e.g.", "Dr.", "vs."). Citation
markers such as " [1] [2]" after a stop stay outside both neighbours.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "e.g i.e dr mr mrs ms st vs etc approx no fig al ca u.s jr sr prof".split()
)
_END = re.compile(r"[.!?][’”\"')\]]*(?=\s+(?:\[\d+\]\s*)*[A-Z0-9“\"'(‘])")
_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")


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
        if word and match.group().startswith(".") and word.group(1).lower() in ABBREVIATIONS:
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
