"""The bot: holds the loaded index, model and safety checker, and answers one message.

Order of work for every message: clean the text; start the red-flag check on the whole message
(independent of retrieval, in a worker thread: its classifier pass runs on the second core
while this thread embeds the question); embed once for retrieval; wait for the check; then
retrieve, choose quotes and lay out the reply. The escalation text is fixed first and nothing
after it can remove it; if anything after the safety check fails, the reply still carries the
escalation and the disclaimer.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bot import compose, coverage, forms, rerank
from bot.lexicon import expand
from bot.medicine import fixed_reply
from bot.retrieve import Hit, content_words, hybrid_search, retrieval_query, unknown_terms
from bot.safety import (
    DISCLAIMER,
    ESCALATION_TEXT,
    FAIL_CLOSED_TEXT,
    SAFETY_NET_TEXT,
    RedFlag,
    SafetyChecker,
    check_safely,
    ensure_model,
    needs_safety_net,
)
from bot.types import Reply
from ingest import adapt
from ingest.chunk import sentence_embed_text
from ingest.corpus import load_corpus
from ingest.embed import Embedder, load_embedder
from ingest.errors import IndexMismatch, IndexMissing
from ingest.index import Index, build, expected_manifest
from ingest.settings import Settings

MAX_QUESTION_CHARS = 2_000  # what retrieval reads; the red-flag check reads everything
MAX_HISTORY = 6  # earlier messages kept for follow-ups
CANDIDATE_CHUNKS = 6  # fused chunks whose sentences compete for quotes
# A sentence is chosen on its own similarity blended with its chunk's: the chunk knows the
# context ("However, MS only affects the CNS…" is about sciatica because its paragraph is).
CHUNK_WEIGHT = 0.25
# Selection: a sentence shaped like an answer to the question's form (bot.forms) gains this
# much; chosen on the dev set by `python -m evals.tune_selection`.
FORM_WEIGHT = 0.02  # 0.00 and 0.02 tie on dev; larger lose first-passage support
# Refusal: the coverage score of bot/coverage.json (fitted on the training set, threshold
# calibrated on dev, for the model that answers: `python -m evals.tune_refusal`). With
# another model (MODEL_PATH) the fallback rule is v0.1.0's: the best sentence scores below
# REFUSE_BELOW, or below REFUSE_UNKNOWN_BELOW while the question uses a topic word no
# article uses (tuned for the base model on evals/refusal_tuning.jsonl).
REFUSE_BELOW = 0.46
REFUSE_UNKNOWN_BELOW = 0.67
ERROR_TEXT = "Something went wrong while searching the articles. Please try again."

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _timed_check(checker: SafetyChecker | None, message: str) -> tuple[list[RedFlag], float]:
    t = time.perf_counter()
    flags = check_safely(checker, message)
    return flags, _ms(t)


def clean_text(text: object) -> str:
    """Text safe to embed and search: no control characters or lone surrogates.

    >>> clean_text("back\\x00 pain\\ud800")
    'back pain'
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _SURROGATE.sub("", _CONTROL.sub("", text)).strip()


