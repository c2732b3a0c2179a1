"""`python -m evals [--set NAME …] [--gold FILE] [--out DIR]`: run the question sets through the
bot, the naive baseline and (from its snapshot) the previous release; write the reports, and
exit 1 if a threshold is missed on the dev set (2 on a bad input file).

Without `--gold`, every set of `evals.sets` that exists is run (train, dev, and blind once it
is added) and `<out>/summary.md` shows them side by side, with the items whose outcome
changed since the previous release. `--gold FILE` runs one file of your own, as before.

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
from evals.sets import SETS
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


def red_flag_sets(answer_sets: Sequence[str]) -> tuple[str, ...]:
    """The red-flag sets shown under a run of these answer sets: blind only beside blind, so a
    run that leaves blind out (`--set dev`, while choosing) does not show it either.

    >>> red_flag_sets(["dev"]), red_flag_sets(["train", "dev", "blind"])
    (('training', 'tuning', 'dev'), ('training', 'tuning', 'dev', 'blind'))
    """
    return ("training", "tuning", "dev") + (("blind",) if "blind" in answer_sets else ())


def previous_run(items: Sequence[GoldItem], bodies: Mapping[str, str], set_name: str,
                 ref: str) -> list[ItemResult] | None:
    from evals.compare import snapshot_results
    from evals.previous import load_snapshot

    snapshot = load_snapshot(ref)
    if snapshot is None or set_name not in snapshot["sets"]:
        return None
    return snapshot_results(items, snapshot["sets"][set_name]["items"], bodies)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m evals",
        description="Run a question file through the bot and a naive baseline; write "
        "report.json, report.md and report.png; exit 1 if a threshold is missed.",
    )
    p.add_argument("--gold", type=Path, default=None,
                   help="one question file of your own, one JSON object a line")
    p.add_argument("--set", action="append", dest="sets",
                   choices=tuple(SETS),
                   help="run only these sets (default: every set that exists)")
    p.add_argument("--previous", default="v0.1.0",
                   help="release whose snapshot (evals/previous/REF.json) is compared")
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
    if args.gold is not None:
        runs = {"custom": Path(args.gold)}
    else:
        names = args.sets or [name for name, path in SETS.items() if path.is_file()]
        runs = {name: SETS[name] for name in names}
    try:
        loaded = {name: load_gold(path) for name, path in runs.items()}
        thresholds = load_thresholds(args.thresholds)
        settings = Settings.from_env(index_dir=args.index_dir)
        bodies = {doc.doc_id: doc.body for doc in load_corpus(settings.corpus_dir)}
        for name, items in loaded.items():
            check_evidence(items, bodies, str(runs[name]))

        import bot as bot_package  # heavy: loads the model and the index
        from evals.baseline import Baseline

        bot = bot_package.load(settings=settings)
        baseline = None if args.no_baseline else Baseline(bot.index, bot.embedder)
        results = {}
        for name, items in loaded.items():
            results[name] = evaluate(bot, items, bodies, thresholds, baseline=baseline,
                                     progress=not args.quiet, gold=str(runs[name]),
                                     thresholds_file=str(args.thresholds))
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from evals.compare import changes
    from evals.report import side_by_side, summary_table, write

    judged = "custom" if "custom" in results else ("dev" if "dev" in results else None)
    previous = {name: previous_run(loaded[name], bodies, name, args.previous)
                for name in results if name != "custom"}
    out_dir = Path(args.out)
    for name, result in results.items():
        sub = out_dir if name == "custom" else out_dir / name
        write(sub, result.summary, result.bot, result.baseline, result.verdicts)
    if judged == "custom":
        result = results["custom"]
        print(summary_table(result.summary["bot"], result.summary["baseline"], result.verdicts))
    else:
        columns = {}
        for name, result in results.items():
            prev = previous.get(name)
            columns[name] = (result.summary["bot"], result.summary["baseline"],
                             summarize(prev) if prev else None)
        changed = {name: changes(previous[name], results[name].bot)
                   for name in results if previous.get(name)}
        table = side_by_side(columns, args.previous, changed)
        if bot.checker is not None:
            from evals.tune_safety import table as safety_table

            table = f"{table}\n\n{safety_table(bot.checker, red_flag_sets(results))}"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "summary.md").write_text(table + "\n", encoding="utf-8")
        print(table.split("\n## ")[0])
        if bot.checker is not None:
            print("\n" + table.rsplit("\n\n", 1)[-1])
        for name, items in changed.items():
            print(f"{name}: {len(items)} items changed outcome since {args.previous} "
                  f"(listed in {out_dir / 'summary.md'})")
    if judged is None:
        return 0
    result = results[judged]
    failing = sum(not r.checks.passed for r in result.bot)
    print(f"\n{judged}: {len(result.bot) - failing}/{len(result.bot)} items pass every check; "
          f"{result.summary['elapsed_s']:.1f} s. Reports in {out_dir}")
    missed = failed(result.verdicts)
    if missed:
        print(f"\nthresholds missed on {judged}:", file=sys.stderr)
        for v in missed:
            op = ">=" if v.bound == "min" else "<="
            print(f"  {v.name} = {v.value:.4g}, needs {op} {v.limit:g}", file=sys.stderr)
        return 1
    print(f"all {len(result.verdicts)} thresholds pass on {judged}")
    return 0
