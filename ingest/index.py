"""The index on disk: FAISS (inner product over normalized vectors) for chunks and sentences,
BM25 statistics for chunks, the chunk and sentence tables, a copy of the documents, and a
manifest.

Building embeds only texts the vector cache (ingest.vector_cache) lacks, so adding or editing
an article costs its own new texts plus re-chunking and re-indexing, not a re-embedding of the
corpus. Chunk search is exact (a flat index) up to `EXACT_MAX` chunks and HNSW above it, with
its recall@10 against exact search measured at build time and recorded in the manifest.

The manifest records what the index was built from (corpus hash, model id, dimension, chunker
settings, a hash of the ingest code, package versions, format version) and a SHA-256 of every
file. `Index.load` refuses an index whose manifest does not match what the caller expects, or
whose files do not match their checksums, with a message that says how to rebuild. Everything
a query needs (vectors, BM25 term statistics) is prepared here, at ingest or load time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ingest import adapt
from ingest import chunk as chunker
from ingest.corpus import corpus_hash, load_corpus
from ingest.embed import Embedder, load_embedder, model_id
from ingest.errors import IndexCorrupt, IndexMismatch, IndexMissing
from ingest.settings import Settings
from ingest.types import Chunk, Document, Sentence
from ingest.vector_cache import VectorCache, embed_cached

FORMAT_VERSION = 2  # 2: docs.json, search type by size
MANIFEST = "manifest.json"
# The fields that must match for an index to be usable, and what to say when one does not.
MATCHED = {
    "format_version": "was written by a different version of this program",
    "corpus_hash": "was built from a different corpus",
    "model_id": "was built with a different embedding model",
    "chunker": "was built with different chunking settings",
    "pipeline_hash": "was built by different ingest code",
}
_PIPELINE_MODULES = ("clean", "structure", "sentences", "chunk", "index", "search")
_VERSIONED = ("faiss-cpu", "sentence-transformers", "bm25s", "langchain-text-splitters",
              "tiktoken", "torch", "numpy")


def pipeline_hash() -> str:
    """A hash of the ingest code: changing a cleaning rule or the chunker forces a rebuild."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _PIPELINE_MODULES:
        h.update((here / f"{name}.py").read_bytes())
    return h.hexdigest()


def expected_manifest(settings: Settings, docs: list[Document]) -> dict[str, Any]:
    """The matched fields for the current corpus and settings (no model load needed)."""
    return {
        "format_version": FORMAT_VERSION,
        "corpus_hash": corpus_hash(docs),
        "model_id": model_id(settings),
        "chunker": {
            "chunk_tokens": settings.chunk_tokens,
            "chunk_overlap": settings.chunk_overlap,
            "encoding": settings.encoding,
        },
        "pipeline_hash": pipeline_hash(),
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with `make ingest` (or `python -m ingest --index-dir {index_dir}`)"


def bm25_tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: the same for documents and queries."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"),
                          return_ids=False, show_progress=False)


class BuildReport(NamedTuple):
    built: bool  # False when the index on disk was already up to date
    seconds: float
    chunks: int
    sentences: int
    index_dir: Path
    embedded: int = 0  # distinct texts that went through the model in this build
    reused: int = 0  # texts whose vector came from the cache
    search: str = "flat"  # chunk search: "flat" (exact) or "hnsw"
    recall_at_10: float | None = None  # HNSW against exact, measured at build; None if exact
    documents: int = 0

    def summary(self) -> str:
        """The line `python -m ingest` prints (the README and the benchmark quote it)."""
        state = "built" if self.built else "up to date, nothing to do"
        search = "exact search" if self.search == "flat" else (
            f"{self.search} search, recall@10 vs exact {self.recall_at_10:.3f}")
        work = (f"embedded {self.embedded} texts, reused {self.reused}; " if self.built
                else "")
        return (f"index {state} in {self.seconds:.2f} s: {work}{self.documents} documents, "
                f"{self.chunks} chunks, {self.sentences} sentences, {search} "
                f"-> {self.index_dir}")


