"""Run every question of a file through a system (the bot or the baseline) and check each reply.

The only impure part of the harness besides writing the report: it calls the system and reads the
clock. A system is anything with the bot's `answer(question, history)` and
`retrieve(question, history)`; the wall-clock time of `answer` is added to the system's own
per-stage timings as the stage "wall".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from tqdm import tqdm

from bot.types import Reply
from evals.metrics import ItemResult, Retrieved, check
from evals.schema import GoldItem

TOP_K = 5  # retrieved chunks kept per item: enough for hit@5


class System(Protocol):
    def answer(self, question: str, history: Sequence[str] = ()) -> Reply: ...

    def retrieve(self, question: str, history: Sequence[str] = ()) -> Sequence[Any]: ...


def run(
    system: System,
    items: Sequence[GoldItem],
    bodies: Mapping[str, str],
    *,
    name: str = "bot",
    progress: bool = True,
) -> list[ItemResult]:
    results = []
    for item in tqdm(items, desc=f"{name:>8}", unit="q", disable=not progress, leave=False):
        t0 = time.perf_counter()
        reply = system.answer(item.question, item.history)
        wall = round((time.perf_counter() - t0) * 1000, 3)
        retrieved = tuple(
            Retrieved(h.doc_id, int(h.start), int(h.end), h.text, float(h.score))
            for h in list(system.retrieve(item.question, item.history))[:TOP_K]
        )
        timings = {**reply.timings_ms, "wall": wall}
        results.append(
            ItemResult(item, reply, retrieved, timings, check(item, reply, retrieved, bodies))
        )
    return results
