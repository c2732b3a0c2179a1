"""The safety layer: red-flag escalation, the safety net and the fixed disclaimer.

One module per concern, in the order a message meets them:
`normalize` (one readable lowercase copy) → `lexicon` (concepts as lay-word lexicons) →
`scope` (negation, time, knowledge questions, idioms) → `rules` and `catalogue` (every flag,
its level and its clinical source) → `classifier` (the learned second channel) → `checker`
(rules, then the classifier, fail closed) → `texts` (the fixed texts).

Not here: how a reply is laid out (`bot.core`, `bot.compose`); languages other than English.
"""

from __future__ import annotations

from bot.safety.catalogue import CATALOGUE, RULES
from bot.safety.checker import (
    MAX_CHECK_CHARS,
    THRESHOLDS,
    SafetyChecker,
    check_safely,
    match_phrases,
    needs_safety_net,
    sentences,
)
from bot.safety.classifier import SafetyModel, ensure_model
from bot.safety.normalize import normalize
from bot.safety.rules import CHECK_FAILED, RedFlag
from bot.safety.texts import (
    DISCLAIMER,
    ESCALATION_TEXT,
    FAIL_CLOSED_TEXT,
    SAFETY_NET_TEXT,
)
from bot.types import LEVELS

__all__ = [
    "CATALOGUE", "CHECK_FAILED", "DISCLAIMER", "ESCALATION_TEXT", "FAIL_CLOSED_TEXT", "LEVELS",
    "MAX_CHECK_CHARS", "RULES", "SAFETY_NET_TEXT", "THRESHOLDS", "RedFlag", "SafetyChecker",
    "SafetyModel", "check_safely", "ensure_model", "match_phrases", "needs_safety_net",
    "normalize", "sentences",
]
