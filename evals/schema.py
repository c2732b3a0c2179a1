"""The question-file schema: one JSON object a line, validated line by line.

    {"id": str, "question": str, "history": [str], "expect": "answer" | "refuse" | "any",
     "evidence": [str], "escalate": null | "emergency" | "urgent" | "crisis"}

`history`, `evidence` and `escalate` may be left out (empty, empty, null). Unknown keys are an
error, so a misspelt key ("escalation") cannot silently disable a check. Blank lines and lines
starting with `#` are skipped, so a reviewer can annotate a file. Every error names the file,
the line and what is wrong. What this module leaves out: whether evidence occurs in the corpus
(`missing_evidence` answers that, given the bodies).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.errors import GoldFileError
from evals.match import normalize

EXPECT: tuple[str, ...] = ("answer", "refuse", "any")
ESCALATE: tuple[str | None, ...] = (None, "emergency", "urgent", "crisis")
KEYS: tuple[str, ...] = ("id", "question", "history", "expect", "evidence", "escalate")


@dataclass(frozen=True)
class GoldItem:
    """One question and what a good reply to it must do."""

    id: str
    question: str
    history: tuple[str, ...]
    expect: str  # "answer" | "refuse" | "any"
    evidence: tuple[str, ...]
    escalate: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "history": list(self.history),
            "expect": self.expect,
            "evidence": list(self.evidence),
            "escalate": self.escalate,
        }


def parse_item(data: Any) -> GoldItem:
    """Validate one decoded JSON value; raises ValueError saying what is wrong.

    >>> parse_item({"id": "a", "question": "q?", "expect": "refuse"}).history
    ()
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ValueError(f"unknown key(s) {names} (valid: {', '.join(KEYS)})")
    for key in ("id", "question", "expect"):
        if key not in data:
            raise ValueError(f"missing key {key!r}")
    item_id, question = data["id"], data["question"]
    if not isinstance(item_id, str) or not item_id.strip():
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("'question' must be a non-empty string")
    expect = data["expect"]
    if expect not in EXPECT:
        raise ValueError(f"'expect' is {expect!r}; valid: {', '.join(EXPECT)}")
    escalate = data.get("escalate")
    if escalate not in ESCALATE:
        valid = ", ".join("null" if e is None else e for e in ESCALATE)
        raise ValueError(f"'escalate' is {escalate!r}; valid: {valid}")
    history = _strings(data.get("history", []), "history")
    evidence = _strings(data.get("evidence", []), "evidence")
    if expect == "answer" and not evidence:
        raise ValueError("'expect' is 'answer' but 'evidence' is empty: give at least one span")
    if expect == "refuse" and evidence:
        raise ValueError("'expect' is 'refuse' but 'evidence' is not empty")
    return GoldItem(item_id, question, history, expect, evidence, escalate)


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def parse_lines(lines: Iterable[str], source: str = "<lines>") -> list[GoldItem]:
    """Parse JSONL text; errors read `source:line: what is wrong`. Ids must be unique."""
    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        try:
            item = parse_item(data)
        except ValueError as exc:
            raise GoldFileError(f"{source}:{lineno}: {exc}") from None
        if item.id in first_line:
            raise GoldFileError(
                f"{source}:{lineno}: duplicate id {item.id!r} (first on line {first_line[item.id]})"
            )
        first_line[item.id] = lineno
        items.append(item)
    if not items:
        raise GoldFileError(f"{source}: no questions in the file")
    return items


def load_gold(path: Path) -> list[GoldItem]:
    """Read and validate a question file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GoldFileError(f"cannot read question file {path}: {exc.strerror}") from None
    return parse_lines(text.splitlines(), str(path))


def missing_evidence(items: Iterable[GoldItem], bodies: Mapping[str, str]) -> list[tuple[str, str]]:
    """(item id, span) for every evidence span found in no body, under `normalize`.

    >>> missing_evidence([GoldItem("a", "q", (), "answer", ("Pain  is\u00a0common",), None)],
    ...                  {"d": "Back pain is common."})
    []
    """
    normalized = [normalize(body) for body in bodies.values()]
    return [
        (item.id, span)
        for item in items
        for span in item.evidence
        if not any(normalize(span) in body for body in normalized)
    ]