class Bot:
    """Answers questions from the articles. Build with `bot.load()`.

    `embedder` is the model that embeds queries (the adapted one unless MODEL_PATH says
    otherwise); the red-flag checker has its own classifier and runs in `_safety`, a one-thread
    pool, beside the query's embedding.
    """

    def __init__(self, settings: Settings, index: Index, embedder: Embedder,
                 checker: SafetyChecker | None, refuse_below: float = REFUSE_BELOW,
                 refuse_unknown_below: float = REFUSE_UNKNOWN_BELOW,
                 form_weight: float = FORM_WEIGHT, use_lexicon: bool = True) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self.checker = checker
        self._safety = ThreadPoolExecutor(max_workers=1, thread_name_prefix="red-flags")
        self.refuse_below = refuse_below
        self.refuse_unknown_below = refuse_unknown_below
        self.form_weight = form_weight
        self.use_lexicon = use_lexicon  # off only for the ablation in evals
        self._embed_texts: dict[int, str] = {}
        model = coverage.load()
        self.coverage = model if model is not None and model.model == model_tag(
            embedder.name) else None
        ranker = rerank.load()
        self.reranker = ranker if ranker is not None and ranker.model == model_tag(
            embedder.name) else None

    # -- retrieval ------------------------------------------------------------------------------
    def _query_vector(self, query: str) -> np.ndarray:
        """One model pass: the retrieval query (the message, or a follow-up with its context)."""
        return self.embedder.encode([query])[0]

    def retrieve(self, question: str, history: Sequence[str] = ()) -> list[Hit]:
        """Fused chunk hits for a message (used by the evals' "retrieved" field)."""
        question = clean_text(question)[:MAX_QUESTION_CHARS]
        history = [clean_text(h)[:MAX_QUESTION_CHARS] for h in history][-MAX_HISTORY:]
        query = retrieval_query(question, history)
        query_vec = self._query_vector(query)
        return hybrid_search(self.index, query, query_vec, lexicon=self.use_lexicon)

    def _candidates(self, hits: Sequence[Hit], query_vec: np.ndarray) -> dict[int, float]:
        ids: list[int] = []
        for hit in hits[:CANDIDATE_CHUNKS]:
            chunk = self.index.chunks[hit.chunk]
            ids.extend(range(chunk.first_sentence, chunk.last_sentence + 1))
        ids = sorted(set(ids))
        if not ids:
            return {}
        scores = self.index.sentence_vectors[ids] @ query_vec
        return {i: float(s) for i, s in zip(ids, scores, strict=True)}

    def _relevance(self, hits: Sequence[Hit], candidates: dict[int, float],
                   query_vec: np.ndarray) -> dict[int, float]:
        """Selection score: sentence similarity blended with its chunk's (CHUNK_WEIGHT)."""
        chunk_score: dict[int, float] = {}
        for hit in hits[:CANDIDATE_CHUNKS]:
            chunk = self.index.chunks[hit.chunk]
            score = float(self.index.chunk_vectors[hit.chunk] @ query_vec)
            for i in range(chunk.first_sentence, chunk.last_sentence + 1):
                chunk_score[i] = max(score, chunk_score.get(i, -1.0))
        return {i: (1 - CHUNK_WEIGHT) * s + CHUNK_WEIGHT * chunk_score.get(i, s)
                for i, s in candidates.items()}

    def _embed_text(self, i: int) -> str:
        if i not in self._embed_texts:
            self._embed_texts[i] = sentence_embed_text(self.index.sentences, i)
        return self._embed_texts[i]

    def candidate_features(self, question: str, hits: Sequence[Hit],
                           candidates: dict[int, float], relevance: dict[int, float]
                           ) -> dict[int, list[float]]:
        """The reranker's features of every candidate sentence (bot.rerank.FEATURES)."""
        form = forms.question_form(question)
        rank: dict[int, int] = {}
        for r, hit in enumerate(hits[:CANDIDATE_CHUNKS]):
            chunk = self.index.chunks[hit.chunk]
            for i in range(chunk.first_sentence, chunk.last_sentence + 1):
                rank.setdefault(i, r)
        sentences = self.index.sentences
        out = {}
        for i in candidates:
            s = sentences[i]
            first = i == 0 or (sentences[i - 1].doc_id, sentences[i - 1].paragraph) != (
                s.doc_id, s.paragraph)
            out[i] = rerank.features(question, form, self._embed_text(i), relevance[i],
                                     candidates[i], rank.get(i, CANDIDATE_CHUNKS),
                                     s.kind == "item", first)
        return out

    def prefer(self, question: str, hits: Sequence[Hit], candidates: dict[int, float],
               relevance: dict[int, float]) -> dict[int, float]:
        """The selection score that picks the answer (the first quote): relevance plus the
        reranker's weight × P(answers) when the reranker belongs to this model, else plus
        FORM_WEIGHT for a sentence of the question's form (a list item is read with its
        lead-in). Further quotes are chosen by relevance (`compose.select`)."""
        if self.reranker is not None and self.reranker.weight > 0:
            feats = self.candidate_features(question, hits, candidates, relevance)
            w = self.reranker.weight
            return {i: s + w * self.reranker.probability(feats[i])
                    for i, s in relevance.items()}
        form = forms.question_form(question)
        if form is None or not self.form_weight:
            return relevance
        return {i: s + (self.form_weight if forms.fits(form, self._embed_text(i)) else 0.0)
                for i, s in relevance.items()}

    def coverage_features(self, query: str, hits: Sequence[Hit],
                          candidates: dict[int, float], query_vec: np.ndarray) -> np.ndarray:
        """What the coverage score reads (bot.coverage.FEATURES), from this answer's work."""
        best_sentence = max(candidates.values(), default=0.0)
        best_chunk = max((float(self.index.chunk_vectors[h.chunk] @ query_vec) for h in hits),
                         default=0.0)
        text = expand(query) if self.use_lexicon else query
        bm25 = self.index.bm25_chunks(text, 1)
        unknown = unknown_terms(self.index, query, lexicon=self.use_lexicon)
        known = len(content_words(text)) - len(unknown)
        retrieval = [best_sentence, best_chunk, bm25[0][1] if bm25 else 0.0,
                     float(bool(unknown)), float(len(unknown)), float(max(known, 0))]
        return np.concatenate((retrieval, query_vec)).astype(float)

    def covered(self, query: str, hits: Sequence[Hit], candidates: dict[int, float],
                query_vec: np.ndarray) -> bool:
        """Do the articles cover this question? (see bot.coverage, or REFUSE_BELOW)"""
        if self.refuse_below < 0:  # refusal switched off (the ablation)
            return True
        if self.coverage is not None:
            return self.coverage.covered(
                self.coverage_features(query, hits, candidates, query_vec))
        best = max(candidates.values(), default=0.0)
        if best < self.refuse_below:
            return False
        unknown = unknown_terms(self.index, query, lexicon=self.use_lexicon)
        return not (unknown and best < self.refuse_unknown_below)

    # -- answering ------------------------------------------------------------------------------
    def _check_later(self, message: str) -> Future[tuple[list[RedFlag], float]] | None:
        try:
            return self._safety.submit(_timed_check, self.checker, message)
        except Exception:  # a pool that cannot start a thread: check in this thread instead
            return None

    def _flags(self, pending: Future[tuple[list[RedFlag], float]] | None, message: str
               ) -> tuple[list[RedFlag], float]:
        """The check's result and its own duration (ms); `check_safely` never raises, so
        neither does this."""
        if pending is None:
            return _timed_check(self.checker, message)
        try:
            return pending.result()
        except Exception:
            return check_safely(None, message), 0.0

    def answer(self, question: str, history: Sequence[str] = ()) -> Reply:
        t_start = time.perf_counter()
        timings: dict[str, float] = {}
        raw = question if isinstance(question, str) else ("" if question is None else str(question))
        text = clean_text(raw)
        notes = []
        if len(text) > MAX_QUESTION_CHARS:
            notes.append(compose.TRUNCATED_NOTE.format(limit=MAX_QUESTION_CHARS))
        short = text[:MAX_QUESTION_CHARS]
        past = [clean_text(h)[:MAX_QUESTION_CHARS] for h in (history or ())][-MAX_HISTORY:]

        # 1. red flags on the whole message, started first, beside 2. the query's embedding.
        t = time.perf_counter()
        pending = self._check_later(raw)
        query = retrieval_query(short, past) if short else ""
        query_vec = None
        embed_error = False
        if short:
            try:
                query_vec = self._query_vector(query)
            except Exception:
                embed_error = True
        timings["embed"] = _ms(t)
        t = time.perf_counter()
        flags, timings["safety_check"] = self._flags(pending, raw)  # its own time, in parallel
        timings["safety"] = _ms(t)  # what it added: the wait beyond the embedding
        escalations = _escalation_texts(flags)
        escalation = flags[0].level if flags else None
        safety_net = SAFETY_NET_TEXT if needs_safety_net(raw, flags) else ""

        quotes: list = []
        body: str | None = None
        refused = False
        t = time.perf_counter()
        try:
            if not short:
                body, refused = compose.EMPTY_TEXT, True
            elif fixed := fixed_reply(short, past[-1] if past else ""):
                body, refused = fixed, True  # a medicine question: fixed text, no claim
            elif embed_error or query_vec is None:
                body = ERROR_TEXT
            else:
                hits = hybrid_search(self.index, query, query_vec, lexicon=self.use_lexicon)
                timings["retrieve"] = _ms(t)
                t = time.perf_counter()
                candidates = self._candidates(hits, query_vec)
                if self.covered(query, hits, candidates, query_vec):
                    relevance = self._relevance(hits, candidates, query_vec)
                    preferred = self.prefer(short, hits, candidates, relevance)
                    chosen = compose.select(relevance, self.index.sentences,
                                            self.index.sentence_vectors, first=preferred)
                    vectors = self.index.sentence_vectors

                    def score(i: int) -> float:
                        return relevance.get(i, float(vectors[i] @ query_vec))

                    spans = compose.spans(chosen, self.index.sentences, self.index.docs, score)
                    quotes = compose.make_quotes(spans, self.index.docs)[:compose.MAX_QUOTES]
                    if not quotes:
                        body, refused = compose.UNVERIFIED_TEXT, True
                else:
                    refused = True
                    body = (compose.ESCALATED_REFUSAL_TEXT if escalations
                            else compose.REFUSAL_TEXT)
                timings["compose"] = _ms(t)
        except Exception:  # the escalation and disclaimer must survive any failure below
            quotes, body = [], ERROR_TEXT
        lead = compose.LEAD_IN if quotes else ""
        text_out = compose.render(escalations=escalations, quotes=quotes, body=body,
                                  notes=notes, disclaimer=DISCLAIMER, lead_in=lead,
                                  safety_net=safety_net)
        timings["total"] = _ms(t_start)
        return Reply(text=text_out, quotes=quotes, escalation=escalation, refused=refused,
                     disclaimer=DISCLAIMER, timings_ms=timings, escalation_texts=escalations,
                     notes=notes, lead_in=lead, message="" if quotes else (body or ""),
                     safety_net=safety_net)

    # -- a message over the size limit (the app calls this instead of answer) -----------------
    TOO_LONG_TEXT = (
        "Your message is too long for me to read: it has more than {limit:,} characters. "
        "Please send your question again, in a few sentences."
    )

    def answer_too_long(self, message: str) -> Reply:
        """The fixed reply to a message over `settings.max_message_chars`: nothing is searched,
        but the whole message is checked for red flags, so escalation texts come first and the
        disclaimer last, as in every reply."""
        t_start = time.perf_counter()
        flags = check_safely(self.checker, message)
        escalations = _escalation_texts(flags)
        body = self.TOO_LONG_TEXT.format(limit=self.settings.max_message_chars)
        text = "\n\n".join([*escalations, body, f"---\n\n*{DISCLAIMER}*"])
        return Reply(text=text, quotes=[], escalation=flags[0].level if flags else None,
                     refused=True, disclaimer=DISCLAIMER, timings_ms={"total": _ms(t_start)},
                     escalation_texts=escalations, message=body)


