"""The plain types that flow between ingest stages. Frozen: a stage never edits another's output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One article. `body` is the source file's text byte for byte (for HTML: the text
    extracted from it, as recorded); every offset points into it. Where the article comes
    from, when known, rides along for the citations: `publisher`, `published` (YYYY-MM-DD)
    and `url`, each None when the front matter does not say."""

    doc_id: str
    title: str
    source: str
    source_sha256: str
    body: str
    publisher: str | None = None
    published: str | None = None
    url: str | None = None

    @property
    def provenance(self) -> str:
        """Publisher and date in one phrase for a citation ("" when neither is known).

        >>> Document("a", "T", "a.txt", "x", "", "Persly", "2026-02-16").provenance
        'Persly, 2026-02-16'
        """
        return ", ".join(p for p in (self.publisher, self.published) if p)


@dataclass(frozen=True)
class Block:
    """A structural unit of a cleaned body: a heading, an FAQ question, a paragraph or a list item.

    `start`/`end` are offsets into the body; `paragraph` numbers paragraphs within the article
    (a list item shares the number of its lead-in paragraph).
    """

    kind: str  # "heading" | "question" | "paragraph" | "item"
    start: int
    end: int
    text: str
    section: str
    paragraph: int


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence (or list item): `body[start:end] == text`."""

    doc_id: str
    section: str
    paragraph: int
    start: int
    end: int
    text: str
    kind: str = "sentence"  # "sentence" | "item" (a list item, quoted with its lead-in)


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: consecutive sentences of one section, `body[start:end] == text`."""

    doc_id: str
    section: str
    paragraph: int
    start: int
    end: int
    text: str
    first_sentence: int  # index into the sentence table
    last_sentence: int  # inclusive
