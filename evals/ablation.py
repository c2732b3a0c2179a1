"""`python -m evals.ablation [--set dev]`: what each part of answering changes, one at a time.

Runs a set through the loaded bot with one part switched off at a time — the form
preference of the selection stage, the lay lexicon, the refusal — and prints the figures side
by side. The retriever's own share is measured by running the same command with the base
model: `MODEL_PATH=<extracted all-MiniLM-L6-v2> INDEX_DIR=/tmp/idx-base python -m evals.ablation`
(the base model's path is printed by `python -m ingest adapt` runs as `base_model`; the
packaged one is extracted under MODEL_CACHE_DIR). Never used on the blind set to choose.
"""

from __future__ import annotations

import argparse
from typing import Any

from evals.metrics import flatten, summarize
from evals.run import run
from evals.sets import SETS

# variant -> Bot attributes to change
VARIANTS: dict[str, dict[str, Any]] = {
    "full": {},
    "no selection (relevance only)": {"form_weight": 0.0, "reranker": None},
    "no lay lexicon": {"use_lexicon": False},
    "no refusal": {"refuse_below": -1.0, "refuse_unknown_below": -1.0},
}
COLUMNS = (("retrieval.hit@1", "hit@1"), ("retrieval.hit@5", "hit@5"),
           ("answer.support", "support"), ("answer.first_support", "first alone"),
           ("followup.support", "follow-ups"), ("refusal.recall", "refusal recall"),
           ("refusal.false_refusal_rate", "false refusals"))


def ablate(bot, items, bodies, variants=VARIANTS) -> dict[str, dict[str, Any]]:
    out = {}
    for name, changes in variants.items():
        saved = {k: getattr(bot, k) for k in changes}
        for k, v in changes.items():
            setattr(bot, k, v)
        try:
            out[name] = flatten(summarize(run(bot, items, bodies, name=name[:8],
                                              progress=False)))
        finally:
            for k, v in saved.items():
                setattr(bot, k, v)
    return out


def table(figures: dict[str, dict[str, Any]]) -> str:
    lines = ["| variant | " + " | ".join(label for _, label in COLUMNS) + " |",
             "|---" + "|---:" * len(COLUMNS) + "|"]
    for name, flat in figures.items():
        cells = [f"{flat[m]:.3f}" if flat.get(m) is not None else "n/a" for m, _ in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.ablation", description=__doc__)
    parser.add_argument("--set", default="dev", choices=tuple(SETS))
    args = parser.parse_args(argv)
    import bot as bot_package
    from evals.schema import load_gold

    bot = bot_package.load()
    items = load_gold(SETS[args.set])
    bodies = {d.doc_id: d.body for d in bot.index.docs.values()}
    print(f"{args.set} ({len(items)} items), model {bot.embedder.name}")
    print(table(ablate(bot, items, bodies)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
