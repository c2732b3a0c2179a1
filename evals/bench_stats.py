"""The benchmark's arithmetic and its report: percentiles over repeated rounds, the targets, and
the Markdown table. Pure: numbers in, numbers and text out (the clock and the processes are in
evals.bench and evals.bench_worker).

The machine is noisy, so every timing is measured in several rounds and reported as the median
of the per-round figures with the min-max across rounds beside it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

# The targets.
MAX_ANSWER_OVER_FLOOR = 1.5  # answer p95 / floor p95, real corpus
MAX_GROWTH_100X = 2.0  # answer p95 at 100x / answer p95 at 1x
MAX_COLD_START_S = 15.0  # fresh process to first answer
MAX_NOOP_INGEST_S = 3.0  # `python -m ingest` on an up-to-date index (strictly less than)


class Spread(NamedTuple):
    """A median over repeated runs and the range it came from."""

    median: float
    low: float
    high: float
    runs: int

    def show(self, digits: int = 1, unit: str = "") -> str:
        """'12.3 (11.9-13.0)', or just the number when there was one run.

        >>> Spread(12.34, 11.9, 13.0, 5).show(1, " ms")
        '12.3 ms (11.9-13.0)'
        """
        main = f"{self.median:.{digits}f}{unit}"
        if self.runs < 2:
            return main
        return f"{main} ({self.low:.{digits}f}-{self.high:.{digits}f})"


class Percentiles(NamedTuple):
    """p50 and p95 of one quantity: each computed per round, then summarized across rounds."""

    p50: Spread
    p95: Spread
    samples: int  # measurements per round


def spread(values: Sequence[float]) -> Spread:
    """Median and range of repeated measurements.

    >>> spread([3.0, 1.0, 2.0])
    Spread(median=2.0, low=1.0, high=3.0, runs=3)
    """
    if not values:
        raise ValueError("spread() needs at least one value")
    return Spread(float(statistics.median(values)), float(min(values)), float(max(values)),
                  len(values))


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default).

    >>> percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50), percentile(range(1, 101), 95)
    (3.0, 95.05)
    """
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def over_rounds(rounds: Sequence[Sequence[float]]) -> Percentiles:
    """Per-round p50/p95, summarized across rounds.

    >>> over_rounds([[1, 2, 3], [2, 3, 4]]).p50
    Spread(median=2.5, low=2.0, high=3.0, runs=2)
    """
    rounds = [r for r in rounds if len(r)]
    if not rounds:
        raise ValueError("over_rounds() needs at least one non-empty round")
    return Percentiles(spread([percentile(r, 50) for r in rounds]),
                       spread([percentile(r, 95) for r in rounds]),
                       min(len(r) for r in rounds))


def stage_percentiles(rounds: Sequence[Sequence[Mapping[str, float]]]) -> dict[str, Percentiles]:
    """Per-stage percentiles from rounds of per-answer timing dicts (`Reply.timings_ms` plus
    "wall"). A stage an answer skipped (no "compose" for an empty message) is left out of it."""
    stages: list[str] = []
    for answers in rounds:
        for timings in answers:
            stages += [s for s in timings if s not in stages]
    return {stage: over_rounds([[t[stage] for t in answers if stage in t] for answers in rounds])
            for stage in stages}


class Target(NamedTuple):
    name: str
    value: float | None  # None: not measured in this run
    limit: float
    strict: bool  # value < limit rather than value <= limit
    unit: str
    detail: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value < self.limit if self.strict else self.value <= self.limit

    def show(self) -> str:
        op = "<" if self.strict else "≤"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[self.met]
        value = "—" if self.value is None else f"{self.value:.2f}{self.unit}"
        return f"{verdict:>12}  {self.name}: {value} (target {op} {self.limit:g}{self.unit}; " \
               f"{self.detail})"


def targets(
    *,
    answer_p95: float,
    floor_p95: float,
    scale_p95: Mapping[int, float],
    cold_start_s: float | None,
    noop_ingest_s: float | None,
) -> list[Target]:
    """The issue's four targets from the measured figures.

    >>> [t.met for t in targets(answer_p95=15, floor_p95=10, scale_p95={1: 15, 100: 31},
    ...  cold_start_s=9.0, noop_ingest_s=None)]
    [True, False, True, None]
    """
    base, big = scale_p95.get(1), scale_p95.get(100)
    growth = big / base if base and big is not None else None
    return [
        Target("answer p95 / floor p95 (real corpus, same questions)", answer_p95 / floor_p95,
               MAX_ANSWER_OVER_FLOOR, False, "x",
               f"{answer_p95:.1f} ms / {floor_p95:.1f} ms"),
        Target("answer p95 at 100x / at 1x", growth, MAX_GROWTH_100X, False, "x",
               "scale 100 not run" if growth is None else f"{big:.1f} ms / {base:.1f} ms"),
        Target("cold start to first answer", cold_start_s, MAX_COLD_START_S, False, " s",
               "median of fresh `python -m bot` runs"),
        Target("no-op ingest", noop_ingest_s, MAX_NOOP_INGEST_S, True, " s",
               "median of `python -m ingest` runs on an up-to-date index"),
    ]


def mib(n_bytes: float | None) -> str:
    """Bytes as MiB for the table.

    >>> mib(3 * 1024 * 1024)
    '3.0 MiB'
    """
    return "—" if n_bytes is None else f"{n_bytes / 2**20:.1f} MiB"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table.

    >>> print(markdown_table(["a", "b"], [[1, "x"]]))
    | a | b |
    |---|---|
    | 1 | x |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def to_jsonable(value: Any) -> Any:
    """NamedTuples become dicts (recursively) so the report is plain JSON."""
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: to_jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