def model_tag(name: str) -> str:
    """The part of a model id that names the weights, not where they sit on disk.

    >>> model_tag("path:/home/me/bot/index/adapted/4285f6f50863f9e8")
    '4285f6f50863f9e8'
    """
    return name.rstrip("/").rsplit("/", 1)[-1]


def _escalation_texts(flags: Sequence[RedFlag]) -> list[str]:
    """Fixed texts, most severe first. "Go now" supersedes "see a doctor today", so urgent is
    dropped beside emergency; crisis lines always show."""
    levels = {flag.level for flag in flags}
    texts = []
    for flag in flags:
        if flag.level == "urgent" and "emergency" in levels:
            continue
        text = FAIL_CLOSED_TEXT if flag.rule == "check-failed" else ESCALATION_TEXT[flag.level]
        if text not in texts:
            texts.append(text)
    return texts


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def load(index_dir: str | Path | None = None, *, settings: Settings | None = None,
         embedder: Embedder | None = None, build_if_needed: bool = True) -> Bot:
    """Load the bot. A missing index, or one built from an older corpus or other settings, is
    (re)built first with a warning; a corrupt index raises `IndexCorrupt` naming the fix."""
    settings = settings or Settings.from_env()
    if index_dir is not None:
        settings = dataclasses.replace(settings, index_dir=Path(index_dir))
    if embedder is None:  # the adapted model answers unless MODEL_PATH names another
        if build_if_needed:
            settings, report = adapt.ensure(settings, progress=False)
            if report.trained:
                print(f"warning: trained the adapted model first ({report.seconds:.0f} s)",
                      file=sys.stderr)
            elif report.stale:
                print("note: the adapted model was trained on older data; run `python -m "
                      "ingest adapt` to adapt again", file=sys.stderr)
        else:
            settings = adapt.resolve(settings)
    docs = load_corpus(settings.corpus_dir)
    expected = expected_manifest(settings, docs)
    embedder = embedder or load_embedder(settings)
    try:
        index = Index.load(settings.index_dir, expected, docs)
    except (IndexMissing, IndexMismatch) as exc:
        if not build_if_needed:
            raise
        print(f"warning: {exc}\nbuilding the index now…", file=sys.stderr)
        build(settings, embedder=embedder, progress=False)
        index = Index.load(settings.index_dir, expected, docs)
    try:
        checker: SafetyChecker | None = SafetyChecker(ensure_model(settings).proba)
    except Exception as exc:  # fail closed: every reply will escalate until this is fixed
        print(f"error: the red-flag checker could not start ({exc}); every reply will "
              "escalate", file=sys.stderr)
        checker = None
    return Bot(settings, index, embedder, checker)
