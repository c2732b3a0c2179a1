"""The naive baseline every figure is compared with: dense-only retrieval, the whole top paragraph
quoted, no refusal, no safety layer, no disclaimer, no use of the conversation history.

It shares the bot's index and model, so the difference between the two columns of the report is
what the bot adds on top (BM25 fusion, follow-up handling, sentence-level quote choice, refusal,
red flags, the disclaimer), not a different corpus or embedding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bot.types import Quote, Reply
from evals.metrics import Retrieved

DEPTH = 5  # chunks returned by `retrieve`, enough for hit@5


def paragraph_span(body: str, offset: int) -> tuple[int, int]:
    """The line of `body` around `offset`, without its surrounding whitespace.

    The articles put one paragraph (or list item) per line, so a line is a paragraph.

    >>> body = "Intro.\\n\\n  Spasticity hurts.  \\nEnd."
    >>> start, end = paragraph_span(body, 12)
    >>> body[start:end]
    'Spasticity hurts.'
    """
    if not 0 <= offset <= len(body):
        raise ValueError(f"offset {offset} is outside the body (length {len(body)})")
    start = body.rfind("\n", 0, offset) + 1
    end = body.find("\n", offset)
    end = len(body) if end < 0 else end
    line = body[start:end]
    start += len(line) - len(line.lstrip())
    end -= len(line) - len(line.rstrip())
    return start, max(start, end)


class Baseline:
    """Same `answer(question, history)` and `retrieve(question, history)` as the bot."""

    def __init__(self, index: Any, embedder: Any) -> None:
        self.index = index
        self.embedder = embedder
        self._last: tuple[str, list[tuple[int, float]]] | None = None

    def _search(self, question: str) -> list[tuple[int, float]]:
        # The runner calls answer() then retrieve() with the same question: search once.
        if self._last is None or self._last[0] != question:
            vec = self.embedder.encode([question])[0]
            self._last = (question, self.index.search_chunks(vec, DEPTH))
        return self._last[1]

    def retrieve(self, question: str, history: Sequence[str] = ()) -> list[Retrieved]:
        del history  # the baseline ignores the conversation
        out = []
        for i, score in self._search(question):
            chunk = self.index.chunks[i]
            out.append(Retrieved(chunk.doc_id, chunk.start, chunk.end, chunk.text, score))
        return out

    def answer(self, question: str, history: Sequence[str] = ()) -> Reply:
        del history
        t0 = time.perf_counter()
        hits = self._search(question)
        t1 = time.perf_counter()
        quotes = []
        if hits:
            chunk = self.index.chunks[hits[0][0]]
            doc = self.index.docs[chunk.doc_id]
            start, end = paragraph_span(doc.body, chunk.start)
            quotes.append(Quote(chunk.doc_id, doc.title, chunk.section, start, end,
                                doc.body[start:end], chunk.paragraph))
        text = "\n\n".join(f"> {q.text}\n\n— {q.title}" for q in quotes)
        t2 = time.perf_counter()
        return Reply(
            text=text,
            quotes=quotes,
            escalation=None,
            refused=False,
            disclaimer="",
            timings_ms={
                "search": round((t1 - t0) * 1000, 3),
                "compose": round((t2 - t1) * 1000, 3),
                "total": round((t2 - t0) * 1000, 3),
            },
        )
