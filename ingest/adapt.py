"""Domain adaptation: fine-tune the packaged all-MiniLM-L6-v2 on question → evidence pairs so
that a patient's question lands nearer the sentence that answers it than the sentences that
merely share its topic.

Training pairs, all derived from files in the repository:
- `evals/train.jsonl` (the training set; never the dev or blind set): each answerable question
  with each sentence its evidence spans cover, read as the index embeds it;
- the articles' own FAQ questions and headings, each with the chunks under it (`faq_pairs`).

Each pair gets one hard negative: a sentence of the same article, outside the evidence's
paragraphs, that the base model finds close to the question (chosen with a seeded generator).
The loss is sentence-transformers' MultipleNegativesRankingLoss (in-batch and hard negatives),
trained by a plain loop: seeded, one process, fixed thread count, so a rebuild gives the same
weights. The result is saved in `<index_dir>/adapted/<key>/`, where the key hashes the base
model's digest, the pairs and `AdaptSettings`: an unchanged rebuild finds it and trains nothing.
A copy goes to `<MODEL_CACHE_DIR>/adapted/<key>/`, beside the extracted base model, so another
index directory (a test's, a benchmark's) copies it instead of training again.

    python -m ingest adapt          # (re)train explicitly and report; `make ingest` adapts too

Not here: embedding with the result (`ingest.embed`), the index build (`ingest.index`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import random
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ingest import chunk as chunker
from ingest.corpus import load_corpus
from ingest.embed import extract_packaged_model, packaged_model_zip
from ingest.settings import ROOT, Settings
from ingest.structure import blocks
from ingest.types import Document, Sentence

TRAIN_FILE = ROOT / "evals" / "train.jsonl"
# The articles the training questions were written from (their evidence quotes these). The
# model is adapted to them whatever corpus an index is built from (a benchmark's synthetic
# copies, a CORPUS_DIR of the same articles elsewhere), so those reuse the cached model.
TRAIN_CORPUS = ROOT / "corpus"
ADAPTED = "adapted"  # subdirectory of the index; a rebuild of the index carries it over
RECORD = "adaptation.json"


@dataclass(frozen=True)
class AdaptSettings:
    """Everything that shapes the weights besides the data; part of the cache key."""

    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 3e-5  # chosen on dev and dev2 over 2e-5 (support +0.029 / +0.034)
    warmup: float = 0.1  # share of steps with a rising learning rate
    weight_decay: float = 0.01
    scale: float = 20.0  # MultipleNegativesRankingLoss temperature (its default)
    max_seq_length: int = 64  # evidence sentences are short; chunks are cut here in training
    spans_per_question: int = 1  # at most this many positives per question (first spans)
    hard_negatives: bool = True  # one per pair, from the same article (else in-batch only)
    negative_pool: int = 5  # hard negative drawn from this many closest non-evidence sentences
    freeze_embeddings: bool = True  # the word-piece table stays: a third less work per step
    seed: int = 13
    threads: int = 2  # fixed: CPU float sums can differ with the thread count
    recipe: int = 1  # bump when the pair-building code changes meaning


class Pair(NamedTuple):
    query: str
    positive: str
    doc_id: str
    paragraphs: frozenset[int]  # the positive's paragraphs: negatives come from elsewhere
    source: str  # "train" | "faq"


class AdaptReport(NamedTuple):
    trained: bool  # False when the adapted model for this key already existed
    seconds: float
    pairs: int
    model_dir: Path
    key: str
    stale: bool = False  # an adapted model for older training data is in use


# -- pairs (pure) -------------------------------------------------------------------------------
_QUOTES = str.maketrans("‘’‚‛“”„‟", "''''\"\"\"\"")


def _norm(text: str) -> str:
    """What evidence matching ignores: Unicode form, curly quotes, white space, case.

    >>> _norm("It\u2019s  Common")
    "it's common"
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def covered_sentences(span: str, sentences: Sequence[Sentence]) -> list[int]:
    """Ids of the sentences an evidence span holds, or the one sentence that holds it."""
    target = _norm(span)
    inside = [i for i, s in enumerate(sentences) if _norm(s.text) in target]
    if inside:
        return inside
    return [i for i, s in enumerate(sentences) if target in _norm(s.text)][:1]


def query_text(question: str, history: Sequence[str]) -> str:
    """A follow-up is trained with the message it follows, as the bot resolves it."""
    return f"{question} ({history[-1]})" if history else question


