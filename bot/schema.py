"""The question-file item: one JSON object a line, shared by the evals (which run the items)
and the flags' drafts (bot.feedback, which writes them), so neither depends on the other.

    {"id": str, "question": str, "history": [str], "expect": "answer" | "refuse" | "any",
     "evidence": [str], "escalate": null | "emergency" | "urgent" | "crisis"}

`history`, `evidence` and `escalate` may be left out (empty, empty, null). Unknown keys are an
error, so a misspelt key ("escalation") cannot silently disable a check.
Not here: reading a whole file, line numbers and duplicate ids (evals.schema), whether evidence
occurs in the corpus (evals.schema.missing_evidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
