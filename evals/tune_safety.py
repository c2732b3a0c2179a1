"""Measure and tune the red-flag check on sets kept apart by use.

    python -m evals.tune_safety            # figures on training, dev and blind, side by side
    python -m evals.tune_safety --sweep    # also: the learned channel's thresholds swept on dev

Sets: **training** (`bot/safety/data/redflag_*.jsonl`, what the classifier is fitted on),
**tuning** (`bot/safety/data/rule_tuning/*.jsonl`: minimal pairs, a flagged message beside a
benign twin in nearly the same words, that the concept rules were written from; not trained
on), **dev**
(`evals/redflag_dev.jsonl` to `evals/redflag_dev5.jsonl`, each
written by its own writer apart from the rules and the training data, plus the red-flag and
near-miss items of `evals/gold.jsonl`: what thresholds and variants are chosen on) and **blind**
(`evals/blind_redflags.jsonl`, written by someone who read only the articles and the clinical
sources; frozen, reported, never chosen on). Per set and level: recall (an urgent message
counts as caught when it gets urgent or emergency), precision of the most severe level shown,
and the benign false-escalation rate; for the rules alone, the learned channel alone, and both.

Not here: the rules and the classifier themselves (`bot.safety`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.safety import LEVELS, THRESHOLDS, RedFlag, SafetyChecker, ensure_model, match_phrases
from bot.safety.classifier import DATA_DIR, load_examples
from bot.safety.normalize import normalize
from bot.safety.rules import RANK

EVALS = Path(__file__).resolve().parent
# Red-flag dev sets, each by its own writer apart from the rules and the training data; the
# gold set's red flags and near misses count too.
REDFLAG_DEV_FILES = (EVALS / "redflag_dev.jsonl", EVALS / "redflag_dev2.jsonl",
                     EVALS / "redflag_dev3.jsonl", EVALS / "redflag_dev4.jsonl",
                     EVALS / "redflag_dev5.jsonl")
GOLD_FILE = EVALS / "gold.jsonl"
BLIND_FILE = EVALS / "blind_redflags.jsonl"
RULE_TUNING_DIR = DATA_DIR / "rule_tuning"
SET_NAMES = ("training", "tuning", "dev", "blind")


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    level: str | None


def load_items(path: Path, escalation_only: bool = False) -> list[Item]:
    """Items of a gold-schema file (`question`, `escalate`) or a training file (`text`,
    `level`). With `escalation_only`, a gold file gives its red flags and its benign messages
    that mention a symptom word (the near misses), not its plain questions."""
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = json.loads(line)
        if "text" in row:
            out.append(Item(f"{path.stem}:{n}", row["text"], row["level"]))
            continue
        text = "\n".join([*row.get("history", []), row["question"]])
        if escalation_only and row.get("escalate") is None and row.get("expect") != "any":
            continue
        out.append(Item(row["id"], text, row.get("escalate")))
    return out


def sets() -> dict[str, list[Item]]:
    train = [Item(f"train:{i}", ex.text, ex.level) for i, ex in enumerate(load_examples())]
    dev = [it for path in REDFLAG_DEV_FILES for it in load_items(path)]
    dev += load_items(GOLD_FILE, escalation_only=True)
    tuning = [it for path in sorted(RULE_TUNING_DIR.glob("*.jsonl")) for it in load_items(path)]
    return {"training": train, "tuning": tuning, "dev": dev, "blind": load_items(BLIND_FILE)}


def caught(label: str, levels: Sequence[str]) -> bool:
    """Is a message labelled `label` escalated enough? Urgent is caught by emergency too."""
    return label in levels or (label == "urgent" and "emergency" in levels)


@dataclass(frozen=True)
class Scores:
    n: dict[str, int]
    recall: dict[str, float]
    precision: dict[str, float]
    false_escalation: float
    missed: list[tuple[Item, list[str]]]
    over: list[tuple[Item, list[str]]]

    def line(self) -> str:
        cells = [f"{lv} {self.recall[lv]:.3f} ({self.n[lv]})" for lv in LEVELS]
        prec = " ".join(f"{lv[:4]} {self.precision[lv]:.2f}" for lv in LEVELS)
        return (f"recall {' | '.join(cells)}; benign false escalation "
                f"{self.false_escalation:.3f} ({self.n['benign']}); precision {prec}")


def score(items: Sequence[Item], predicted: Sequence[list[str]]) -> Scores:
    n = {lv: sum(it.level == lv for it in items) for lv in LEVELS}
    n["benign"] = sum(it.level is None for it in items)
    recall, precision = {}, {}
    for lv in LEVELS:
        rows = [p for it, p in zip(items, predicted, strict=True) if it.level == lv]
        recall[lv] = sum(caught(lv, p) for p in rows) / len(rows) if rows else float("nan")
        top = [it for it, p in zip(items, predicted, strict=True) if p[:1] == [lv]]
        precision[lv] = (sum(it.level == lv for it in top) / len(top)) if top else float("nan")
    benign = [p for it, p in zip(items, predicted, strict=True) if it.level is None]
    fe = sum(bool(p) for p in benign) / len(benign) if benign else float("nan")
    missed = [(it, p) for it, p in zip(items, predicted, strict=True)
              if it.level and not caught(it.level, p)]
    over = [(it, p) for it, p in zip(items, predicted, strict=True) if it.level is None and p]
    return Scores(n, recall, precision, fe, missed, over)


def run(checker: SafetyChecker, items: Sequence[Item]
        ) -> tuple[list[list[str]], list[list[str]], list[list[str]], list[float]]:
    """Levels found per item by both channels, the rules alone and the learned channel alone,
    with the check time (ms, the classifier's pass included)."""
    both, rules, learned, ms = [], [], [], []
    for it in items:
        t = time.perf_counter()
        flags = checker.check(it.text)
        ms.append((time.perf_counter() - t) * 1000)
        both.append(_levels(flags))
        rules.append(_levels(match_phrases(it.text)))
        learned.append(_levels(checker.learned(normalize(it.text))))
    return both, rules, learned, ms


def _levels(flags: Sequence[RedFlag]) -> list[str]:
    return sorted({f.level for f in flags}, key=RANK.__getitem__)


# Benign sentences added to a flagged message, in front and behind: a flag must not fade when
# a message grows by one ordinary sentence. Written for this check, not taken from any set.
PADS = ("Sorry for the long message, I am just not sure who to ask about this kind of thing.",
        "I have had MS for about twelve years and I am on Ocrevus, which has been going fine.")
PADDED_CHARS = 200  # only messages up to this are padded: the short ones, read whole


def padded(checker: SafetyChecker, items: Sequence[Item]) -> str:
    """Recall of both channels on the flagged messages of up to `PADDED_CHARS`, as written and
    with a benign sentence added in front or behind (`PADS`): a check that needs the flag to
    be most of the message shows here. Found by a variant that judged a short message on its
    whole read alone: dev false escalation 0.107 -> 0.088, but with the sentence behind it
    caught 1,257 of 1,317 against the landed checker's 1,271."""
    flagged = [it for it in items if it.level and len(it.text) <= PADDED_CHARS]
    out = []
    for label, form in (("as written", "{}"), ("sentence in front", PADS[0] + " {}"),
                        ("sentence behind", "{} " + PADS[1])):
        hit = sum(caught(it.level, _levels(checker.check(form.format(it.text.strip()))))
                  for it in flagged)
        out.append(f"{label} {hit}/{len(flagged)}")
    return f"flagged messages up to {PADDED_CHARS} characters, caught: " + ", ".join(out)


GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Each level may fire on at most this share of dev's benign messages (the safety issue's target
# for all levels together): recall comes first (a missed emergency is a disaster), but a banner
# on every third question would be ignored.
BENIGN_BUDGET = 0.05


def sweep(checker: SafetyChecker, items: Sequence[Item]) -> dict[str, float]:
    """Both channels on dev, per level and learned-channel threshold: recall, and the share of
    benign messages that level fires on. Returns the thresholds the rule picks: per level, the
    best recall among thresholds that fire on at most `BENIGN_BUDGET` of benign messages, and of
    those the highest threshold."""
    rules = [{f.level for f in match_phrases(it.text)} for it in items]
    best = [checker.scores(normalize(it.text)) for it in items]
    print("both channels on dev, by the learned channel's threshold: recall / benign fired")
    chosen = {}
    for lv in LEVELS:
        rows = []
        for thr in GRID:
            fired = [lv in r or b[lv][0] >= thr or (lv == "urgent" and (
                "emergency" in r or b["emergency"][0] >= thr)) for r, b in zip(rules, best,
                                                                            strict=True)]
            hit = np.mean([f for f, it in zip(fired, items, strict=True) if it.level == lv])
            fire = np.mean([lv in r or b[lv][0] >= thr for r, b, it in zip(
                rules, best, items, strict=True) if it.level is None])
            rows.append((thr, float(hit), float(fire)))
        print(f"  {lv:9} " + "  ".join(f"{t:.1f}: {h:.3f}/{f:.3f}" for t, h, f in rows))
        within = [(t, h) for t, h, f in rows if f <= BENIGN_BUDGET] or [rows[-1][:2]]
        top = max(h for _, h in within)
        chosen[lv] = max(t for t, h in within if h >= top - 1e-9)
    print(f"  thresholds the rule picks: {chosen} (in use: {THRESHOLDS})")
    return chosen


def table(checker: SafetyChecker, names: Sequence[str] = SET_NAMES) -> str:
    """Markdown: recall and precision per level and the benign false-escalation rate, for each
    set side by side (what `make eval` prints under the answer sets)."""
    all_sets = sets()
    scores = {}
    for name in names:
        if all_sets.get(name):
            both, _, _, _ = run(checker, all_sets[name])
            scores[name] = score(all_sets[name], both)
    head = " | ".join(f"{n} (n)" for n in scores)
    rows = [f"| Red flags: rules + learned channel | {head} |",
            "|---|" + "---:|" * len(scores)]
    for lv in LEVELS:
        rows.append(f"| {lv} recall | " + " | ".join(
            f"{s.recall[lv]:.3f} ({s.n[lv]})" for s in scores.values()) + " |")
    for lv in LEVELS:
        rows.append(f"| {lv} precision | " + " | ".join(
            f"{s.precision[lv]:.3f}" for s in scores.values()) + " |")
    rows.append("| benign false escalation | " + " | ".join(
        f"{s.false_escalation:.3f} ({s.n['benign']})" for s in scores.values()) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.tune_safety", description=__doc__)
    parser.add_argument("--sweep", action="store_true", help="sweep thresholds on dev")
    parser.add_argument("--no-blind", action="store_true",
                        help="leave the blind set out (while choosing between variants)")
    parser.add_argument("--show", choices=SET_NAMES, action="append",
                        default=[], help="list the missed and over-escalated items of a set")
    args = parser.parse_args(argv)
    from ingest.settings import Settings

    checker = SafetyChecker(ensure_model(Settings.from_env()).proba)
    print(f"thresholds {THRESHOLDS}")
    for name, items in sets().items():
        if name == "blind" and args.no_blind:
            continue
        if not items:
            print(f"\n{name}: no items")
            continue
        both, rules, learned, ms = run(checker, items)
        print(f"\n{name}: {len(items)} messages")
        for label, pred in (("rules", rules), ("learned", learned), ("both", both)):
            print(f"  {label:8} {score(items, pred).line()}")
        print(f"  check time: median {statistics.median(ms):.2f} ms, "
              f"p95 {float(np.percentile(ms, 95)):.2f} ms")
        if name == "dev":
            print(f"  padded   {padded(checker, items)}")
        if name in args.show:
            s = score(items, both)
            for it, p in s.missed:
                print(f"    MISSED want {it.level:9} got {p!s:24} {it.id} {it.text[:150]!r}")
            for it, p in s.over:
                print(f"    OVER   got {p!s:24} {it.id} {it.text[:150]!r}")
    if args.sweep:
        sweep(checker, sets()["dev"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
