"""Retrieval: dense (FAISS) and lexical (BM25) chunk search fused by reciprocal rank, and the
resolution of elliptical follow-ups against earlier messages.

Everything here is pure except `hybrid_search`, which calls the prepared index. All corpus
statistics (vectors, BM25 term frequencies) were computed at ingest; a query costs one model
pass (done by the caller), one FAISS search and one BM25 scoring of the query's own tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from bot import lexicon as lay
from ingest.index import Index, bm25_tokenize

RRF_K = 60
DEPTH = 20  # how deep each retriever's list goes before fusion


class Hit(NamedTuple):
    """A fused chunk hit, best first."""

    doc_id: str
    section: str
    start: int
    end: int
    text: str
    score: float
    chunk: int


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of ranked id lists: score(id) = sum 1 / (k + rank), rank from 1.

    >>> rrf([[7, 3, 5], [3, 9]], k=60)[:2]
    [(3, 0.03252247488101534), (7, 0.01639344262295082)]
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def hybrid_search(index: Index, query: str, query_vec: np.ndarray, k: int = 8,
                  lexicon: bool = True) -> list[Hit]:
    """Dense and BM25 chunk rankings fused; BM25 also reads the lay words' article words."""
    dense = [i for i, _ in index.search_chunks(query_vec, DEPTH)]
    lexical = [i for i, _ in index.bm25_chunks(lay.expand(query) if lexicon else query, DEPTH)]
    hits = []
    for i, score in rrf([dense, lexical])[:k]:
        c = index.chunks[i]
        hits.append(Hit(c.doc_id, c.section, c.start, c.end, c.text, score, i))
    return hits


# -- follow-ups ------------------------------------------------------------------------------
_STOP = frozenset(
    """a an the and or but so is are was were be been being do does did can could should would will
    may might must it its it's that this those these they them their there what which who how
    why when where about also then too any some more much many very really just i me my we you
    your of in on for to with from at by as if not no yes ok okay please tell explain mean thing
    things one ones same such else kind sort type types common usual normal get getting help
    helps treat treated treatment treatments work works happen happens cause causes caused feel
    like long last lasts often though although anyway how's what's who's where's
    i've i'm i'd im ive have has had having since down up out over off into through until while
    during before after again once here now""".split()
)
# Everyday words that say nothing about a topic: a question is not "about something the
# articles never mention" just because it says "wrong" or "lately".
_EVERYDAY = frozenset(
    """hurt hurts hurting ever myself yourself safe better best good bad worse worst lot lots still
    need needs needed want wants wanted know think way ways make makes made give gives go going
    goes gone wrong right correct correctly incorrect incorrectly properly normal fine weird
    strange bit little usually sometimes always never every everyday anything something nothing
    someone anyone people person stuff actually basically probably maybe possible possibly great
    big small new old first next day days week weeks month months year years today lately
    recently start started stop stopped try tried keep kept seem seems come comes felt feeling
    feels sore using use used uses put puts let lets say says said see look looks able unable
    lot whole part parts""".split()
)
_ANAPHORA = re.compile(r"\b(?:it|its|it's|that|this|those|these|they|them|their|such|same)\b",
                       re.IGNORECASE)
_STARTERS = re.compile(
    r"^\s*(?:and|or|but|so|also|then|what about|how about|what else|anything else|"
    r"why is that|how come)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def content_words(text: str) -> list[str]:
    """Words that carry a topic.

    >>> content_words("How is it treated?")
    []
    >>> content_words("What is Lhermitte's sign?")
    ["lhermitte's", 'sign']
    """
    return [w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOP]


# Words nearly every question here contains: they do not make a follow-up self-contained.
_DOMAIN = frozenset("ms multiple sclerosis pain pains back symptom symptoms".split())


def topic_words(text: str) -> list[str]:
    """Content words that name what a message is about, beyond everyday and domain words.

    >>> topic_words("why would that cause back pain though?")
    []
    >>> topic_words("What is spasticity?")
    ['spasticity']
    """
    return [w for w in content_words(text) if w not in _EVERYDAY and w not in _DOMAIN]


def is_follow_up(question: str) -> bool:
    """True for an elliptical message that needs an earlier one to make sense.

    >>> [is_follow_up(q) for q in ["how is it treated?", "Is that common?",
    ...  "what about spasticity?", "why would that cause back pain though?",
    ...  "What is Lhermitte's sign?", "can MS cause sciatica?",
    ...  "been seeing double since this morning"]]
    [True, True, True, True, False, False, False]
    """
    words = topic_words(question)
    if _STARTERS.match(question):
        return True
    if _ANAPHORA.search(question) and len(words) <= 2:
        return True
    return len(words) == 0 and not content_words(question)


def retrieval_query(question: str, history: Sequence[str]) -> str:
    """The text to retrieve with. An elliptical question keeps its own words — they carry
    what is asked ("how is it treated?") — and gains the topic words of the latest
    self-contained earlier message (what "it" is). A self-contained question is left alone.

    >>> retrieval_query("how is it treated?", ["What is Lhermitte's sign?"])
    "how is it treated? (lhermitte's sign)"
    >>> retrieval_query("Does MS cause buttock pain?", ["What is Lhermitte's sign?"])
    'Does MS cause buttock pain?'
    """
    if not history or not is_follow_up(question):
        return question
    topics: list[str] = []
    for earlier in reversed(history):
        if not earlier or not earlier.strip():
            continue
        words = [w for w in content_words(earlier) if w not in _EVERYDAY]
        topics = [w for w in words if w not in topics] + topics
        if not is_follow_up(earlier):
            break
    return f"{question} ({' '.join(topics)})" if topics else question


def unknown_terms(index: Index, question: str, lexicon: bool = True) -> list[str]:
    """Topic words of the question that no article uses (after stemming), e.g. "hereditary".

    A question whose topic the corpus never mentions is probably not covered, however close
    its embedding lands to an article about MS in general. Lay words the lexicon knows are
    read as the articles' words first ("bum" is not a topic the articles lack).
    """
    words = content_words(lay.translate(question) if lexicon else question)
    if not words:
        return []
    vocab = index.bm25.vocab_dict
    words = [w for w in words if w not in _EVERYDAY]
    if not words:
        return []
    return [t for t in bm25_tokenize([" ".join(words)])[0] if t not in vocab]
