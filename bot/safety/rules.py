"""Concept rules: a red flag is a combination of concepts matched within one clause, then
scoped (negation, time, knowledge question; idioms blanked first).

A `Rule` names its combination as a pattern over `bot.safety.lexicon` concepts, optionally a
second concept that must also occur, not negated, nearby (`requires`: fever *and* back pain),
and a pattern that voids a hit found in its own clause (`unless`: "when I sneeze", "for years").
Crisis rules have no knowledge-question or time exemption: any mention of suicide shows the
crisis lines, as search engines do.

Not here: which rules exist and why (`bot.safety.catalogue`); the learned channel
(`bot.safety.classifier`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.safety import scope
from bot.types import LEVELS

RANK = {level: i for i, level in enumerate(LEVELS)}  # emergency, crisis, urgent


@dataclass(frozen=True)
class RedFlag:
    """One escalation. `evidence` is for tests and debugging only: never log it."""

    level: str  # "emergency" | "crisis" | "urgent"
    rule: str  # rule name, "learned:<level>", or "check-failed"
    evidence: str


CHECK_FAILED = RedFlag("emergency", "check-failed", "")


@dataclass(frozen=True)
class Rule:
    """A named combination of concepts. See the module docstring."""

    name: str
    level: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    near: int = 300
    unless: re.Pattern[str] | None = None
    timeless: bool = False  # a past event still counts ("I had cancer", "I inject drugs")
    # A sign that has passed still counts unless told as long ago (FAST: call 999 even if the
    # symptoms go away, it may be a TIA): "my face dropped this morning, fine now".
    passing: bool = False


def rule(name: str, level: str, *alternatives: str, requires: str | None = None,
         near: int = 300, unless: str | None = None, timeless: bool = False,
         passing: bool = False) -> Rule:
    """Build a `Rule`; each pattern is matched on word boundaries."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")

    def word(p: str) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + p + r")\b")

    return Rule(name, level, word("|".join(alternatives)),
                word(requires) if requires else None, near, word(unless) if unless else None,
                timeless, passing)


def fires(r: Rule, text: str, m: re.Match[str]) -> bool:
    """Is this hit of `r` in `text` (normalized, idioms blanked) a current red flag?"""
    start, end = m.span()
    if scope.negated(text, start, end):
        return False
    if r.unless is not None:
        left, right = scope.clause(text, start, end)
        hit = r.unless.search(text, left, right)
        if hit and not (scope.is_old(hit.group(0)) and (
                scope.recurs(text, end) or scope.today(text, left, right))):
            return False
    if r.level != "crisis":
        sentence = scope.sentence(text, start, end)
        if scope.is_general_question(sentence) and not scope.reported_after(text, end):
            return False
        if scope.answered_no(sentence):
            return False
        over = scope.resolved(sentence) or scope.clause_resolved(text, start, end)
        if r.passing:
            over = over and scope.told_as_old(sentence)
        if not r.timeless and (over or scope.longstanding(sentence)) and not scope.recurs(
                text, end):
            return False
    if r.requires is not None:
        lo, hi = max(0, start - r.near), min(len(text), end + r.near)
        return any(not scope.negated(text, q.start(), q.end()) and not scope.denied_after(
                   text, q.end()) for q in r.requires.finditer(text, lo, hi))
    return True


def match(text: str, rules: Sequence[Rule]) -> list[RedFlag]:
    """Hits over a normalized text, at most one per rule, most severe level first."""
    text = scope.strip_idioms(text)
    flags = []
    for r in rules:
        for m in r.pattern.finditer(text):
            if fires(r, text, m):
                flags.append(RedFlag(r.level, r.name, m.group(0)))
                break
    return sorted(flags, key=lambda f: RANK[f.level])
