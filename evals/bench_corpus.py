"""Synthetic corpora for the scale benchmark: Nx the real corpus, recombined from its paragraphs.

A "paragraph" is one non-blank line of a real body (the articles separate blocks by one or two
line breaks; headings, paragraphs and list items each sit on their own line). Copy r of the
corpus shuffles every real paragraph with a fixed seed and deals them out into as many
documents as the real corpus has, with the real documents' sizes, so an Nx corpus holds each
real paragraph exactly N times under 5N distinct doc ids. The text is all real, so the cleaner,
the chunker and the model see the same kind of input as in production, only more of it.

Pure except `write_corpus`. What this leaves out: building or timing anything (see evals.bench).
`python -m evals.bench_corpus FACTOR DIR` writes one such corpus, to build or serve by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.types import Document

SEED = 20240611


def paragraphs(body: str) -> list[str]:
    """The non-blank lines of a body, in order.

    >>> paragraphs("Title\\n\\nFirst para.\\nSecond para.\\n\\n")
    ['Title', 'First para.', 'Second para.']
    """
    return [line for line in body.split("\n") if line.strip()]


def synthetic_docs(docs: Sequence[Document], factor: int, seed: int = SEED) -> list[Document]:
    """`factor` shuffled copies of the real corpus: `factor * len(docs)` documents, each a
    recombination of real paragraphs, with distinct ids `synthetic-00000`, `synthetic-00001`, …

    >>> real = [Document("a", "A", "a.txt", "x", "One.\\nTwo."), Document("b", "B", "b.txt", "y",
    ...         "Three.")]
    >>> out = synthetic_docs(real, 2)
    >>> [d.doc_id for d in out], sorted(p for d in out for p in paragraphs(d.body))
    (['synthetic-00000', 'synthetic-00001', 'synthetic-00002', 'synthetic-00003'], \
['One.', 'One.', 'Three.', 'Three.', 'Two.', 'Two.'])
    """
    if factor < 1:
        raise ValueError(f"factor must be a positive integer, got {factor}")
    pool = [p for doc in docs for p in paragraphs(doc.body)]
    sizes = [len(paragraphs(doc.body)) for doc in docs]
    rng = random.Random(seed)
    out: list[Document] = []
    for _ in range(factor):
        shuffled = pool[:]
        rng.shuffle(shuffled)
        at = 0
        for real, size in zip(docs, sizes, strict=True):
            body = "\n\n".join(shuffled[at : at + size]) + "\n"
            at += size
            n = len(out)
            out.append(Document(
                doc_id=f"synthetic-{n:05d}",
                title=f"{real.title} (synthetic {n})",
                source=f"synthetic-{n:05d}.txt",
                source_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                body=body,
            ))
    return out


def to_markdown(doc: Document) -> str:
    """A corpus file in the format `ingest.corpus.parse` reads (JSON strings are valid YAML)."""
    return (f"---\nid: {doc.doc_id}\ntitle: {json.dumps(doc.title, ensure_ascii=False)}\n"
            f"source: {doc.source}\nsource_sha256: {doc.source_sha256}\n---\n{doc.body}")


def write_corpus(docs: Sequence[Document], corpus_dir: Path) -> Path:
    """Write one `<doc_id>.md` per document into `corpus_dir` (created if needed)."""
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        with open(corpus_dir / f"{doc.doc_id}.md", "w", encoding="utf-8", newline="") as fh:
            fh.write(to_markdown(doc))
    return corpus_dir


def main(argv: Sequence[str] | None = None) -> int:
    from ingest.corpus import load_corpus
    from ingest.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m evals.bench_corpus",
                                     description="Write an Nx synthetic corpus.")
    parser.add_argument("factor", type=int, help="copies of the real corpus, e.g. 1000")
    parser.add_argument("out", type=Path, help="folder to write <id>.md files into")
    args = parser.parse_args(argv)
    docs = synthetic_docs(load_corpus(Settings.from_env().corpus_dir), args.factor)
    write_corpus(docs, args.out)
    print(f"wrote {len(docs)} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
