"""`python -m evals.tune_selection`: choose the selection stage's weights on the dev set.

Sweeps FORM_WEIGHT (what a sentence shaped like an answer to the question's form gains, see
`bot.forms`) and the margin within which further quotes are shown, and prints answer
support, first-passage support and follow-up support for each pair; the chosen values are
set by hand in bot/core.py and bot/compose.py (the best first-passage support, then support).
Dev only: the blind set is never used to choose.
"""

from __future__ import annotations

import argparse

from evals.metrics import flatten, summarize
from evals.run import run

WEIGHTS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10)
MARGINS = (0.06, 0.10, 0.14)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.tune_selection", description=__doc__)
    parser.parse_args(argv)
    import bot as bot_package
    from bot import compose
    from evals.schema import load_gold
    from evals.sets import SETS

    bot = bot_package.load()
    items = [i for i in load_gold(SETS["dev"]) if i.expect == "answer"]
    bodies = {d.doc_id: d.body for d in bot.index.docs.values()}
    saved = (bot.form_weight, compose.MARGIN)
    print("| form weight | margin | support | first alone | follow-ups |")
    print("|---:|---:|---:|---:|---:|")
    try:
        for weight in WEIGHTS:
            for margin in MARGINS:
                bot.form_weight, compose.MARGIN = weight, margin
                f = flatten(summarize(run(bot, items, bodies, progress=False)))
                print(f"| {weight:.2f} | {margin:.2f} | {f['answer.support']:.3f} | "
                      f"{f['answer.first_support']:.3f} | {f['followup.support']:.3f} |")
    finally:
        bot.form_weight, compose.MARGIN = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