def train_pairs(items: Sequence[dict[str, Any]], sentences: Sequence[Sentence],
                spans_per_question: int) -> list[Pair]:
    """(question, evidence sentence) pairs from training items that expect an answer."""
    pairs = []
    for item in items:
        if item.get("expect") != "answer":
            continue
        query = query_text(item["question"], item.get("history") or [])
        seen: set[int] = set()
        for span in item.get("evidence", [])[:spans_per_question]:
            ids = [i for i in covered_sentences(span, sentences) if i not in seen]
            if not ids:
                continue
            seen.update(ids)
            text = (chunker.sentence_embed_text(list(sentences), ids[0]) if len(ids) == 1
                    else " ".join(sentences[i].text for i in ids))
            pairs.append(Pair(query, text, sentences[ids[0]].doc_id,
                              frozenset(sentences[i].paragraph for i in ids), "train"))
    return pairs


MIN_HEADING_WORDS = 3  # "Key Takeaways" asks nothing; "Treating neuropathic pain" does


def faq_pairs(docs: Sequence[Document], chunks: Sequence[Any]) -> list[Pair]:
    """Each FAQ question or multi-word heading with each chunk under it.

    The articles pair their own questions with answers ("Does MS cause buttock pain?" → the
    paragraph under it); the structure stage found them, so they come free.
    """
    titles = {d.doc_id: d.title for d in docs}
    kinds = {(d.doc_id, b.section): b.kind for d in docs for b in blocks(d.body)
             if b.kind in ("heading", "question")}
    pairs = []
    for c in chunks:
        kind = kinds.get((c.doc_id, c.section))
        if kind is None or (kind == "heading" and len(c.section.split()) < MIN_HEADING_WORDS):
            continue
        pairs.append(Pair(c.section, chunker.chunk_embed_text(c, titles[c.doc_id]), c.doc_id,
                          frozenset({c.paragraph}), "faq"))
    return pairs


def read_items(path: Path) -> list[dict[str, Any]]:
    if not Path(path).is_file():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def all_pairs(settings: Settings, adapt: AdaptSettings, train_file: Path = TRAIN_FILE
              ) -> list[Pair]:
    docs = load_corpus(TRAIN_CORPUS)
    sentences, chunks = chunker.chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap,
                                             settings.encoding)
    return (train_pairs(read_items(train_file), sentences, adapt.spans_per_question)
            + faq_pairs(docs, chunks))


def cache_key(base_digest: str, pairs: Sequence[Pair], adapt: AdaptSettings) -> str:
    """Hash of (base model, training pairs, settings): what the adapted weights depend on."""
    h = hashlib.sha256()
    h.update(base_digest.encode())
    h.update(json.dumps([[*p[:3], sorted(p.paragraphs), p.source] for p in pairs],
                        ensure_ascii=False).encode())
    h.update(json.dumps(dataclasses.asdict(adapt), sort_keys=True).encode())
    return h.hexdigest()


def batches(n: int, size: int, rng: random.Random, positives: Sequence[str]) -> list[list[int]]:
    """Shuffled batches in which no positive text appears twice (it would be a false in-batch
    negative for its twin)."""
    order = list(range(n))
    rng.shuffle(order)
    out: list[list[int]] = []
    pending = order
    while pending:
        batch, seen, rest = [], set(), []
        for i in pending:
            if len(batch) < size and positives[i] not in seen:
                batch.append(i)
                seen.add(positives[i])
            else:
                rest.append(i)
        out.append(batch)
        pending = rest
    return out


# -- training (the model at the edge) -----------------------------------------------------------
def hard_negatives(model: Any, pairs: Sequence[Pair], sentences: Sequence[Sentence],
                   pool: int, rng: random.Random) -> list[str]:
    """For each pair, a same-article sentence outside its paragraphs, close to the query."""
    import numpy as np

    texts = [chunker.sentence_embed_text(list(sentences), i) for i in range(len(sentences))]
    svec = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
    qvec = model.encode([p.query for p in pairs], normalize_embeddings=True,
                        convert_to_numpy=True, batch_size=64)
    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        by_doc.setdefault(s.doc_id, []).append(i)
    out = []
    for p, q in zip(pairs, qvec, strict=True):
        ids = [i for i in by_doc[p.doc_id] if sentences[i].paragraph not in p.paragraphs
               and _norm(sentences[i].text) not in _norm(p.positive)]
        scores = svec[ids] @ q
        closest = [ids[j] for j in np.argsort(-scores, kind="stable")[:pool]]
        out.append(texts[rng.choice(closest)] if closest else texts[rng.randrange(len(texts))])
    return out


