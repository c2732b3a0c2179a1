"""`python -m evals [--gold FILE] [--out DIR]`: run a question file through the bot and the
baseline, write the report, and exit 1 if a threshold is missed (2 on a bad input file).

The corpus bodies used to check quotes and evidence are read from the corpus files here, not
taken from the bot, so a bot that altered its copy of an article could not pass its own check.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from evals.errors import GoldFileError
from evals.metrics import ItemResult, flatten, summarize
from evals.run import System, run
from evals.schema import GoldItem, load_gold, missing_evidence
from evals.thresholds import Thresholds, Verdict, failed, load_thresholds, verdicts
from ingest.corpus import load_corpus
from ingest.errors import BotError
from ingest.settings import ROOT, Settings

DEFAULT_GOLD = ROOT / "evals" / "gold.jsonl"
DEFAULT_OUT = ROOT / "evals" / "out"
DEFAULT_THRESHOLDS = ROOT / "evals" / "thresholds.json"


class Evaluation(NamedTuple):
    summary: dict[str, Any]
    bot: list[ItemResult]
    baseline: list[ItemResult] | None
    verdicts: list[Verdict]

    @property
    def passed(self) -> bool:
        return not failed(self.verdicts)


def check_evidence(items: Sequence[GoldItem], bodies: Mapping[str, str], source: str) -> None:
    """Refuse to run a file whose evidence no article contains: such an item could never pass."""
    missing = missing_evidence(items, bodies)
    if missing:
        shown = "\n".join(f"  {item_id}: {span[:100]!r}" for item_id, span in missing[:10])
        more = f"\n  … and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise GoldFileError(
            f"{source}: {len(missing)} evidence span(s) occur in no article (after normalizing "
            f"quotes, whitespace and case); copy them from corpus/*.md:\n{shown}{more}"
        )


def evaluate(
    bot: System,
    items: Sequence[GoldItem],
    bodies: Mapping[str, str],
    thresholds: Thresholds,
    *,
    baseline: System | None = None,
    progress: bool = True,
    gold: str = str(DEFAULT_GOLD),
    thresholds_file: str = str(DEFAULT_THRESHOLDS),
) -> Evaluation:
    """Run both systems and compare the bot's figures with the thresholds."""
    started = time.perf_counter()
    bot.answer("warm-up: what is spasticity?")  # first-call costs are not per-question latency
    bot_results = run(bot, items, bodies, name="bot", progress=progress)
    base_results = None
    if baseline is not None:
        base_results = run(baseline, items, bodies, name="baseline", progress=progress)
    bot_summary = summarize(bot_results)
    judged = verdicts(flatten(bot_summary), thresholds)
    summary = {
        "gold": gold,
        "thresholds_file": thresholds_file,
        "thresholds_version": thresholds.version,
        "passed": not failed(judged),
        "elapsed_s": round(time.perf_counter() - started, 2),
        "bot": bot_summary,
        "baseline": summarize(base_results) if base_results is not None else None,
        "thresholds": [v._asdict() for v in judged],
    }
    return Evaluation(summary, bot_results, base_results, judged)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m evals",
        description="Run a question file through the bot and a naive baseline; write "
        "report.json, report.md and report.png; exit 1 if a threshold is missed.",
    )
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD,
                   help="question file, one JSON object a line (default: evals/gold.jsonl)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="directory for the report (default: evals/out)")
    p.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS,
                   help="thresholds file (default: evals/thresholds.json)")
    p.add_argument("--index-dir", type=Path, default=None,
                   help="index directory (default: INDEX_DIR or index/)")
    p.add_argument("--no-baseline", action="store_true", help="skip the baseline run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        items = load_gold(args.gold)
        thresholds = load_thresholds(args.thresholds)
        settings = Settings.from_env(index_dir=args.index_dir)
        bodies = {doc.doc_id: doc.body for doc in load_corpus(settings.corpus_dir)}
        check_evidence(items, bodies, str(args.gold))

        import bot as bot_package  # heavy: loads the model and the index
        from evals.baseline import Baseline

        bot = bot_package.load(settings=settings)
        baseline = None if args.no_baseline else Baseline(bot.index, bot.embedder)
        result = evaluate(bot, items, bodies, thresholds, baseline=baseline,
                          progress=not args.quiet, gold=str(args.gold),
                          thresholds_file=str(args.thresholds))
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from evals.report import summary_table, write

    paths = write(args.out, result.summary, result.bot, result.baseline, result.verdicts)
    print(summary_table(result.summary["bot"], result.summary["baseline"], result.verdicts))
    failing = sum(not r.checks.passed for r in result.bot)
    print(f"\n{len(items) - failing}/{len(items)} items pass every check; "
          f"{result.summary['elapsed_s']:.1f} s. Report: {', '.join(map(str, paths))}")
    missed = failed(result.verdicts)
    if missed:
        print("\nthresholds missed:", file=sys.stderr)
        for v in missed:
            op = ">=" if v.bound == "min" else "<="
            print(f"  {v.name} = {v.value:.4g}, needs {op} {v.limit:g}", file=sys.stderr)
        return 1
    print(f"all {len(result.verdicts)} thresholds pass")
    return 0
