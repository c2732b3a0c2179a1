"""The previous release beside the bot: its replies, read back from a committed snapshot
(`evals.previous`), judged by today's checks, and the items whose outcome changed.

Pure: no model, no git. Not here: producing the snapshot (`evals.previous`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from bot.types import Quote, Reply
from evals.metrics import ItemResult, Retrieved, check
from evals.schema import GoldItem

# Every release so far ended every reply with the disclaimer; the snapshot keeps only what
# can differ, so the disclaimer check is given this stand-in.
SNAPSHOT_DISCLAIMER = "(the release's disclaimer)"


def snapshot_results(items: Sequence[GoldItem], outcomes: Mapping[str, Mapping[str, Any]],
                     bodies: Mapping[str, str]) -> list[ItemResult]:
    """ItemResults for the items the snapshot holds (items it lacks are left out)."""
    out = []
    for item in items:
        o = outcomes.get(item.id)
        if o is None:
            continue
        quotes = [Quote(q["doc_id"], "", "", q["start"], q["end"], q["text"])
                  for q in o["quotes"]]
        reply = Reply(text="", quotes=quotes, escalation=o["escalation"], refused=o["refused"],
                      disclaimer=SNAPSHOT_DISCLAIMER)
        retrieved = tuple(Retrieved(r["doc_id"], r["start"], r["end"], r["text"], r["score"])
                          for r in o.get("retrieved", []))
        out.append(ItemResult(item, reply, retrieved, {}, check(item, reply, retrieved, bodies)))
    return out


def outcome(result: ItemResult) -> str:
    """One word for what happened to an item: pass, or its failure codes; an answer whose
    support is only in a later quote is marked "later-quote".

    >>> from evals.metrics import Checks
    >>> c = Checks(1, True, True, True, 1, 1, True, (), first_supported=False)
    >>> outcome(ItemResult(None, None, (), {}, c))
    'pass (later-quote)'
    """
    c = result.checks
    if c.failures:
        return ",".join(c.failures)
    return "pass (later-quote)" if c.first_supported is False else "pass"


class Change(NamedTuple):
    id: str
    question: str
    before: str
    after: str


def changes(before: Sequence[ItemResult], after: Sequence[ItemResult]) -> list[Change]:
    """Items whose outcome differs between two runs of the same set, in the later run's order."""
    old = {r.item.id: outcome(r) for r in before}
    out = []
    for r in after:
        was = old.get(r.item.id)
        now = outcome(r)
        if was is not None and was != now:
            out.append(Change(r.item.id, r.item.question, was, now))
    return out
