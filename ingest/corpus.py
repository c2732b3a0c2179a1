"""Load the corpus: one Markdown file per article, YAML front matter, then the body.

The body is everything after the `---` line that closes the front matter. It is the source
article byte for byte (its SHA-256 is recorded as `source_sha256`), so quotes can be checked
against it character for character. This module reads; it never edits a body.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from ingest.errors import CorpusError
from ingest.types import Document

REQUIRED = ("id", "title", "source", "source_sha256")


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
        raise CorpusError(f"{name}: front matter is not valid YAML ({exc})") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{name}: front matter must be 'key: value' lines")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise CorpusError(f"{name}: front matter lacks {', '.join(missing)}")
    return Document(
        doc_id=str(meta["id"]),
        title=str(meta["title"]),
        source=str(meta["source"]),
        source_sha256=str(meta["source_sha256"]),
        body=raw[close + 5 :],
    )


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every `*.md` in `corpus_dir`, sorted by file name."""
    paths = sorted(Path(corpus_dir).glob("*.md"))
    if not paths:
        raise CorpusError(f"no articles in {corpus_dir}: the corpus/ folder should hold *.md files")
    docs = []
    for path in paths:
        # newline="" keeps the bytes exactly: no universal-newline translation.
        with open(path, encoding="utf-8", newline="") as fh:
            doc = parse(fh.read(), path.name)
        if doc.doc_id != path.stem:
            raise CorpusError(f"{path.name}: id {doc.doc_id!r} differs from the file name")
        docs.append(doc)
    return docs


def body_sha256(doc: Document) -> str:
    return hashlib.sha256(doc.body.encode("utf-8")).hexdigest()


def corpus_hash(docs: list[Document]) -> str:
    """One hash over every article's id, title and body: what the index is built from."""
    h = hashlib.sha256()
    for doc in docs:
        for part in (doc.doc_id, doc.title, doc.body):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()
