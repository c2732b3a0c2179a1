"""Tune and measure the red-flag check on evals/redflag_tuning.jsonl.

    python -m evals.tune_safety

Prints, for the thresholds in `bot.safety.THRESHOLDS`: recall per level, the false-positive
rate on benign messages, the time per check and how often a check needed an extra model pass;
then a sweep of the embedding channel's threshold per level, the thresholds the tuning rule
picks, and every misclassified message. The held-out gold set is not read here.

Tuning rules. Threshold: per level, the lowest value (0.01 grid) at which the embedding
channel fires on no benign message and on no message of a less severe level, plus `MARGIN`.
Probe margin (when a multi-sentence message is worth splitting): every one-sentence message is
padded with neutral sentences (`PADDING`); per level, the widest margin (0.05 grid) at which the
padded benign messages pay for a split at most `PROBE_BUDGET` of the time.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.safety import (
    LEVELS,
    PROBE_MARGIN,
    THRESHOLDS,
    RedFlag,
    SafetyChecker,
    match_phrases,
    normalize,
    units,
)

TUNING_SET = Path(__file__).resolve().parent / "redflag_tuning.jsonl"
MARGIN = 0.02
PROBE_BUDGET = 0.05
PADDING = (
    ("I have had MS for about six years.", "What should I do?"),
    ("Hi, I have a question about my back.", "Is this normal for MS?"),
    ("Thanks for the earlier answer.", "Any advice?"),
)
_RANK = {level: i for i, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Example:
    text: str
    level: str | None


@dataclass(frozen=True)
class Result:
    example: Example
    flags: list[RedFlag]
    seconds: float
    extra_passes: int  # model calls made by the check itself (message_vec was given)

    @property
    def levels(self) -> list[str]:
        return [f.level for f in self.flags]


@dataclass(frozen=True)
class Report:
    results: list[Result]

    def recall(self, level: str) -> float:
        """Share of messages labelled `level` whose escalations include `level`."""
        rows = [r for r in self.results if r.example.level == level]
        return sum(level in r.levels for r in rows) / len(rows)

    def top_correct(self, level: str) -> float:
        """Share labelled `level` whose most severe escalation is exactly `level`."""
        rows = [r for r in self.results if r.example.level == level]
        return sum(r.levels[:1] == [level] for r in rows) / len(rows)

    @property
    def false_positive_rate(self) -> float:
        benign = [r for r in self.results if r.example.level is None]
        return sum(bool(r.flags) for r in benign) / len(benign)

    @property
    def wrong(self) -> list[Result]:
        return [r for r in self.results if r.levels[:1] != ([r.example.level] if r.example.level
                                                               else [])]


def load_set(path: Path = TUNING_SET) -> list[Example]:
    with open(path, encoding="utf-8") as f:
        return [Example(row["text"], row["level"]) for row in map(json.loads, f) if row]


def evaluate(checker: SafetyChecker, encode: Callable[[list[str]], np.ndarray],
             examples: Sequence[Example], counter: list[int]) -> Report:
    """Run the check as the bot does: the message vector is computed first and passed in.
    `counter[0]` must count calls of the encoder the checker was built with."""
    results = []
    vectors = encode([ex.text for ex in examples])
    for ex, vec in zip(examples, vectors, strict=True):
        before = counter[0]
        t = time.perf_counter()
        flags = checker.check(ex.text, vec)
        results.append(Result(ex, flags, time.perf_counter() - t, counter[0] - before))
    return Report(results)


def over_fires(level: str, label: str | None) -> bool:
    """Would firing `level` on a message labelled `label` over-escalate it?"""
    return label is None or _RANK[label] > _RANK[level]


def tuned_thresholds(examples: Sequence[Example],
                     best: Sequence[dict[str, tuple[float, str, str]]]) -> dict[str, float]:
    """The tuning rule (module docstring) applied to each example's best similarity."""
    out = {}
    for level in LEVELS:
        worst = max((b[level][0] for ex, b in zip(examples, best, strict=True)
                     if over_fires(level, ex.level)), default=0.0)
        out[level] = round(float(np.ceil(worst * 100 + 1e-9)) / 100 + MARGIN, 2)
    return out


