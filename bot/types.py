"""The bot's public result types. `Reply` and `Quote` serialize to JSON (`to_dict`, `to_json`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Escalation = Literal["emergency", "urgent", "crisis"]
LEVELS: tuple[str, ...] = ("emergency", "crisis", "urgent")  # most severe first


@dataclass(frozen=True)
class Quote:
    """A verbatim span of an article: `body[start:end] == text`, checked at answer time."""

    doc_id: str
    title: str
    section: str
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True)
class Reply:
    """What a patient gets back. `text` is the whole Markdown reply as shown; the other fields
    are its parts, in the order the reply shows them, for pages that lay it out themselves:

    escalation_texts (fixed, first) → notes → lead_in + quotes (the first quote is the answer,
    the rest are "More from the articles") or `message` (a fixed text such as the refusal) →
    safety_net (fixed "get help now if…" list) → disclaimer (fixed, always last).
    """

    text: str
    quotes: list[Quote]
    escalation: Escalation | None
    refused: bool
    disclaimer: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    escalation_texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lead_in: str = ""
    message: str = ""
    safety_net: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        quotes = [Quote(**q) for q in data.get("quotes", [])]
        return cls(**{**data, "quotes": quotes})
