"""Thresholds: the figures a change must not make worse, kept in a versioned JSON file.

    {"version": 1, "min": {"answer.support": 0.9, ...}, "max": {"latency_ms.wall.p95": 400}}

Names are the dotted names of `evals.metrics.flatten`. A name that is not a metric is an error
(listing the valid ones), so a renamed metric cannot silently drop its threshold. A metric that
was not measured on this question file (None: e.g. no crisis items in a reviewer's file) is
reported as skipped rather than failed, so the same file serves any question set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from evals.errors import ThresholdsError

BOUNDS: tuple[str, ...] = ("min", "max")


class Thresholds(NamedTuple):
    version: int
    min: dict[str, float]
    max: dict[str, float]


class Verdict(NamedTuple):
    """One threshold against one measured value. `passed` is None when the value is missing."""

    name: str
    bound: str  # "min" | "max"
    limit: float
    value: float | None
    passed: bool | None


def parse_thresholds(data: Any, source: str = "<thresholds>") -> Thresholds:
    """Validate the decoded JSON of a thresholds file.

    >>> parse_thresholds({"version": 2, "min": {"answer.support": 0.9}}).max
    {}
    """
    if not isinstance(data, dict):
        raise ThresholdsError(f"{source}: expected a JSON object")
    unknown = sorted(set(data) - {"version", *BOUNDS})
    if unknown:
        raise ThresholdsError(f"{source}: unknown key(s) {unknown} (valid: version, min, max)")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ThresholdsError(f"{source}: 'version' must be an integer")
    bounds: dict[str, dict[str, float]] = {}
    for bound in BOUNDS:
        table = data.get(bound, {})
        if not isinstance(table, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in table.values()
        ):
            raise ThresholdsError(f"{source}: {bound!r} must map metric names to numbers")
        bounds[bound] = {str(k): float(v) for k, v in table.items()}
    return Thresholds(version, bounds["min"], bounds["max"])


def load_thresholds(path: Path) -> Thresholds:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThresholdsError(f"cannot read thresholds file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ThresholdsError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_thresholds(data, str(path))


def verdicts(flat: Mapping[str, Any], thresholds: Thresholds) -> list[Verdict]:
    """Compare measured figures (dotted names) with each threshold.

    >>> t = Thresholds(1, {"a": 0.9}, {"b": 100.0})
    >>> [v.passed for v in verdicts({"a": 0.95, "b": 120.0}, t)]
    [True, False]
    """
    unknown = sorted((set(thresholds.min) | set(thresholds.max)) - set(flat))
    if unknown:
        raise ThresholdsError(
            f"threshold(s) for unknown metric(s) {', '.join(unknown)}; "
            f"valid: {', '.join(sorted(flat))}"
        )
    out = []
    for bound, table in (("min", thresholds.min), ("max", thresholds.max)):
        for name, limit in table.items():
            value = flat[name]
            if value is None:
                passed = None
            elif bound == "min":
                passed = value >= limit
            else:
                passed = value <= limit
            out.append(Verdict(name, bound, limit, value, passed))
    return out


def failed(results: list[Verdict]) -> list[Verdict]:
    """The verdicts that fail (skipped ones do not)."""
    return [v for v in results if v.passed is False]
