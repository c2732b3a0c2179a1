"""`python -m evals.tune_refusal`: choose the refusal thresholds from data, not by eye.

Runs every question of evals/refusal_tuning.jsonl (answerable vs not covered; kept apart
from the gold set so the gold figures stay honest), records each question's best sentence
score and unknown topic words, then sweeps (REFUSE_BELOW, REFUSE_UNKNOWN_BELOW) and prints
the pair with the best balanced accuracy among those that answer at least MIN_ANSWERED of the
covered questions (then the most answering, then the middle of the plateau). The chosen pair
is set by hand in bot/core.py; `tests/test_bot.py` checks the constants still score as well as
the sweep's best.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import NamedTuple

TUNING = Path(__file__).with_name("refusal_tuning.jsonl")


class Point(NamedTuple):
    question: str
    answerable: bool
    best: float
    unknown: int


class Result(NamedTuple):
    low: float
    high: float
    balanced_accuracy: float
    answer_recall: float
    refuse_recall: float


def refuses(point: Point, low: float, high: float) -> bool:
    return point.best < low or (point.unknown > 0 and point.best < high)


def score(points: list[Point], low: float, high: float) -> Result:
    answerable = [p for p in points if p.answerable]
    uncovered = [p for p in points if not p.answerable]
    answered = sum(not refuses(p, low, high) for p in answerable) / max(len(answerable), 1)
    refused = sum(refuses(p, low, high) for p in uncovered) / max(len(uncovered), 1)
    return Result(low, high, (answered + refused) / 2, answered, refused)


# A patient refused on a question the articles do cover gets nothing; so the sweep only
# considers thresholds that still answer at least this share of covered questions.
MIN_ANSWERED = 0.85


def sweep(points: list[Point]) -> Result:
    grid = [round(0.30 + 0.01 * i, 2) for i in range(51)]
    results = [score(points, low, high) for low in grid for high in grid if high >= low]
    results = [r for r in results if r.answer_recall >= MIN_ANSWERED] or results
    # best balanced accuracy, then most answering; among the ties, the middle of the plateau
    # on each axis, so that neither class sits right at a threshold.
    top = max((round(r.balanced_accuracy, 6), r.answer_recall) for r in results)
    ties = [r for r in results if (round(r.balanced_accuracy, 6), r.answer_recall) == top]
    lows = sorted({r.low for r in ties})
    low = lows[len(lows) // 2]
    highs = sorted({r.high for r in ties if r.low == low})
    return score(points, low, highs[len(highs) // 2])


def measure(bot, path: Path = TUNING) -> list[Point]:
    from bot.retrieve import hybrid_search, unknown_terms

    points = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        vec = bot.embedder.encode([item["question"]])[0]
        hits = hybrid_search(bot.index, item["question"], vec)
        best = max(bot._candidates(hits, vec).values(), default=0.0)
        points.append(Point(item["question"], bool(item["answerable"]), best,
                            len(unknown_terms(bot.index, item["question"]))))
    return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.tune_refusal", description=__doc__)
    parser.add_argument("--file", type=Path, default=TUNING)
    args = parser.parse_args(argv)
    import bot as bot_package
    from bot.core import REFUSE_BELOW, REFUSE_UNKNOWN_BELOW

    bot = bot_package.load()
    points = measure(bot, args.file)
    best = sweep(points)
    current = score(points, REFUSE_BELOW, REFUSE_UNKNOWN_BELOW)
    print(f"{len(points)} questions ({sum(p.answerable for p in points)} answerable)")
    for name, r in (("best", best), ("current", current)):
        print(f"{name:8} REFUSE_BELOW={r.low:.2f} REFUSE_UNKNOWN_BELOW={r.high:.2f} "
              f"balanced accuracy={r.balanced_accuracy:.3f} answered={r.answer_recall:.3f} "
              f"refused={r.refuse_recall:.3f}")
    print("misclassified at the current thresholds:")
    for p in points:
        if refuses(p, REFUSE_BELOW, REFUSE_UNKNOWN_BELOW) == p.answerable:
            print(f"  {'answerable' if p.answerable else 'uncovered':10} best={p.best:.3f} "
                  f"unknown={p.unknown} {p.question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
