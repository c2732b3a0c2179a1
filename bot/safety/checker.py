"""The red-flag check: concept rules first, the learned channel second, fail closed.

Every user message is checked here before retrieval and independently of it:

1. **Concept rules** (`bot.safety.rules` over `bot.safety.catalogue`) on the whole normalized
   message. What a rule finds stands: nothing below can lower it.
2. **The learned channel** (`bot.safety.classifier`, a fine-tuned classifier with its own model
   pass) on the whole message when it is short enough to read as one text (`COVER_CHARS`),
   and on each of its sentences that mentions a catalogue concept (at most `MAX_UNITS`, in
   one batch), so a red flag buried in a long rambling message still shows. It
   may only add a level the rules did not find, and it is vetoed (below crisis) on a sentence
   that is a knowledge question or tells of a past, resolved event — the scope the rules use
   too. A message with no such sentence (a recipe, a question about heredity) costs no pass.

`check_safely` never raises: any failure, or no checker, escalates (fail closed). A message
longer than `MAX_CHECK_CHARS` is not read in full in time, so it escalates with the
fail-closed text rather than being half-checked.

Not here: the fixed texts (`bot.safety.texts`); how the reply is laid out (`bot.core`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.safety import lexicon, scope
from bot.safety.catalogue import RULES
from bot.safety.classifier import CLASSES, Proba
from bot.safety.normalize import normalize
from bot.safety.rules import CHECK_FAILED, RANK, RedFlag, match
from bot.types import LEVELS

# P(level) at which the learned channel fires, per level. Chosen on the dev set by `python -m
# evals.tune_safety --no-blind --sweep`: per level, the best recall among thresholds that fire
# on at most BENIGN_BUDGET of dev's benign messages, and of those the highest.
THRESHOLDS: dict[str, float] = {"emergency": 0.2, "crisis": 0.3, "urgent": 0.8}
COVER_CHARS = 500  # up to this, the message is also read whole, as one text (128 word pieces)
MAX_UNITS = 16  # sentences embedded at most, per message, and as many windows
MAX_UNIT_CHARS = 400
# A sentence longer than a window and a half is also read in windows of this many words, half
# overlapping, for crisis only and only at WINDOW_BAR or above: a message written without stops
# ("i think about jumping off my balcony most nights i have had ms for twelve years…") is one
# long sentence in which a crisis fades (see `SafetyChecker.scores`).
WINDOW_WORDS = 12
WINDOW_BAR = 0.6
# The rules read about 3 µs per character (100,000 characters: 0.3 s on the README's machine):
# past this, a check would hold the queue for seconds, so the message escalates with the
# fail-closed text instead. A message this long is not a chat message; the page caps at 20,000.
MAX_CHECK_CHARS = 200_000
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|;\s*")
# The learned channel reads only sentences that mention a concept of the catalogue (a body part,
# function or symptom, an onset, a means or intention): word stems, plus every lexicon concept.
_STEMS = (
    r"\b(?:blad|bowel|pee|wee|urin|toilet|loo|wip|numb|tingl|feel|leg|feet|foot|knee|walk|stand"
    r"|balanc|vertigo|dizz|fall|fell|trip|flop|accident|crash|face|speech|word|arm|stroke|die"
    r"|dead|death|dying|live|living|life|kill|end|hurt|harm|cut|pill|tablet|dose|patch|swallow"
    r"|overdos|morphine|codeine|point|burden|over|future|out for good|fever|temp|chill|shiver"
    r"|sweat|weight|stone|kilo|thin|cancer|tumo|night|sleep|wake|inject|needle|drug|symptom"
    r"|relapse|flare|vision|sight|see|eye|double|blind|burn|sting|infection|uti|worse|new"
    r"|sudden|gone|goodbye|sorry|disappear|hopeless|note|letter|family|everyone|anymore|cope"
    r"|alone|pointless|plan|chest|head|neck|breath|seiz|fit|collaps|faint|steroid|pred|osteo"
    r"|bone|car|stop|sensation|penis|scrot|genital|groin|bum|bottom|back|spine|pain|ache|agony"
    r"|weak|give way|giving way|giv\w* out)"
)
_CUE = re.compile("|".join([_STEMS] + [rf"\b(?:{c})\b" for c in (
    lexicon.PEE, lexicon.BLADDER, lexicon.NUMB, lexicon.AREA, lexicon.SCIATICA, lexicon.BACK,
    lexicon.PAIN, lexicon.SYMPTOM, lexicon.FEVER, lexicon.CANCER, lexicon.WEIGHT,
    lexicon.CHEST, lexicon.HEADACHE, lexicon.STEROID, lexicon.SEIZURE, lexicon.COLLAPSE,
    lexicon.LETHAL, lexicon.VEHICLE_HARM)]))


@dataclass(frozen=True)
class Unit:
    """A sentence the learned channel may read on its own."""

    text: str
    general: bool  # a knowledge question or hypothetical: only crisis may fire
    resolved: bool  # past and over, or long-standing and unchanged: only crisis may fire
    window: bool = False  # a run of words cut from a long sentence: crisis only, at WINDOW_BAR


def sentences(text: str) -> list[str]:
    """Sentences of a normalized message (two words or more), capped in length, that mention a
    catalogue concept (`_CUE`)."""
    out = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if len(part.split()) < 2:
            continue
        part = part[:MAX_UNIT_CHARS]
        if _CUE.search(part):
            out.append(part)
    return out


def windows(sentence: str) -> list[str]:
    """Half-overlapping runs of `WINDOW_WORDS` words of a long sentence that mention a concept.

    >>> windows("one two three")
    []
    >>> len(windows(" ".join(["pain"] * 24)))
    3
    """
    words = sentence.split()
    if len(words) <= WINDOW_WORDS + WINDOW_WORDS // 2:
        return []
    step = WINDOW_WORDS // 2
    runs = (" ".join(words[at:at + WINDOW_WORDS]) for at in range(0, len(words) - step, step))
    return [w for w in runs if _CUE.search(w)]


def _ends(texts: list[str]) -> list[str]:
    """At most `MAX_UNITS` of `texts`: the first and the last half of that, if there are more."""
    if len(texts) <= MAX_UNITS:
        return texts
    return texts[: MAX_UNITS // 2] + texts[-(MAX_UNITS // 2):]


def unit(sentence: str) -> Unit:
    """A sentence with its scope read."""
    return Unit(sentence, scope.is_general_question(sentence),
                scope.resolved(sentence) or scope.longstanding(sentence))


def _eligible(unit: Unit, level: str) -> bool:
    return level == "crisis" or not (unit.general or unit.resolved or unit.window)


class SafetyChecker:
    """Concept rules plus the learned classifier (`proba`: texts -> P(class) rows, columns in
    `bot.safety.classifier.CLASSES`; a `SafetyModel.proba`)."""

    def __init__(self, proba: Proba, thresholds: Mapping[str, float] | None = None) -> None:
        self.thresholds = dict(THRESHOLDS if thresholds is None else thresholds)
        if set(self.thresholds) != set(LEVELS):
            raise ValueError(
                f"thresholds must name exactly {LEVELS}, got {sorted(self.thresholds)}")
        self._proba = proba

    def _level_proba(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        p = np.asarray(self._proba(list(texts)), dtype=np.float64)
        if p.shape != (len(texts), len(CLASSES)) or not np.isfinite(p).all():
            raise ValueError(f"the classifier returned {p.shape} for {len(texts)} texts")
        return {level: p[:, CLASSES.index(level)] for level in LEVELS}

    # -- the learned channel ----------------------------------------------------------------------
    def scores(self, text: str, levels: Sequence[str] = LEVELS) -> dict[str, tuple[float, str]]:
        """Per level, the classifier's highest probability over what may fire for it, in one
        batched pass: the whole message (when it is up to `COVER_CHARS` and has more than one
        sentence with a cue) and each sentence with a cue on its own. Both, because each
        catches what the other misses: read alone, a sentence loses what the message says
        around it ("…this afternoon. mostly gone now"); read whole, a flag in one sentence
        beside a question or a story is diluted ("how many mg is a normal dose? and how many
        would it take…"). Chosen on the five dev sets, where reading only the whole message
        missed 10 emergency and crisis messages and this 6, at more false escalations (0.119
        against 0.085). A level may fire only where a sentence is eligible for it (not a
        knowledge question, not resolved or long-standing), crisis always.

        A long sentence is also read in `windows`, for crisis only: people write without stops,
        and a crisis run on into an ordinary sentence fades both whole and as one sentence. On
        dev, a benign sentence added without a stop behind each flagged message of up to 200
        characters lost 44 of the 1,315 caught as written, 24 of them crisis (`padded` in
        `evals.tune_safety`); windows at `WINDOW_BAR` win back 21 of those crisis messages,
        for false escalation 0.107 -> 0.113. For all levels and at the plain thresholds they
        won back 40, but false escalation rose to 0.141: a run of words cut from a sentence
        loses its negation and its time."""
        # The classifier was trained on messages about bodies, symptoms and intentions; on
        # anything else its probabilities mean nothing, so it reads only messages and sentences
        # with a cue of that kind (`_CUE`).
        plain = scope.strip_idioms(text)  # "dying for the weekend" is no wish to die
        cands = sentences(plain)
        best = {level: (0.0, "") for level in levels}
        if not cands or not levels:
            return best
        cands = _ends(cands)  # scope is read only for the sentences kept
        units = [unit(c) for c in cands]
        whole = len(text) <= COVER_CHARS and (len(units) > 1 or units[0].text != plain)
        units += [Unit(w, False, False, window=True)
                  for w in _ends([w for c in cands for w in windows(c)])]
        p = self._level_proba(([plain] if whole else []) + [u.text for u in units])
        for level in levels:
            rows = [(i + whole, u) for i, u in enumerate(units) if _eligible(u, level)]
            if whole and (level == "crisis" or rows):
                rows.append((0, None))
            for row, u in rows:
                if u is not None and u.window and p[level][row] < WINDOW_BAR:
                    continue
                if p[level][row] > best[level][0]:
                    best[level] = (float(p[level][row]), text[:200] if u is None else u.text)
        return best

    def learned(self, text: str, levels: Sequence[str] = LEVELS) -> list[RedFlag]:
        """Levels (of `levels`) the classifier finds in a normalized message, after vetoes."""
        found = self.scores(text, levels)
        return [RedFlag(level, f"learned:{level}", found[level][1]) for level in LEVELS
                if level in found and found[level][0] >= self.thresholds[level]]

    # -- the check -------------------------------------------------------------------------------
    def check(self, message: str) -> list[RedFlag]:
        """All red flags in the whole message, most severe first, at most one per level.
        May raise: use `check_safely`."""
        if not isinstance(message, str):
            raise TypeError(f"message must be str, not {type(message).__name__}")
        if len(message) > MAX_CHECK_CHARS:
            return [CHECK_FAILED]
        text = normalize(message)
        found: dict[str, RedFlag] = {}
        for flag in match(text, RULES):
            found.setdefault(flag.level, flag)
        # Emergency supersedes urgent ("go now" beats "see a doctor today"): no need to look.
        missing = [level for level in LEVELS if level not in found
                   and not (level == "urgent" and "emergency" in found)]
        for flag in self.learned(text, missing):
            found.setdefault(flag.level, flag)
        return sorted(found.values(), key=lambda f: RANK[f.level])


def match_phrases(message: str) -> list[RedFlag]:
    """Concept-rule hits over the whole message, at most one per rule, most severe first.

    >>> [f.rule for f in match_phrases("No fever, but I can't feel when I wipe")]
    ['cannot-feel-toilet']
    """
    return match(normalize(message), RULES)


def check_safely(checker: SafetyChecker | None, message: str) -> list[RedFlag]:
    """`checker.check`, but never raises: any failure (or no checker) escalates to emergency."""
    if checker is None:
        return [CHECK_FAILED]
    try:
        return checker.check(message)
    except Exception:
        return [CHECK_FAILED]


def needs_safety_net(message: str, flags: Sequence[RedFlag]) -> bool:
    """A message that tells of the writer's own current symptoms and raised no flag ends with
    the fixed "get help now if…" list; a knowledge question does not.

    >>> needs_safety_net("my legs feel stiff and heavy today", [])
    True
    >>> needs_safety_net("what is spasticity?", [])
    False
    """
    return not flags and scope.describes_own_symptoms(normalize(message))
