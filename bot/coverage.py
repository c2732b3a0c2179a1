"""Do the articles cover a question? A score, not a rule of thumb.

A small logistic model gives the probability that the articles answer a question. It reads
what retrieval already knows — how close the best sentence and best chunk are, how well BM25
matches, how many topic words no article (nor the lay lexicon) uses — and the question's own
embedding (the vector retrieval searched with; no extra model pass). The six retrieval
features say how close the nearest text is; they cannot tell "what is the life expectancy with
MS" (close to many sentences about MS) from a question the articles answer. The embedding lets
the model learn which kinds of question the articles answer at all: prognosis, pregnancy,
doses and diagnosis tests are in the domain but not in the articles. The weights are fitted on
the training sets' answerable and not-covered questions; the threshold is calibrated on the
dev sets to refuse as much as possible while refusing at most MAX_FALSE_REFUSALS of
answerable questions. Both come from `python -m evals.tune_refusal`
and are saved with the model they belong to in `bot/coverage.json`: the scores of another
embedding model are not these.

Not here: computing the features (`bot.core.Bot.coverage_features`, one pass over what the
answer computes anyway).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

RETRIEVAL_FEATURES: tuple[str, ...] = ("best_sentence", "best_chunk", "bm25_best",
                                       "unknown_any", "unknown_count", "known_count")
QUERY_DIM = 384  # the packaged all-MiniLM-L6-v2's; a model of another size has no coverage.json
FEATURES: tuple[str, ...] = RETRIEVAL_FEATURES + tuple(f"query[{i}]" for i in range(QUERY_DIM))
# The L2 penalty. Weaker ones refuse a few more not-covered dev questions (0.915 against 0.881
# at 0.03) but learn topic words too well: "burning pain in my feet at night, what helps" was
# refused. 0.3 is the weakest of `python -m evals.tune_refusal --sweep` that refuses none of
# tests/test_bot.py's lay questions.
L2 = 0.3
PATH = Path(__file__).with_name("coverage.json")
MAX_FALSE_REFUSALS = 0.03


class CoverageModel(NamedTuple):
    """Logistic weights over standardized FEATURES, and the dev-calibrated threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # covered when probability >= threshold
    model: str  # the embedding model the features were measured with

    def probability(self, x: Sequence[float]) -> float:
        """P(covered) for one feature vector.

        >>> m = CoverageModel((0.0,), (1.0,), (2.0,), 0.0, 0.5, "m")
        >>> round(m.probability([0.0]), 3), round(m.probability([1.0]), 3)
        (0.5, 0.881)
        """
        z = (np.asarray(x, float) - self.mean) / self.scale
        return float(1 / (1 + np.exp(-(z @ np.asarray(self.weights) + self.bias))))

    def covered(self, x: Sequence[float]) -> bool:
        return self.probability(x) >= self.threshold


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000,
        rate: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Class-balanced, L2-regularized logistic regression by gradient descent (deterministic).
    Returns (mean, scale, weights, bias).

    >>> mean, scale, w, b = fit(np.array([[0.], [1.], [2.], [3.]]), np.array([0, 0, 1, 1]))
    >>> bool(w[0] > 0)
    True
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    weight = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = weight * (p - y) / len(y)
        w -= rate * (z.T @ g + l2 * w)
        b -= rate * g.sum()
    return mean, scale, w, float(b)


def calibrate(probabilities: Sequence[float], covered: Sequence[bool],
              max_false_refusals: float = MAX_FALSE_REFUSALS) -> float:
    """The threshold that refuses the most not-covered questions while refusing at most
    `max_false_refusals` of the covered ones (the middle of the best plateau).

    >>> calibrate([0.9, 0.8, 0.7, 0.2, 0.1], [True, True, True, False, False], 0.0)
    0.45
    """
    p = np.asarray(probabilities, float)
    c = np.asarray(covered, bool)
    cuts = np.unique(np.concatenate([[0.0, 1.0], p]))
    mids = (cuts[:-1] + cuts[1:]) / 2
    best, chosen = -1.0, []
    for t in mids:
        false = float(np.mean(p[c] < t)) if c.any() else 0.0
        if false > max_false_refusals + 1e-9:
            continue
        refused = float(np.mean(p[~c] < t)) if (~c).any() else 0.0
        if refused > best + 1e-9:
            best, chosen = refused, [t]
        elif abs(refused - best) <= 1e-9:
            chosen.append(t)
    if not chosen:
        return 0.0
    return round(float(np.median(chosen)), 4)


def save(model: CoverageModel, path: Path = PATH) -> None:
    save_fitted(model, FEATURES, path)


def load(path: Path = PATH) -> CoverageModel | None:
    return load_fitted(CoverageModel, FEATURES, path)


def save_fitted(model: NamedTuple, features: Sequence[str], path: Path) -> None:
    """Write a fitted model (a NamedTuple of numbers and tuples) with the feature names it
    was fitted on; the reranker's file has the same shape."""
    path.write_text(json.dumps({"features": list(features), **model._asdict()}, indent=1)
                    + "\n", encoding="utf-8")


def load_fitted(cls: Any, features: Sequence[str], path: Path) -> Any:
    """The model `save_fitted` wrote, or None if there is none or its features differ."""
    if not Path(path).is_file():
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.pop("features") != list(features):
        return None
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
