"""`python -m evals.tune_refusal`: fit the coverage score on the training sets and calibrate
its threshold on the dev sets (`evals.sets.DEV_SETS` together), for the model that answers;
writes bot/coverage.json.

The refusal score belongs to the model that answers: the adapted model's similarities are
not the base model's (v0.1.0's thresholds, kept as the fallback, refuse a third of the dev
set's answerable questions with it). Every question of the training sets
(`evals.sets.COVERAGE_TRAIN_FILES`) (`expect` answer or
refuse; follow-ups resolved against their history as the bot does) is run through retrieval
and its features recorded (`bot.coverage.FEATURES`); a class-balanced logistic model is fitted
on them; then the dev set's questions are scored and the threshold set to refuse the most
not-covered questions while refusing at most 3% of answerable ones. Questions about changing
one's own medicine or how much of one to take are left out: they get a fixed text whatever
the score. `--check` prints
the figures without writing; `--sweep` also prints the dev figures for other strengths of the
L2 penalty (how `bot.coverage.L2` was chosen), each with the threshold calibrated on one dev set
and read on the others. The blind set is never read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from evals.sets import COVERAGE_TRAIN_FILES, DEV_SETS, SETS


class Point(NamedTuple):
    question: str
    answerable: bool
    features: np.ndarray


def _questions(path: Path) -> list[tuple[str, list[str], bool]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = json.loads(line)
        if "answerable" in item:  # the older {"question", "answerable"} lines
            out.append((item["question"], [], bool(item["answerable"])))
        elif item.get("expect") in ("answer", "refuse"):
            out.append((item["question"], item.get("history") or [], item["expect"] == "answer"))
    return out


def measure(bot, path: Path) -> list[Point]:
    from bot.core import MAX_HISTORY
    from bot.medicine import fixed_reply
    from bot.retrieve import hybrid_search, retrieval_query

    points = []
    for question, history, answerable in _questions(path):
        if fixed_reply(question, history[-1] if history else "") is not None:
            continue
        query = retrieval_query(question, history[-MAX_HISTORY:])
        vec = bot.embedder.encode([query])[0]
        hits = hybrid_search(bot.index, query, vec, lexicon=bot.use_lexicon)
        candidates = bot._candidates(hits, vec)
        points.append(Point(question, answerable,
                            bot.coverage_features(query, hits, candidates, vec)))
    return points


def rates(model, points: list[Point]) -> tuple[float, float]:
    """(refusal recall, false-refusal rate) of `model` on `points`."""
    refused = [not model.covered(p.features) for p in points]
    neg = [r for r, p in zip(refused, points, strict=True) if not p.answerable]
    pos = [r for r, p in zip(refused, points, strict=True) if p.answerable]
    return (sum(neg) / max(len(neg), 1), sum(pos) / max(len(pos), 1))


def fitted(bot, train: list[Point], dev: list[Point], l2: float):
    """The coverage model fitted on `train` with penalty `l2`, its threshold calibrated on
    `dev`."""
    from bot.core import model_tag
    from bot.coverage import CoverageModel, calibrate, fit

    x = np.array([p.features for p in train])
    y = np.array([p.answerable for p in train], int)
    mean, scale, w, b = fit(x, y, l2=l2)
    draft = CoverageModel(tuple(mean.round(6)), tuple(scale.round(6)), tuple(w.round(6)),
                          round(b, 6), 0.5, model_tag(bot.embedder.name))
    threshold = calibrate([draft.probability(p.features) for p in dev],
                          [p.answerable for p in dev])
    return draft._replace(threshold=threshold)


def dev_points(bot) -> dict[str, list[Point]]:
    """Each dev set that exists, measured once, by name."""
    return {name: measure(bot, SETS[name]) for name in DEV_SETS if SETS[name].is_file()}


def tune(bot, devs: dict[str, list[Point]] | None = None
         ) -> tuple[object, list[Point], list[Point]]:
    """The coverage model (fitted on the training sets, calibrated on the dev sets pooled),
    with the training points and the pooled dev points; `devs` reuses a `dev_points` result."""
    from bot.coverage import L2

    train = [p for path in COVERAGE_TRAIN_FILES if path.is_file() for p in measure(bot, path)]
    dev = [p for points in (dev_points(bot) if devs is None else devs).values() for p in points]
    return fitted(bot, train, dev, L2), train, dev


def sweep(bot, train: list[Point], devs: dict[str, list[Point]]) -> None:
    """Per L2 strength: each dev set's figures at the threshold calibrated on the others."""
    for l2 in (0.01, 0.03, 0.1, 0.3):
        row = f"l2={l2:<5}"
        for name, points in devs.items():
            rest = [p for other, ps in devs.items() if other != name for p in ps]
            recall, false = rates(fitted(bot, train, rest, l2), points)
            row += f" | {name} (threshold from the others) recall={recall:.3f} false={false:.3f}"
        print(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.tune_refusal", description=__doc__)
    parser.add_argument("--check", action="store_true", help="print, do not write")
    parser.add_argument("--sweep", action="store_true", help="also compare L2 strengths on dev")
    args = parser.parse_args(argv)
    import bot as bot_package
    from bot.coverage import FEATURES, PATH, RETRIEVAL_FEATURES, save

    bot = bot_package.load()
    devs = dev_points(bot)
    model, train, dev = tune(bot, devs)
    print(f"model {model.model}; features {', '.join(RETRIEVAL_FEATURES)} and the query's "
          f"{len(FEATURES) - len(RETRIEVAL_FEATURES)}-dimensional embedding")
    print("retrieval weights " + ", ".join(
        f"{f}={w:+.2f}" for f, w in zip(RETRIEVAL_FEATURES,
                                         model.weights[:len(RETRIEVAL_FEATURES)], strict=True)))
    if args.sweep:
        sweep(bot, train, devs)
    for name, points in (("train (fitted)", train), ("dev (calibrated)", dev)):
        recall, false = rates(model, points)
        print(f"{name:17} n={len(points)} threshold={model.threshold:.4f} refusal recall="
              f"{recall:.3f} false refusals={false:.3f}")
    print("dev questions on the wrong side:")
    for p in dev:
        if model.covered(p.features) != p.answerable:
            print(f"  {'answerable' if p.answerable else 'uncovered':10} "
                  f"p={model.probability(p.features):.3f} {p.question}")
    if not args.check:
        save(model)
        print(f"written to {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
