"""The question sets, kept apart by use (whoever tunes must not write the set that judges).

- **train** (`evals/train.jsonl`): fits and tunes — the adapted model's pairs
  (`ingest.adapt`); never used to choose between variants.
- **dev** (`evals/gold.jsonl`): chooses between variants and calibrates thresholds
  (selection weights, the refusal score); never trained on.
- **blind** (`evals/blind.jsonl`): written by someone who read only the articles; reported,
  never used to choose anything. Present only once added.

Not here: running them (`evals.cli`) and comparing releases (`evals.compare`).
"""

from __future__ import annotations

from ingest.settings import ROOT

SETS = {
    "train": ROOT / "evals" / "train.jsonl",
    "dev": ROOT / "evals" / "gold.jsonl",
    "blind": ROOT / "evals" / "blind.jsonl",
}