def seeded_model(base_dir: Path, seed: int, threads: int, max_seq_length: int
                 ) -> tuple[Any, random.Random]:
    """A sentence-transformers model to fine-tune, loaded after every seed is set and torch is
    made deterministic on CPU; with the random.Random that orders its batches."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    rng = random.Random(seed)
    model = SentenceTransformer(str(base_dir), device="cpu", local_files_only=True)
    model.max_seq_length = max_seq_length
    return model, rng


def warmup_then_decay(optimizer: Any, steps: int, warm: int) -> Any:
    """Learning rate rising linearly over `warm` steps, then falling linearly to 0 at `steps`."""
    import torch

    decay = max(steps - warm, 1)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / decay))


def train(base_dir: Path, pairs: Sequence[Pair], sentences: Sequence[Sentence],
          adapt: AdaptSettings, out_dir: Path, progress: bool = True) -> dict[str, Any]:
    """Fine-tune the model at `base_dir` on `pairs`; save it to `out_dir`. Returns the log."""
    import torch
    from sentence_transformers.sentence_transformer.losses import (
        MultipleNegativesRankingLoss,
    )

    model, rng = seeded_model(base_dir, adapt.seed, adapt.threads, adapt.max_seq_length)
    model.eval()
    negatives: list[str] = []
    if adapt.hard_negatives:
        with torch.no_grad():
            negatives = hard_negatives(model, pairs, sentences, adapt.negative_pool, rng)
    if adapt.freeze_embeddings:
        for module in model.modules():
            if type(module).__name__.endswith("Embeddings"):
                module.requires_grad_(False)
    loss_fn = MultipleNegativesRankingLoss(model, scale=adapt.scale)
    plan = [batches(len(pairs), adapt.batch_size, rng, [p.positive for p in pairs])
            for _ in range(adapt.epochs)]
    steps = sum(len(epoch) for epoch in plan)
    warm = max(1, int(steps * adapt.warmup))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=adapt.learning_rate,
                                  weight_decay=adapt.weight_decay)
    schedule = warmup_then_decay(optimizer, steps, warm)
    prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in v6
    model.train()
    losses = []
    step = 0
    for epoch in plan:
        total = 0.0
        for batch in epoch:
            columns = [[pairs[i].query for i in batch], [pairs[i].positive for i in batch]]
            if negatives:
                columns.append([negatives[i] for i in batch])
            features = [prepare(texts) for texts in columns]
            loss = loss_fn(features, None)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach())
            step += 1
            if progress:
                print(f"\radapt: step {step}/{steps} loss {float(loss.detach()):.3f}", end="",
                  flush=True)
        losses.append(round(total / len(epoch), 4))
    if progress:
        print()
    model.eval()
    model.max_seq_length = 256  # back to the base model's limit for embedding chunks
    model.save(str(out_dir))
    return {"steps": steps, "epoch_loss": losses}


# -- where the adapted model lives ----------------------------------------------------------------
def _plan(settings: Settings, adapt: AdaptSettings, train_file: Path
          ) -> tuple[list[Pair], str, Path]:
    pairs = all_pairs(settings, adapt, train_file)
    _, digest = packaged_model_zip()
    key = cache_key(digest, pairs, adapt)
    return pairs, key, Path(settings.index_dir) / ADAPTED / key[:16]


def location(settings: Settings, adapt: AdaptSettings | None = None,
             train_file: Path = TRAIN_FILE) -> Path:
    """Where the adapted model for the current key lives (whether or not it exists yet)."""
    return _plan(settings, adapt or AdaptSettings(), train_file)[2]


def is_adapted(path: Path) -> bool:
    return (Path(path) / RECORD).is_file() and (Path(path) / "modules.json").is_file()


def resolve(settings: Settings, adapt: AdaptSettings | None = None,
            train_file: Path = TRAIN_FILE) -> Settings:
    """Settings that embed with the adapted model when it exists for the current key.

    MODEL_PATH overrides: a configured model is used as it is, never adapted.
    """
    if settings.model_path is not None:
        return settings
    _, _, target = _plan(settings, adapt or AdaptSettings(), train_file)
    found = target if is_adapted(target) else _existing(settings)
    return dataclasses.replace(settings, model_path=found) if found else settings


def copy_model(source: Path, target: Path,
               complete: Callable[[Path], bool] | None = None) -> None:
    """Copy a model directory into place atomically (hard links where possible), unless
    `target` is already `complete` (default: an adapted model)."""
    import os

    def link_or_copy(src: str, dst: str) -> object:
        try:
            os.link(src, dst)
            return dst
        except OSError:
            return shutil.copy2(src, dst)

    complete = complete or is_adapted
    if complete(target):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".copy-"))
    try:
        shutil.copytree(source, tmp / "m", copy_function=link_or_copy)
        (tmp / "m").rename(target)
    except OSError:
        if not complete(target):
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def install_model(built: Path, target: Path, shared: Path,
                  complete: Callable[[Path], bool]) -> None:
    """Move a freshly trained model folder `built` to `target`, drop the earlier keys beside
    it (superseded, about 90 MB each), and give the shared cache a copy, so another index
    directory with the same key reuses it (a convenience: the index has its own copy)."""
    built.chmod(0o755)
    if target.exists():
        shutil.rmtree(target)
    built.rename(target)
    for old in target.parent.iterdir():
        if old != target and not old.name.startswith(".") and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        copy_model(target, shared, complete)


def _existing(settings: Settings) -> Path | None:
    """An adapted model already in the index directory, for whatever key (the newest)."""
    root = Path(settings.index_dir) / ADAPTED
    found = [p for p in root.iterdir() if not p.name.startswith(".") and is_adapted(p)] \
        if root.is_dir() else []
    return max(found, key=lambda p: (p / RECORD).stat().st_mtime) if found else None


def ensure(settings: Settings, adapt: AdaptSettings | None = None, *, force: bool = False,
           explicit: bool = False, progress: bool = True, train_file: Path = TRAIN_FILE
           ) -> tuple[Settings, AdaptReport]:
    """Train the adapted model unless one exists; return settings that use it. An adapted
    model for older training data is kept (report.stale) unless `explicit` (the `adapt`
    command) or `force`. With MODEL_PATH set nothing is trained."""
    t0 = time.perf_counter()
    adapt = adapt or AdaptSettings()
    if settings.model_path is not None:
        path = Path(settings.model_path)
        return settings, AdaptReport(False, 0.0, 0, path, "")
    pairs, key, target = _plan(settings, adapt, train_file)
    shared = Path(settings.cache_dir) / ADAPTED / target.name
    if not force and not is_adapted(target) and is_adapted(shared):
        copy_model(shared, target)  # trained before on this machine for this very key
    if is_adapted(target) and not force:
        if not is_adapted(shared):
            copy_model(target, shared)
        return (dataclasses.replace(settings, model_path=target),
                AdaptReport(False, time.perf_counter() - t0, len(pairs), target, key))
    # The pairs include the articles' own FAQ headings, so adding an article changes the key.
    # Re-adapting re-embeds the whole corpus: that is an explicit step (`python -m ingest
    # adapt`), never a side effect of adding an article. Keep the model there is.
    existing = None if (force or explicit) else _existing(settings)
    if existing is not None:
        return (dataclasses.replace(settings, model_path=existing),
                AdaptReport(False, time.perf_counter() - t0, len(pairs), existing, key,
                            stale=True))
    base = extract_packaged_model(settings.cache_dir)
    docs = load_corpus(TRAIN_CORPUS)
    sentences, _ = chunker.chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap,
                                        settings.encoding)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".train-"))
    try:
        log = train(base, pairs, sentences, adapt, tmp, progress=progress)
        seconds = round(time.perf_counter() - t0, 1)
        record = {
            "key": key,
            "base_model": f"{packaged_model_zip()[1]}",
            "train_file": str(Path(train_file).relative_to(ROOT)) if Path(train_file)
            .is_relative_to(ROOT) else str(train_file),
            "pairs": {"train": sum(p.source == "train" for p in pairs),
                      "faq": sum(p.source == "faq" for p in pairs)},
            "settings": dataclasses.asdict(adapt),
            "seconds": seconds,
            **log,
        }
        (tmp / RECORD).write_text(json.dumps(record, indent=1), "utf-8")
        install_model(tmp, target, shared, is_adapted)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return (dataclasses.replace(settings, model_path=target),
            AdaptReport(True, time.perf_counter() - t0, len(pairs), target, key))


def record(settings: Settings) -> dict[str, Any] | None:
    """The adaptation record of the model `settings` embeds with, for the index manifest."""
    if settings.model_path is None or not is_adapted(settings.model_path):
        return None
    return json.loads((Path(settings.model_path) / RECORD).read_text(encoding="utf-8"))
