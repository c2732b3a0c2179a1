"""The selection stage's learned part: which candidate sentence answers, from a few features.

Retrieval ranks sentences by topic. Among the candidates, the one that answers tends to have
the question's form (`bot.forms`), share the question's own words, stand on its own (no
"This…" pointing back) and sit early in its paragraph. A logistic model over those features,
fitted on the training set's (question, evidence sentence) pairs against the other candidates
of the same question, adds `weight × P(answers)` to each candidate's relevance; the weight is
chosen on the dev set. Both come from `python -m evals.tune_selection` and are saved in
`bot/selection.json`.

Not here: the relevance itself (`bot.core`) and the choice of quotes (`bot.compose.select`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bot import forms
from bot.coverage import load_fitted, save_fitted
from bot.retrieve import content_words

FEATURES: tuple[str, ...] = ("relevance", "sentence", "chunk_rank", "form_fit", "overlap",
                             "is_item", "anaphoric", "log_words", "first_in_paragraph")
PATH = Path(__file__).with_name("selection.json")
_ANAPHORIC = re.compile(r"^(?:This|These|That|Those|It|Its|They|Their|Such|Thus|So|Also)\b")
_STEM = re.compile(r"(?:ing|ed|es|s|ly)$")


def _stems(words: Sequence[str]) -> set[str]:
    """Crude stems, enough to match "treated" with "treatment"'s "treat".

    >>> sorted(_stems(["treated", "spasms", "pain"]))
    ['pain', 'spasm', 'treat']
    """
    return {_STEM.sub("", w)[:6] for w in words if len(w) > 2}


def features(question: str, form: str | None, text: str, relevance: float, sentence: float,
             chunk_rank: int, is_item: bool, first_in_paragraph: bool) -> list[float]:
    """One candidate's features (FEATURES order); `text` is the sentence as embedded."""
    asked = _stems(content_words(question))
    said = _stems(content_words(text))
    overlap = len(asked & said) / len(asked) if asked else 0.0
    return [relevance, sentence, 1 / (1 + chunk_rank), float(forms.fits(form, text)), overlap,
            float(is_item), float(bool(_ANAPHORIC.match(text))),
            math.log(1 + len(text.split())), float(first_in_paragraph)]


class Reranker(NamedTuple):
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    weight: float  # what P(answers) adds to relevance; chosen on dev
    model: str

    def probability(self, x: Sequence[float]) -> float:
        z = (np.asarray(x, float) - self.mean) / self.scale
        return float(1 / (1 + np.exp(-(z @ np.asarray(self.weights) + self.bias))))


def save(model: Reranker, path: Path = PATH) -> None:
    save_fitted(model, FEATURES, path)


def load(path: Path = PATH) -> Reranker | None:
    return load_fitted(Reranker, FEATURES, path)

