"""Cleaning: every named rule on a real corpus line and on a near miss; kept text is never
rewritten; no known boilerplate string reaches a chunk or a sentence."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.chunk import chunk_corpus, chunk_embed_text, sentence_embed_text
from ingest.clean import (
    INLINE_RULES,
    LINE_RULES,
    Span,
    boilerplate_spans,
    iter_lines,
    kept_segments,
    line_rule,
)
from ingest.settings import Settings
from ingest.types import Chunk, Document, Sentence

# rule -> a whole line of the real corpus that the rule (and no earlier rule) drops
LINE_EXAMPLES = {
    "read_more_link": "Recommended Reading: Right Hip Pain During Pregnancy",
    "learn_here_link": "Learn more about nerve pain with MS here.",
    "share_button": "a person with MS is experiencing back painShare on Pinterest",
    "photo_credit": "Tetra Images/Getty Images",
    "link_bait": "> > > 1 Unlikely Stretch Wipes Out Sciatica",
    "read_time": "February 16, 20265 min read",
    "repeated_byline": "Persly Medical TeamPersly Medical Team",
    "page_title": "Based on PubMed | Can multiple sclerosis cause back pain, and what features "
                  "help distinguish MS-related back pain from other causes?",
    "keep_reading": "Keep reading to learn more about possible connections between MS and "
                    "sciatica.",
    "citation_line": "[2] [5] [1] [6]",
    "reference_entry": "  1. 1.^abcdefgPain in multiple sclerosis.(pubmed.ncbi.nlm.nih.gov)",
    "page_section": "Related Questions",
    "site_notice": "Last reviewed by a Cleveland Clinic medical professional on 01/28/2019.",
    "flattened_table": "Response to rest/NSAIDsMay be limitedOften improvesVariable; may improve "
                       "if inflammation is present",
}

# Near misses: lines that look like a rule's target but are content, and must be kept whole.
# (rule, line, taken from the corpus?)
NEAR_MISSES = [
    ("read_more_link", "You Might Like To Think About Whether The Feeling:", True),
    ("read_more_link", "Related symptoms include numbness and tingling in the legs.", False),
    ("learn_here_link", "People with MS can learn about pacing from a physical therapist, as "
                        "described here.", False),
    ("learn_here_link", "Learning to pace activities can reduce back pain.", False),
    ("share_button", "Ive also seen posts on the unofficial Lemtrada Facebook group from "
                     "patients feeling bone pain.", False),
    ("photo_credit", "One 2017 study compared 36 people with MS to 35 people without MS. All of "
                     "the participants underwent magnetic resonance neurography, an advanced "
                     "technology for obtaining high-resolution images of nerves. The researchers "
                     "found that the people with MS had slightly more lesions on the sciatic nerve "
                     "than those without MS.", True),
    ("link_bait", "> Pain may occur suddenly due to spasms and cramping of muscles.", False),
    ("read_time", "- is stopping you doing what youd like to do. Give some examples such as its "
                  "affecting your sleep, your work or your ability to sit down for long. It is "
                  "good to say exactly whats happening, for example, it takes you two hours to "
                  "get to sleep or you can only sit still for 20 minutes at a time.", True),
    ("repeated_byline", "Persly Medical Team", False),
    ("repeated_byline", "Low Back Pain Sciatica And Multiple Sclerosis", True),
    ("page_title", "Medical professionals often use the following methods to treat spasticity in "
                   "people with MS:", True),
    ("page_title", "Based on PubMed studies, MS can cause back pain.", False),
    ("keep_reading", "Keeping a pain diary can help you and your doctor spot triggers.", False),
    ("citation_line", "  • Lhermitte’s phenomenon: Electric shock down spine with neck flexion; "
                      "a hallmark of cervical cord involvement. [2]", True),
    ("reference_entry", "1. Rest or modify your activities", False),
    ("page_section", "Sources of back pain in people with MS", False),
    ("page_section", "Other causes of back pain", True),
    ("site_notice", "It’s important to note that a lot of people experience low back pain, "
                    "regardless of whether or not they have MS. This is why it’s essential to "
                    "undergo a proper diagnosis for your low back pain and not just assume it’s "
                    "from your disease.", True),
    # a table-like run of capitals, but with sentence punctuation: prose, not a table row
    ("flattened_table", "The McDonald criteria guide diagnosis. Apps such as MyTherapy track "
                        "symptoms.", False),
    ("flattened_table", "Comparison: MS-Related vs Mechanical/Radicular Back Pain", True),
    ("clinic_advert", "If a person has MS and experiences spasticity, they should contact a "
                      "healthcare professional to discuss treatment options.", True),
    ("clinic_advert", "Call your doctor if back pain comes with new bladder problems.", False),
]

ADVERT_LINE_START = "Spine surgery may be recommended if your if symptoms persist"

# Boilerplate strings seen in the corpus bodies; none may reach a chunk or a sentence.
BOILERPLATE = [
    "Recommended Reading", "You May Like", "Also Check", "Don’t Miss", "Share on Pinterest",
    "Getty Images", "Wikimedia Commons", "> > >", "min read", "Persly Medical Team",
    "Call us at", "Contact Dr. Lewis", "Important Notice", "pubmed.ncbi.nlm.nih.gov",
    "Learn more about MS treatment here", "Medical illustration for", "Based on PubMed",
    "Keep reading", "Last reviewed by", "Related Articles", "BruceBlaus", "366-1011",
    "FeatureMS-Related", "[2] [5] [1] [6]", "1.^abcdefg",
]


@pytest.fixture(scope="module")
def corpus_lines(docs: list[Document]) -> dict[str, tuple[Document, int, int]]:
    """Every line of every body -> (document, start, end)."""
    out = {}
    for doc in docs:
        for start, end in iter_lines(doc.body):
            out[doc.body[start:end]] = (doc, start, end)
    return out


@pytest.fixture(scope="module")
def table(docs: list[Document], settings: Settings) -> tuple[list[Sentence], list[Chunk]]:
    return chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap, settings.encoding)


def test_every_line_rule_has_an_example() -> None:
    assert sorted(LINE_EXAMPLES) == sorted(LINE_RULES)
    assert sorted({rule for rule, _, _ in NEAR_MISSES}) == sorted([*LINE_RULES, *INLINE_RULES])


@pytest.mark.parametrize(("rule", "line"), LINE_EXAMPLES.items(), ids=list(LINE_EXAMPLES))
def test_line_rule_drops_its_corpus_example(
    rule: str, line: str, corpus_lines: dict[str, tuple[Document, int, int]]
) -> None:
    assert line in corpus_lines, "the example must be a real corpus line"
    assert line_rule(line) == rule
    doc, start, end = corpus_lines[line]
    assert Span(start, end, rule) in boilerplate_spans(doc.body)


@pytest.mark.parametrize(("rule", "line", "from_corpus"), NEAR_MISSES,
                         ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(NEAR_MISSES)])
def test_near_miss_is_kept_whole(
    rule: str, line: str, from_corpus: bool, corpus_lines: dict[str, tuple[Document, int, int]]
) -> None:
    assert line_rule(line) is None
    assert boilerplate_spans(line) == []
    assert kept_segments(line) == [(len(line) - len(line.lstrip()), len(line.rstrip()))]
    if from_corpus:
        doc, start, end = corpus_lines[line]
        assert not [s for s in boilerplate_spans(doc.body) if s.start < end and s.end > start]


def test_clinic_advert_drops_only_the_tail_of_its_line(
    corpus_lines: dict[str, tuple[Document, int, int]]
) -> None:
    [line] = [text for text in corpus_lines if text.startswith(ADVERT_LINE_START)]
    doc, start, end = corpus_lines[line]
    cut = line.index("Contact Dr. Lewis")
    assert line_rule(line) is None
    assert boilerplate_spans(line) == [Span(cut, len(line), "clinic_advert")]
    assert Span(start + cut, end, "clinic_advert") in boilerplate_spans(doc.body)
    assert [line[s:e] for s, e in kept_segments(line)] == [
        "Spine surgery may be recommended if your if symptoms persist after trying "
        "non-surgical methods."]


def test_clinic_advert_needs_a_phone_number() -> None:
    assert boilerplate_spans("Contact Dr. Lewis at Jackson Neurosurgery Clinic today.") == []
    assert boilerplate_spans("Call us at 366-1011.") == [Span(0, 20, "clinic_advert")]


def test_rules_fire_exactly_as_often_as_the_corpus_needs(docs: list[Document]) -> None:
    """An exact tally: a rule that starts eating content lines changes these numbers."""
    per_doc = {d.doc_id: Counter(s.rule for s in boilerplate_spans(d.body)) for d in docs}
    assert per_doc == {
        "ms-back-pain-causes": Counter(learn_here_link=8, share_button=1, photo_credit=1),
        "ms-back-pain-features": Counter(
            reference_entry=9, flattened_table=7, page_title=2, page_section=3,
            repeated_byline=1, read_time=1, citation_line=1, site_notice=1),
        "ms-lower-back-pain": Counter(),
        "ms-pain-back-hip-nerve": Counter(
            read_more_link=9, photo_credit=1, clinic_advert=1, link_bait=1, site_notice=1,
            page_section=1),
        "ms-sciatica": Counter(keep_reading=1),
    }


def test_kept_segments_are_untouched_body_slices(docs: list[Document]) -> None:
    """Kept and dropped text partition every non-blank character of the body; kept pieces are
    body slices trimmed only of surrounding blanks, never edited."""
    for doc in docs:
        body = doc.body
        owner = [""] * len(body)
        for span in boilerplate_spans(body):
            for i in range(span.start, span.end):
                assert owner[i] == "", (doc.doc_id, span)
                owner[i] = "dropped"
        previous_end = -1
        for start, end in kept_segments(body):
            assert previous_end <= start < end
            previous_end = end
            text = body[start:end]
            assert text == text.strip() and "\n" not in text
            for i in range(start, end):
                assert owner[i] == "", (doc.doc_id, text)
                owner[i] = "kept"
        unowned = {body[i] for i in range(len(body)) if owner[i] == ""}
        assert unowned <= {" ", "\n", "\t"}, (doc.doc_id, unowned)


@pytest.mark.parametrize("text", BOILERPLATE)
def test_boilerplate_string_is_in_the_corpus(docs: list[Document], text: str) -> None:
    """Guards the next test: each string really occurs in some body, so its absence from chunks
    means it was cleaned away."""
    assert any(text in d.body for d in docs)


@pytest.mark.parametrize("text", BOILERPLATE)
def test_boilerplate_string_is_in_no_chunk_and_no_sentence(
    docs: list[Document], table: tuple[list[Sentence], list[Chunk]], text: str
) -> None:
    sentences, chunks = table
    titles = {d.doc_id: d.title for d in docs}
    assert not [c.text for c in chunks if text in chunk_embed_text(c, titles[c.doc_id])]
    assert not [s.text for i, s in enumerate(sentences)
                if text in sentence_embed_text(sentences, i)]
