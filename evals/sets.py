"""The question sets, kept apart by use (whoever tunes must not write the set that judges).

- **train** (`evals/train.jsonl`): fits and tunes — the adapted model's pairs
  (`ingest.adapt`); never used to choose between variants.
- **train2** (`evals/train2.jsonl`): 665 more training questions (391 not covered, many of
  them near misses on the articles' own topics) by a writer who read only the five articles;
  fits the coverage score only, with train and `evals/refusal_tuning.jsonl`
  (`COVERAGE_TRAIN_FILES`).
- **dev** (`evals/gold.jsonl`): chooses between variants and calibrates thresholds
  (selection weights, the refusal score); never trained on.
- **dev2** (`evals/dev2.jsonl`): a second dev set, 256 questions by another writer who read
  only the five articles; for choosing between variants (a 105-question dev set cannot tell
  two or three questions' difference from noise). Thresholds and weights are chosen on
  the dev sets together (`DEV_SETS`); nothing is fitted on any.
- **dev3** (`evals/dev3.jsonl`): a third dev set, 372 questions (about 150 not covered) by a
  third writer who read only the five articles: two dev sets held 58 not-covered questions,
  too few to calibrate a refusal threshold on.
- **blind** (`evals/blind.jsonl`): written by someone who read only the articles; reported,
  never used to choose anything. Present only once added.

Not here: running them (`evals.cli`) and comparing releases (`evals.compare`).
"""

from __future__ import annotations

from ingest.settings import ROOT

SETS = {
    "train": ROOT / "evals" / "train.jsonl",
    "dev": ROOT / "evals" / "gold.jsonl",
    "train2": ROOT / "evals" / "train2.jsonl",
    "dev2": ROOT / "evals" / "dev2.jsonl",
    "dev3": ROOT / "evals" / "dev3.jsonl",
    "blind": ROOT / "evals" / "blind.jsonl",
}
DEV_SETS = ("dev", "dev2", "dev3")  # what thresholds and variants are chosen on, together
COVERAGE_TRAIN_FILES = (SETS["train"], SETS["train2"], ROOT / "evals" / "refusal_tuning.jsonl")


def dev_files() -> list:
    """The dev sets that exist (dev2 and dev3 were added later; a checkout may predate them)."""
    return [SETS[name] for name in DEV_SETS if SETS[name].is_file()]