def probe_table(checker: SafetyChecker, encode: Callable[[list[str]], np.ndarray],
                examples: Sequence[Example]) -> dict[str, list[tuple[float, float, float]]]:
    """Per level and margin: (margin, share of padded benign messages that would be split,
    share of padded red flags whose own sentence passes the threshold that would be split)."""
    singles = [ex for ex in examples if len(units(normalize(ex.text))) == 1]
    padded = [(ex, f"{pre} {ex.text}. {post}") for ex in singles for pre, post in PADDING]
    whole = encode([t for _, t in padded]) @ checker.exemplar_matrix.T
    alone = encode([ex.text for ex in singles]) @ checker.exemplar_matrix.T
    alone = np.repeat(alone, len(PADDING), axis=0)
    benign = np.array([ex.level is None for ex, _ in padded])
    table = {}
    for level in LEVELS:
        cols, thr = checker.columns(level), checker.thresholds[level]
        w, a = whole[:, cols].max(1), alone[:, cols].max(1)
        wanted = np.array([ex.level == level for ex, _ in padded]) & (a >= thr)
        table[level] = [(m, float((w[benign] >= thr - m).mean()),
                         float((w[wanted] >= thr - m).mean()) if wanted.any() else 1.0)
                        for m in np.round(np.arange(0.05, 0.31, 0.05), 2)]
    return table


def tuned_margins(table: dict[str, list[tuple[float, float, float]]]) -> dict[str, float]:
    return {level: float(max((m for m, cost, _ in rows if cost <= PROBE_BUDGET), default=0.0))
            for level, rows in table.items()}


def counting(encode: Callable[[list[str]], np.ndarray]
             ) -> tuple[Callable[[list[str]], np.ndarray], list[int]]:
    counter = [0]

    def wrapped(texts: list[str]) -> np.ndarray:
        counter[0] += 1
        return encode(texts)

    return wrapped, counter


def main() -> None:
    from ingest.embed import load_embedder
    from ingest.settings import Settings

    embedder = load_embedder(Settings.from_env())
    examples = load_set()
    encode, counter = counting(embedder.encode)
    checker = SafetyChecker(encode)
    embedder.encode(["warm up"])
    report = evaluate(checker, embedder.encode, examples, counter)

    counts = {lv: sum(ex.level == lv for ex in examples) for lv in [*LEVELS, None]}
    print(f"tuning set: {len(examples)} messages {counts}")
    print(f"thresholds: {THRESHOLDS}")
    for level in LEVELS:
        print(f"  {level:9} recall {report.recall(level):.3f}   "
              f"most severe level right {report.top_correct(level):.3f}")
    benign = counts[None]
    fp = round(report.false_positive_rate * benign)
    print(f"  false-positive rate on benign: {report.false_positive_rate:.3f} ({fp}/{benign})")
    times = [r.seconds * 1000 for r in report.results]
    extra = [r for r in report.results if r.extra_passes]
    print(f"  check time, message_vec given: median {statistics.median(times):.3f} ms, "
          f"max {max(times):.1f} ms; extra model pass on {len(extra)}/{len(examples)} messages")
    phrase_only = [ex for ex in examples if ex.level and ex.level not in
                   [f.level for f in match_phrases(ex.text)]]
    print(f"  red flags the phrase rules alone miss: {len(phrase_only)}")

    best = checker.best_matches([ex.text for ex in examples])
    print("\nembedding channel alone (every eligible sentence), by threshold:")
    print("  thr  " + "  ".join(f"{lv[:5]:>5} hit/over" for lv in LEVELS))
    for thr in np.arange(0.40, 0.91, 0.05):
        cells = []
        for level in LEVELS:
            hit = sum(b[level][0] >= thr for ex, b in zip(examples, best, strict=True)
                      if ex.level == level)
            over = sum(b[level][0] >= thr for ex, b in zip(examples, best, strict=True)
                       if over_fires(level, ex.level))
            cells.append(f"{hit:>6}/{over:<5}")
        print(f"  {thr:.2f} " + "  ".join(f"{c:>14}" for c in cells))
    print(f"\ntuned thresholds (rule: no over-escalation, +{MARGIN}): "
          f"{tuned_thresholds(examples, best)}")
    for level in LEVELS:
        worst = max(((b[level][0], ex.text, b[level][1]) for ex, b in
                     zip(examples, best, strict=True) if over_fires(level, ex.level)))
        print(f"  {level:9} closest non-{level}: {worst[0]:.3f} {worst[1]!r} ~ {worst[2]}")

    table = probe_table(checker, embedder.encode, examples)
    print(f"\nprobe margins in use: {PROBE_MARGIN}; padded messages split / diluted red flags "
          "recovered, by margin:")
    for level, rows in table.items():
        print(f"  {level:9} " + "  ".join(f"{m:.2f}: {c:.3f}/{r:.2f}" for m, c, r in rows))
    print(f"  tuned probe margins (split at most {PROBE_BUDGET:.0%} of benign): "
          f"{tuned_margins(table)}")

    print("\nmisclassified:" if report.wrong else "\nmisclassified: none")
    for r in report.wrong:
        got = ", ".join(f"{f.level}/{f.rule}" for f in r.flags) or "none"
        print(f"  want {r.example.level!s:9} got {got:40} {r.example.text!r}")


if __name__ == "__main__":
    main()
