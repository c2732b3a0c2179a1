"""`python -m evals.tune_selection`: fit the selection stage's reranker on the training set
and choose its weight on the dev sets (gold and dev2 together); writes bot/selection.json.

For every answerable training question the bot's own retrieval gives the candidate sentences;
each is labelled by whether it holds the question's evidence (`evals.match.supports`) and
described by `bot.rerank.FEATURES`. A class-balanced logistic model is fitted on them. Then
the dev set is answered with the model added at each weight of WEIGHTS (0 = v0.1.0's plain
relevance plus the fixed form bonus, FORM_WEIGHT) and the weight with the best first-passage
support (then answer support) is kept. `--check` prints without writing. The blind set is
never read.
"""

from __future__ import annotations

import argparse

import numpy as np

from evals.metrics import flatten, summarize
from evals.run import run

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


def training_rows(bot, items) -> tuple[np.ndarray, np.ndarray]:
    from bot.core import MAX_HISTORY
    from bot.retrieve import hybrid_search, retrieval_query
    from evals.match import supports

    x, y = [], []
    for item in items:
        if item.expect != "answer":
            continue
        query = retrieval_query(item.question, list(item.history)[-MAX_HISTORY:])
        vec = bot.embedder.encode([query])[0]
        hits = hybrid_search(bot.index, query, vec, lexicon=bot.use_lexicon)
        candidates = bot._candidates(hits, vec)
        relevance = bot._relevance(hits, candidates, vec)
        feats = bot.candidate_features(item.question, hits, candidates, relevance)
        labels = {i: supports(item.evidence, bot.index.sentences[i].text) for i in feats}
        if not any(labels.values()):
            continue  # retrieval missed: nothing to learn about choosing
        for i, f in feats.items():
            x.append(f)
            y.append(int(labels[i]))
    return np.array(x), np.array(y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.tune_selection", description=__doc__)
    parser.add_argument("--check", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    import bot as bot_package
    from bot.core import model_tag
    from bot.coverage import fit
    from bot.rerank import FEATURES, PATH, Reranker, save
    from evals.schema import load_gold
    from evals.sets import SETS, dev_files

    bot = bot_package.load()
    x, y = training_rows(bot, load_gold(SETS["train"]))
    mean, scale, w, b = fit(x, y)
    model = Reranker(tuple(mean.round(6)), tuple(scale.round(6)), tuple(w.round(6)),
                     round(b, 6), 0.0, model_tag(bot.embedder.name))
    print(f"fitted on {len(y)} candidates ({int(y.sum())} holding evidence); weights "
          + ", ".join(f"{n}={v:+.2f}" for n, v in zip(FEATURES, w, strict=True)))
    dev = [i for path in dev_files() for i in load_gold(path) if i.expect == "answer"]
    bodies = {d.doc_id: d.body for d in bot.index.docs.values()}
    print("| weight | support | first alone | follow-ups |\n|---:|---:|---:|---:|")
    scores = []
    for weight in WEIGHTS:
        bot.reranker = model._replace(weight=weight)
        f = flatten(summarize(run(bot, dev, bodies, progress=False)))
        scores.append((f["answer.first_support"], f["answer.support"], -weight, weight))
        print(f"| {weight:.2f} | {f['answer.support']:.3f} | {f['answer.first_support']:.3f} | "
              f"{f['followup.support']:.3f} |")
    best = max(scores)[3]
    print(f"chosen weight {best:.2f}")
    if not args.check:
        save(model._replace(weight=best))
        print(f"written to {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
