"""Load the corpus: one Markdown file per article, YAML front matter, then the body.

The body is everything after the `---` line that closes the front matter. It is the source
article byte for byte (its SHA-256 is recorded as `source_sha256`), or, for an article added
from HTML, the text extracted from it (recorded as `body_sha256`, with `extracted_by`), so
quotes can be checked against it character for character. A body whose hash no longer matches
the recorded one was edited by hand, and is refused with the command that accepts the edit.
Optional fields say where the article comes from: `publisher`, `published` (YYYY-MM-DD), `url`.
This module reads and writes front matter; it never edits a body.

Not here: turning a .txt/.md/.html file into an article (ingest.add).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from ingest.errors import CorpusError
from ingest.types import Document

REQUIRED = ("id", "title", "source", "source_sha256")
OPTIONAL = ("body_sha256", "extracted_by", "publisher", "published", "url")
# The order fields are written in (a file written here reads back the same).
FIELDS = ("id", "title", "source", "source_sha256", "body_sha256", "extracted_by",
          "publisher", "published", "url")


def parse(raw: str, name: str = "<string>") -> Document:
    """Split front matter from body.

    >>> parse('---\\nid: a\\ntitle: T\\nsource: a.txt\\nsource_sha256: x\\n---\\nBody.').body
    'Body.'
    """
    if not raw.startswith("---\n"):
        raise CorpusError(f"{name}: no front matter (the file must start with a '---' line)")
    close = raw.find("\n---\n", 3)
    if close < 0:
        raise CorpusError(f"{name}: front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load(raw[4 : close + 1]) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 2}" if where is not None else ""
        raise CorpusError(f"{name}: front matter is not valid YAML{at} "
                          f"({getattr(exc, 'problem', None) or exc}): fix that line (quote a "
                          f"value that holds ': ', '[' or '#'), or undo the edit with "
                          f"`git checkout -- {name}`") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{name}: front matter must be 'key: value' lines")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise CorpusError(f"{name}: front matter lacks {', '.join(missing)}")
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        raise CorpusError(f"{name}: front matter has unknown field(s) {', '.join(unknown)} "
                          f"(known: {', '.join(FIELDS)})")
    published = meta.get("published")
    if isinstance(published, datetime.date):  # YAML reads 2026-02-16 as a date
        published = published.isoformat()
    if published is not None and not is_iso_date(str(published)):
        raise CorpusError(f"{name}: published must be a date as YYYY-MM-DD, got {published!r}")
    return Document(
        doc_id=str(meta["id"]),
        title=str(meta["title"]),
        source=str(meta["source"]),
        source_sha256=str(meta["source_sha256"]),
        body=raw[close + 5 :],
        publisher=_text_or_none(meta.get("publisher")),
        published=_text_or_none(published),
        url=_text_or_none(meta.get("url")),
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def is_iso_date(text: str) -> bool:
    """A date written YYYY-MM-DD.

    >>> is_iso_date("2026-02-16"), is_iso_date("16/02/2026")
    (True, False)
    """
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def front_matter(fields: Mapping[str, str | None]) -> str:
    """The `---` block for `fields` (None values left out), keys in `FIELDS` order. Values are
    written as JSON strings, which YAML reads back unchanged.

    >>> print(front_matter({"title": "A: b", "id": "a"}), end="")
    ---
    id: "a"
    title: "A: b"
    ---
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown front matter field(s) {sorted(unknown)}; known: {FIELDS}")
    lines = [f"{key}: {json.dumps(fields[key], ensure_ascii=False)}" for key in FIELDS
             if fields.get(key) is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


def recorded_body_sha256(raw: str) -> str | None:
    """The hash the body must have: `body_sha256`, else `source_sha256` (the body is the
    source file as is). None when the front matter cannot say."""
    close = raw.find("\n---\n", 3)
    try:
        meta = yaml.safe_load(raw[4 : close + 1]) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict):
        return None
    value = meta.get("body_sha256") or meta.get("source_sha256")
    return str(value) if value else None


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every `*.md` in `corpus_dir`, sorted by file name."""
    paths = sorted(Path(corpus_dir).glob("*.md"))
    if not paths:
        raise CorpusError(f"no articles in {corpus_dir}: the corpus/ folder should hold *.md files")
    docs = [read_article(path) for path in paths]
    seen: dict[str, str] = {}
    for path, doc in zip(paths, docs, strict=True):
        if doc.doc_id in seen:
            first, second = sorted((seen[doc.doc_id], path.name),
                                   key=lambda name: name != f"{doc.doc_id}.md")
            raise CorpusError(
                f"{second}: id {doc.doc_id!r} is already used by {first}: delete the copy, "
                f"or give it an id of its own and name the file <id>.md")
        seen[doc.doc_id] = path.name
    for path, doc in zip(paths, docs, strict=True):
        if doc.doc_id != path.stem:
            raise CorpusError(f"{path.name}: id {doc.doc_id!r} differs from the file name: "
                              f"rename the file to {doc.doc_id}.md, or set its id to "
                              f"{path.stem!r}")
    return docs


def read_article(path: Path) -> Document:
    """One corpus file, parsed, with its body checked against the recorded hash."""
    path = Path(path)
    try:
        # newline="" keeps the bytes exactly: no universal-newline translation.
        with open(path, encoding="utf-8", newline="") as fh:
            raw = fh.read()
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}): "
                          f"restore it from git, or re-add it with `python -m ingest add`"
                          ) from None
    doc = parse(raw, path.name)
    recorded = recorded_body_sha256(raw)
    actual = body_sha256(doc)
    if recorded != actual:
        raise CorpusError(
            f"{path.name}: the body no longer matches its recorded hash (edited after it was "
            f"added; quotes are checked against this text). Undo the edit with "
            f"`git checkout -- {path.name}`, or accept it with "
            f"`python -m ingest rehash {path}`")
    return doc


def rehash(path: Path) -> str:
    """Accept a hand edit: record the body's current hash as `body_sha256`. The new hash."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        raw = fh.read()
    doc = parse(raw, path.name)
    close = raw.find("\n---\n", 3)
    meta = yaml.safe_load(raw[4 : close + 1])
    meta["body_sha256"] = body_sha256(doc)
    if isinstance(meta.get("published"), datetime.date):
        meta["published"] = meta["published"].isoformat()
    text = front_matter({k: None if v is None else str(v) for k, v in meta.items()}) + doc.body
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    tmp.replace(path)
    return str(meta["body_sha256"])


def body_sha256(doc: Document) -> str:
    return hashlib.sha256(doc.body.encode("utf-8")).hexdigest()


def corpus_hash(docs: list[Document]) -> str:
    """One hash over every article's id, title, body and provenance: what the index is built
    from (the index keeps a copy of each document, so a new publisher is a new index)."""
    h = hashlib.sha256()
    for doc in docs:
        for part in (doc.doc_id, doc.title, doc.body, doc.publisher or "", doc.published or "",
                     doc.url or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()