@dataclass
class Index:
    """A loaded index: tables, FAISS indexes, BM25 model, and the documents they point into."""

    index_dir: Path
    manifest: dict[str, Any]
    docs: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_faiss: Any
    sentence_faiss: Any
    sentence_vectors: np.ndarray
    chunk_vectors: np.ndarray
    bm25: Any

    # -- queries -----------------------------------------------------------------------------
    def search_chunks(self, vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Dense search: (chunk index, cosine), best first."""
        k = min(k, len(self.chunks))
        scores, ids = self.chunk_faiss.search(np.asarray(vec, np.float32).reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def bm25_chunks(self, query: str, k: int) -> list[tuple[int, float]]:
        """Lexical search: (chunk index, BM25 score), best first; only chunks scoring > 0."""
        vocab = self.bm25.vocab_dict
        tokens = [t for t in bm25_tokenize([query])[0] if t in vocab]
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    # -- files -------------------------------------------------------------------------------
    @classmethod
    def load(cls, index_dir: Path, expected: dict[str, Any] | None = None,
             docs: list[Document] | None = None) -> Index:
        """Load and verify. `expected` (see `expected_manifest`) must match the manifest."""
        import bm25s
        import faiss

        index_dir = Path(index_dir)
        manifest = _verify(index_dir, expected)
        try:
            tables = json.loads((index_dir / "tables.json").read_text(encoding="utf-8"))
            chunks = [Chunk(**c) for c in tables["chunks"]]
            sentences = [Sentence(**s) for s in tables["sentences"]]
            chunk_faiss = faiss.read_index(str(index_dir / "chunks.faiss"))
            sentence_faiss = faiss.read_index(str(index_dir / "sentences.faiss"))
            bm25 = bm25s.BM25.load(str(index_dir / "bm25"), show_progress=False)
        except Exception as exc:  # a file that passed its checksum but cannot be parsed
            raise IndexCorrupt(f"the index in {index_dir} cannot be read ({exc}): "
                               + _rebuild_hint(index_dir)) from None
        if docs is None:  # the copy stored at build: usable while corpus/ is being edited
            docs = _read_docs(index_dir)
        vectors = sentence_faiss.reconstruct_n(0, sentence_faiss.ntotal)
        chunk_vectors = chunk_faiss.reconstruct_n(0, chunk_faiss.ntotal)
        return cls(index_dir, manifest, {d.doc_id: d for d in docs}, chunks, sentences,
                   chunk_faiss, sentence_faiss, np.ascontiguousarray(vectors),
                   np.ascontiguousarray(chunk_vectors), bm25)


def _read_docs(index_dir: Path) -> list[Document]:
    try:
        raw = json.loads((index_dir / "docs.json").read_text(encoding="utf-8"))
        return [Document(**d) for d in raw]
    except (OSError, ValueError, TypeError) as exc:
        raise IndexCorrupt(f"the documents stored in {index_dir} cannot be read ({exc}): "
                           + _rebuild_hint(index_dir)) from None


def is_current(settings: Settings, docs: list[Document]) -> bool:
    """True when the index on disk matches the corpus and settings and passes its checksums."""
    try:
        Index.load(settings.index_dir, expected_manifest(settings, docs), docs)
    except (IndexMissing, IndexMismatch, IndexCorrupt):
        return False
    return True


def quick_is_current(settings: Settings, docs: list[Document]) -> bool:
    """Like `is_current`, reading only the manifest and file checksums (no FAISS/BM25 load)."""
    try:
        _verify(Path(settings.index_dir), expected_manifest(settings, docs))
    except (IndexMissing, IndexMismatch, IndexCorrupt, OSError):
        return False
    return True


def _verify(index_dir: Path, expected: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest of `index_dir`, once every file matches its checksum and the matched
    fields equal `expected` (when given); otherwise the error that names the fix."""
    manifest_path = index_dir / MANIFEST
    if not manifest_path.is_file():
        raise IndexMissing(f"no index at {index_dir}: build it with `make ingest`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError) as exc:
        raise IndexCorrupt(f"the index manifest in {index_dir} is unreadable ({exc}): "
                           + _rebuild_hint(index_dir)) from None
    for name, digest in files.items():
        path = index_dir / name
        if not path.is_file() or _sha256(path) != digest:
            raise IndexCorrupt(f"index file {path} is missing, truncated or altered "
                               f"(checksum mismatch): " + _rebuild_hint(index_dir))
    for key, what in MATCHED.items():
        if expected is not None and manifest.get(key) != expected[key]:
            raise IndexMismatch(f"the index at {index_dir} {what} than the one configured "
                                f"now: " + _rebuild_hint(index_dir))
    return manifest


def build(settings: Settings, embedder: Embedder | None = None, progress: bool = True,
          force: bool = False) -> BuildReport:
    """Build the index unless the one on disk is current. Loads the model only to build.

    Vectors come from the cache when it has them; `force` reads nothing from it, so every
    text is embedded again (a rebuild from nothing). The corpus is read, and any error in it
    raised, before anything is written: a bad article leaves the old index as is.
    """
    t0 = time.perf_counter()
    docs = load_corpus(settings.corpus_dir)
    index_dir = Path(settings.index_dir)
    if not force and quick_is_current(settings, docs):
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        search = manifest.get("search", {})
        return BuildReport(False, time.perf_counter() - t0, manifest["counts"]["chunks"],
                           manifest["counts"]["sentences"], index_dir,
                           search=search.get("type", "flat"),
                           recall_at_10=search.get("recall_at_10"),
                           documents=manifest["counts"]["documents"])
    import bm25s
    import faiss

    from ingest import search as search_index

    sentences, chunks = chunker.chunk_corpus(docs, settings.chunk_tokens,
                                             settings.chunk_overlap, settings.encoding)
    titles = {d.doc_id: d.title for d in docs}
    embedder = embedder or load_embedder(settings)
    chunk_texts = [chunker.chunk_embed_text(c, titles[c.doc_id]) for c in chunks]
    sentence_texts = [chunker.sentence_embed_text(sentences, i) for i in range(len(sentences))]
    cache = (VectorCache(settings.vectors_dir, embedder.identity, embedder.dimension)
             if embedder.identity else None)
    result = embed_cached(chunk_texts + sentence_texts,
                          lambda texts: embedder.encode(texts, progress=progress), cache,
                          read=not force)
    chunk_vecs, sentence_vecs = result.vectors[: len(chunks)], result.vectors[len(chunks) :]
    faiss.omp_set_num_threads(max(1, settings.torch_threads))
    chunk_faiss, search = search_index.chunk_search_index(
        chunk_vecs, lambda: embedder.encode(list(search_index.PROBE_QUESTIONS)))

    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=index_dir.parent, prefix=f".{index_dir.name}-build-"))
    try:
        faiss.write_index(chunk_faiss, str(tmp / "chunks.faiss"))
        # Sentences are looked up by id, never searched: a flat index is their storage.
        flat = faiss.IndexFlatIP(embedder.dimension)
        flat.add(sentence_vecs)
        faiss.write_index(flat, str(tmp / "sentences.faiss"))
        bm25 = bm25s.BM25()
        bm25.index(bm25_tokenize(chunk_texts), show_progress=False)
        bm25.save(str(tmp / "bm25"), show_progress=False)
        tables = {"chunks": [asdict(c) for c in chunks],
                  "sentences": [asdict(s) for s in sentences]}
        (tmp / "tables.json").write_text(json.dumps(tables, ensure_ascii=False), "utf-8")
        (tmp / "docs.json").write_text(json.dumps([asdict(d) for d in docs],
                                                  ensure_ascii=False), "utf-8")
        files = {str(p.relative_to(tmp)): _sha256(p) for p in sorted(tmp.rglob("*"))
                 if p.is_file()}
        manifest = {
            **expected_manifest(settings, docs),
            "model_identity": embedder.identity,
            "dimension": embedder.dimension,
            "corpus_dir": str(Path(settings.corpus_dir).resolve()),
            "docs": {d.doc_id: d.source_sha256 for d in docs},
            "counts": {"documents": len(docs), "chunks": len(chunks),
                       "sentences": len(sentences)},
            "vectors": {"embedded": result.embedded, "reused": result.reused,
                        "cache": str(cache.folder) if cache is not None else None},
            "search": search._asdict(),
            "versions": _versions(),
            "adaptation": adapt.record(settings),  # the fine-tuned model, if it embeds
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")
        _replace_dir(tmp, index_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return BuildReport(True, time.perf_counter() - t0, len(chunks), len(sentences), index_dir,
                       result.embedded, result.reused, search.type, search.recall_at_10,
                       len(docs))


# Subdirectories a rebuild carries over from the old index: the adapted model (ingest.adapt),
# trained once per key and read by path, outlives the vectors it produced; so does the red-flag
# head trained on that model's vectors (bot.safety.classifier keeps it in `safety/`).
CARRIED_OVER = (adapt.ADAPTED, "safety")


def _replace_dir(new: Path, target: Path) -> None:
    """Swap `new` into place at `target`: readers see the old index or the new, never a mix."""
    old = None
    for name in CARRIED_OVER:
        if (target / name).is_dir() and not (new / name).exists():
            (target / name).rename(new / name)
    if target.exists():
        old = target.with_name(f".{target.name}-old-{time.time_ns()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
