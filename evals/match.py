"""Text matching for evaluation: normalization and evidence coverage.

Evidence spans are typed by hand (straight quotes, single spaces) while the articles carry
curly quotes, non-breaking spaces and odd line breaks. Matching therefore compares normalized
text: NFKC, curly quotes made straight, whitespace collapsed, lower case. What this module
leaves out: deciding what counts as a pass (that is `evals.metrics`).

Coverage is measured on word tokens, not characters, so that a quote which cuts an evidence
sentence at a different punctuation mark still counts, while a long chunk that merely shares
common words with the evidence does not: only the longest *contiguous* run of shared tokens
counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# A quote or chunk "substantially overlaps" an evidence span when it holds a contiguous run of at
# least this fraction of the evidence's tokens.
MIN_COVERAGE = 0.6

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


def normalize(text: str) -> str:
    """NFKC, straight quotes, single spaces, lower case.

    >>> normalize("Lhermitte\u2019s  sign\u00a0is\\nCommon")
    "lhermitte's sign is common"
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().lower()


def tokens(text: str) -> list[str]:
    """Word tokens of the normalized text.

    >>> tokens("Anti-seizure drugs (e.g., gabapentin)")
    ['anti', 'seizure', 'drugs', 'e', 'g', 'gabapentin']
    """
    return _TOKEN.findall(normalize(text))


def occurs(span: str, text: str) -> bool:
    """Whether `span` occurs in `text` once both are normalized.

    >>> occurs("it\u2019s  common", "Yes, It's common.")
    True
    """
    return normalize(span) in normalize(text)


def longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest contiguous token sequence found in both `a` and `b`.

    >>> longest_common_run("a b c d".split(), "x b c y".split())
    2
    """
    best = 0
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            if token == other:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best = current[j]
        previous = current
    return best


def coverage(evidence: str, text: str) -> float:
    """Fraction of the evidence's tokens covered by the longest run it shares with `text`.

    1.0 when `text` contains the evidence; 0.5 when `text` holds half of it in one piece.

    >>> coverage("pain that worsens when twisting", "It worsens when twisting.")
    0.6
    """
    ev = tokens(evidence)
    if not ev:
        return 0.0
    if normalize(evidence) in normalize(text):
        return 1.0
    return longest_common_run(ev, tokens(text)) / len(ev)


def supports(evidence: Iterable[str], text: str, min_coverage: float = MIN_COVERAGE) -> bool:
    """Whether `text` contains, or substantially overlaps, any one of the evidence spans.

    >>> supports(["Poor posture can cause back pain to develop over time."],
    ...          "Poor posture can cause back pain.")
    True
    >>> supports(["Poor posture can cause back pain to develop over time."], "Back pain.")
    False
    """
    return any(coverage(span, text) >= min_coverage for span in evidence)


def first_hit(evidence: Sequence[str], texts: Sequence[str], min_coverage: float = MIN_COVERAGE
              ) -> int | None:
    """1-based rank of the first text that supports the evidence, None if none does.

    >>> first_hit(["tight band"], ["nothing here", "a tight band around the chest"])
    2
    """
    for rank, text in enumerate(texts, start=1):
        if supports(evidence, text, min_coverage):
            return rank
    return None
