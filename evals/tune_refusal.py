"""`python -m evals.tune_refusal`: calibrate the refusal thresholds on the dev set.

The refusal score belongs to the model that answers: the adapted model's similarities are
not the base model's, so thresholds are calibrated again whenever the model changes. This
runs every dev question (evals/gold.jsonl, `expect` answer or refuse; follow-ups resolved
against their history as the bot does) through retrieval, records its best sentence score and
unknown topic words (after the lay lexicon), then sweeps (REFUSE_BELOW, REFUSE_UNKNOWN_BELOW)
and prints the pair with the best balanced accuracy among those that answer at least
MIN_ANSWERED of the covered questions (then the most answering, then the middle of the
plateau). The chosen pair is set by hand in bot/core.py; `tests/test_bot.py` checks the
constants still score as well as the sweep's best. `--file` takes another set (the gold
schema, or the older {"question", "answerable"} lines of evals/refusal_tuning.jsonl).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import NamedTuple

TUNING = Path(__file__).with_name("gold.jsonl")  # the dev set


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
MIN_ANSWERED = 0.97  # the target: false refusals at most 0.03


def sweep(points: list[Point]) -> Result:
    grid = [round(0.20 + 0.01 * i, 2) for i in range(71)]
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


def _questions(path: Path) -> list[tuple[str, list[str], bool]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = json.loads(line)
        if "answerable" in item:
            out.append((item["question"], [], bool(item["answerable"])))
        elif item.get("expect") in ("answer", "refuse"):
            out.append((item["question"], item.get("history") or [], item["expect"] == "answer"))
    return out


def measure(bot, path: Path = TUNING) -> list[Point]:
    from bot.medicine import changes_own_medicine
    from bot.retrieve import hybrid_search, retrieval_query, unknown_terms

    points = []
    for question, history, answerable in _questions(path):
        if changes_own_medicine(question, history[-1] if history else ""):
            continue  # a fixed text, whatever the scores
        query = retrieval_query(question, history)
        vec = bot.embedder.encode([query])[0]
        hits = hybrid_search(bot.index, query, vec, lexicon=bot.use_lexicon)
        best = max(bot._candidates(hits, vec).values(), default=0.0)
        points.append(Point(question, answerable, best,
                            len(unknown_terms(bot.index, query, lexicon=bot.use_lexicon))))
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
