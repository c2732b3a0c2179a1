"""Cleaning: find the spans of a body that are web boilerplate, not article content.

Cleaning never rewrites text: it returns the spans to drop (whole lines, or the tail of a line
for an inline clinic advert), each tagged with the rule that matched. Everything else is kept
exactly as it stands in the body, so offsets stay valid. Each rule is a named pattern, tested
one by one in tests/test_clean.py. Inline citation markers such as "[1] [2]" are not dropped
here: the sentence splitter leaves them outside sentences.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Whole-line rules: the stripped line matches -> the whole line is dropped.
LINE_RULES: dict[str, re.Pattern[str]] = {
    # "Recommended Reading: …", "You May Like: …", "Also Check: …", "Don’t Miss: …"
    "read_more_link": re.compile(
        r"^(?:Recommended Reading|You May Like|You Might Like|Also Check|Also Read|Read More|"
        r"Read Also|Related|Don[’']?t Miss|See Also)\s*:\s+\S",
        re.IGNORECASE,
    ),
    # "Learn more about nerve pain with MS here."
    "learn_here_link": re.compile(r"^Learn\b.{0,160}\bhere\.?$", re.IGNORECASE),
    # image captions: "a person with MS is experiencing back painShare on Pinterest"
    "share_button": re.compile(r"Share on (?:Pinterest|Facebook|Twitter|X)\s*$", re.IGNORECASE),
    # "Tetra Images/Getty Images", "… CC BY-SA 4.0/creativecommons.org/… Wikimedia Commons"
    "photo_credit": re.compile(
        r"(?:Getty Images|Shutterstock|iStock|Adobe Stock|Wikimedia Commons|\bCC BY(?:-SA)?\b)",
    ),
    # "> > > 1 Unlikely Stretch Wipes Out Sciatica"
    "link_bait": re.compile(r"^(?:>\s*){2,}"),
    # "February 16, 20265 min read"
    "read_time": re.compile(r"\b\d+\s*min(?:ute)? read$", re.IGNORECASE),
    # "Persly Medical TeamPersly Medical Team": a byline printed twice
    "repeated_byline": re.compile(r"^(.{6,60}?)\1$"),
    # "Medical illustration for …", "Based on PubMed | …": page title chrome
    "page_title": re.compile(r"^(?:Medical illustration for\b|Based on PubMed\s*\|)"),
    # "Keep reading to learn more about …"
    "keep_reading": re.compile(r"^Keep reading\b", re.IGNORECASE),
    # "[2] [5] [1] [6]" alone on a line
    "citation_line": re.compile(r"^(?:\[\d+\]\s*)+$"),
    # "1. 1.^abcdefgPain in multiple sclerosis.(pubmed.ncbi.nlm.nih.gov)"
    "reference_entry": re.compile(r"^\d+\.\s*\d+\.\^"),
    # empty trailing sections of the page: "References", "Sources", "Related Articles"
    "page_section": re.compile(
        r"^(?:References|Sources|Related Questions|Related Articles)$", re.IGNORECASE
    ),
    # "Important Notice: This information is provided for educational purposes only…"
    "site_notice": re.compile(r"^(?:Important Notice:|Last reviewed by\b)", re.IGNORECASE),
    # a flattened table row: cells run together, "…spontaneousBending, lifting…"
    "flattened_table": re.compile(r"(?:.*?[a-z)][A-Z][a-z]){2}"),
}

# Inline rules: drop from the match to the end of the line.
INLINE_RULES: dict[str, re.Pattern[str]] = {
    # "Contact Dr. Lewis at Jackson Neurosurgery Clinic today … Call us at 366-1011."
    "clinic_advert": re.compile(
        r"(?:Contact|Call) (?:us|Dr\.? [A-Z][a-z]+)\b(?=[^\n]*\b\d{3}[-.\s]\d{4}\b)[^\n]*"
    ),
}


class Span(NamedTuple):
    start: int
    end: int
    rule: str


def iter_lines(body: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its newline.

    >>> iter_lines("ab\\n\\ncd")
    [(0, 2), (3, 3), (4, 6)]
    """
    spans, pos = [], 0
    for line in body.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def line_rule(line: str) -> str | None:
    """Name of the first whole-line rule that matches `line`, or None."""
    stripped = line.strip()
    if not stripped:
        return None
    for name, pattern in LINE_RULES.items():
        if name == "flattened_table":
            # a table row has no sentence punctuation between its run-together cells
            if pattern.match(stripped) and ". " not in stripped:
                return name
        elif pattern.search(stripped):
            return name
    return None


def boilerplate_spans(body: str) -> list[Span]:
    """Every span of `body` to drop, in order. Offsets index `body` directly."""
    spans: list[Span] = []
    for start, end in iter_lines(body):
        line = body[start:end]
        rule = line_rule(line)
        if rule is not None:
            spans.append(Span(start, end, rule))
            continue
        for name, pattern in INLINE_RULES.items():
            match = pattern.search(line)
            if match:
                spans.append(Span(start + match.start(), end, name))
                break
    return spans


def kept_segments(body: str) -> list[tuple[int, int]]:
    """Non-empty (start, end) pieces of each line that survive cleaning, stripped of spaces."""
    dropped: dict[int, int] = {}
    for span in boilerplate_spans(body):
        dropped[span.start] = span.end
    segments = []
    for start, end in iter_lines(body):
        if start in dropped and dropped[start] >= end:
            continue
        cut = next((s for s in dropped if start < s < end), None)
        stop = cut if cut is not None else end
        text = body[start:stop]
        left = len(text) - len(text.lstrip())
        right = len(text.rstrip())
        if right > left:
            segments.append((start + left, start + right))
    return segments
