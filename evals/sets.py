"""The question sets, kept apart by use (whoever tunes must not write the set that judges).

- **train** (`evals/train.jsonl`): fits and tunes — the adapted model's pairs
  (`ingest.adapt`); never used to choose between variants.
- **dev** (`evals/gold.jsonl`): chooses between variants and calibrates thresholds
  (selection weights, the refusal score); never trained on.
- **dev2** (`evals/dev2.jsonl`): a second dev set, 256 questions by another writer who read
  only the five articles; for choosing between variants (a 105-question dev set cannot tell
  two or three questions' difference from noise). Thresholds and weights are chosen on
  both dev sets together (`DEV_SETS`); nothing is fitted on either.
- **blind** (`evals/blind.jsonl`): written by someone who read only the articles; reported,
  never used to choose anything. Present only once added.

Not here: running them (`evals.cli`) and comparing releases (`evals.compare`).
"""

from __future__ import annotations

from ingest.settings import ROOT

SETS = {
    "train": ROOT / "evals" / "train.jsonl",
    "dev": ROOT / "evals" / "gold.jsonl",
    "dev2": ROOT / "evals" / "dev2.jsonl",
    "blind": ROOT / "evals" / "blind.jsonl",
}
DEV_SETS = ("dev", "dev2")  # what thresholds and variants are chosen on, together


def dev_files() -> list:
    """The dev sets that exist (dev2 was added later; a checkout may predate it)."""
    return [SETS[name] for name in DEV_SETS if SETS[name].is_file()]
